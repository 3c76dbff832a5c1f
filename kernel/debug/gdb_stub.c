/* SPDX-License-Identifier: MIT */
/*
 * The kernel side of the GDB stub (FEATURES=enable-gdb): entry from #BP,
 * #DB, Ctrl-C and fatal errors; stopping the other CPUs with NMIs; register
 * and memory access; software breakpoints written through a temporary
 * writable alias (kernel text stays read-only); hardware breakpoints and
 * watchpoints in DR0-DR3/DR7, loaded on every CPU when it resumes.
 *
 * Threads are CPUs: thread id = CPU index + 1.
 */
#define LOG_MODULE "gdb"

#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/debugreg.h>
#include <arch/exception.h>
#include <arch/ioapic.h>
#include <arch/uaccess.h>
#include <svsm/drivers/fw_cfg.h>
#include <svsm/drivers/uart.h>
#include <svsm/errno.h>
#include <svsm/gdb.h>
#include <svsm/gdb_proto.h>
#include <svsm/hw/x86_pte.h>
#include <svsm/lib/log.h>
#include <svsm/lib/string.h>
#include <svsm/machine.h>
#include <svsm/mm.h>
#include <svsm/percpu.h>
#include <svsm/platform.h>
#include <svsm/smp.h>
#include <svsm/spinlock.h>
#include <svsm/vmap.h>

#define GDB_SERIAL_VECTOR 0x23
#define COM2_IRQ 3
#define MAX_SW_BREAKPOINTS 32
#define MAX_HW_SLOTS 4
#define STOP_WAIT_LOOPS 50000000ULL
#define SIGINT 2
#define SIGTRAP 5

extern char __text_start[], __text_end[];

struct sw_bp {
	u64 addr;
	u8 orig;
	bool used;
};

struct hw_slot {
	enum gdb_bp_type type;
	u64 addr;
	u32 len;
	bool used;
};

static struct {
	struct uart uart;
	struct gdb_session session;
	spinlock_t lock;
	u32 owner;		/* CPU index in the stub, valid while held */
	bool held;
	volatile bool world_stopped;
	volatile u32 release_gen;
	struct exc_frame *frames[SMP_MAX_CPUS]; /* each stopped CPU's frame */
	volatile bool parked[SMP_MAX_CPUS];
	bool running_for_gdb;	/* gdb waits for a stop reply */
	bool stepping;
	struct sw_bp sw[MAX_SW_BREAKPOINTS];
	struct hw_slot hw[MAX_HW_SLOTS];
} stub = { .lock = SPINLOCK_INIT };

/* Known contents and a watch target for the boot-break workflow. */
__attribute__((used)) const u64 gdb_boot_pattern[4] = {
	0x1122334455667788ULL, 0x99aabbccddeeff00ULL,
	0x0123456789abcdefULL, 0xfedcba9876543210ULL,
};
__attribute__((used)) volatile u64 gdb_boot_counter;

/* ---- debug registers ------------------------------------------------- */

static u64 dr7_value(void)
{
	static const u64 len_bits[9] = { 0, 0, 1, 0, 3, 0, 0, 0, 2 };
	u64 dr7 = 0;

	for (int i = 0; i < MAX_HW_SLOTS; i++) {
		const struct hw_slot *h = &stub.hw[i];
		u64 rw = DR7_RW_ACCESS;

		if (!h->used)
			continue;
		if (h->type == GDB_BP_HARDWARE)
			rw = DR7_RW_EXEC;
		else if (h->type == GDB_WATCH_WRITE)
			rw = DR7_RW_WRITE;
		dr7 |= DR7_L(i) | rw << DR7_RW_SHIFT(i) |
		       (h->type == GDB_BP_HARDWARE ? 0 : len_bits[h->len])
			       << DR7_LEN_SHIFT(i);
	}
	return dr7;
}

static void load_debug_registers(void)
{
	arch_write_dr(7, 0);
	for (int i = 0; i < MAX_HW_SLOTS; i++)
		arch_write_dr(i, stub.hw[i].used ? stub.hw[i].addr : 0);
	arch_write_dr(6, DR6_RESET);
	arch_write_dr(7, dr7_value());
}

/* ---- target operations ------------------------------------------------ */

static struct exc_frame *thread_frame(u32 tid)
{
	if (tid < 1 || tid > smp_cpus_online())
		return NULL;
	return stub.frames[tid - 1];
}

static u64 *gpr_slot(struct exc_frame *f, u32 regno)
{
	switch (regno) {
	case GDB_REG_RAX: return &f->rax;
	case GDB_REG_RBX: return &f->rbx;
	case GDB_REG_RCX: return &f->rcx;
	case GDB_REG_RDX: return &f->rdx;
	case GDB_REG_RSI: return &f->rsi;
	case GDB_REG_RDI: return &f->rdi;
	case GDB_REG_RBP: return &f->rbp;
	case GDB_REG_RSP: return &f->rsp;
	case GDB_REG_R8: return &f->r8;
	case GDB_REG_R9: return &f->r9;
	case GDB_REG_R10: return &f->r10;
	case GDB_REG_R11: return &f->r11;
	case GDB_REG_R12: return &f->r12;
	case GDB_REG_R13: return &f->r13;
	case GDB_REG_R14: return &f->r14;
	case GDB_REG_R15: return &f->r15;
	case GDB_REG_RIP: return &f->rip;
	case GDB_REG_EFLAGS: return &f->rflags;
	default: return NULL;
	}
}

static int target_read_reg(void *ctx, u32 tid, u32 regno, u64 *value)
{
	struct exc_frame *f = thread_frame(tid);
	struct percpu *cpu = smp_cpu(tid - 1);
	u64 *slot;

	if (!f || !cpu)
		return -SVSM_EINVAL;
	slot = gpr_slot(f, regno);
	if (slot) {
		*value = *slot;
		return 0;
	}
	switch (regno) {
	case GDB_REG_CS: *value = f->cs; break;
	case GDB_REG_SS: *value = f->ss; break;
	case GDB_REG_DS: case GDB_REG_ES: *value = 0x10; break;
	case GDB_REG_FS_BASE: *value = (u64)(uintptr_t)&cpu->fs_block; break;
	case GDB_REG_GS_BASE: *value = (u64)(uintptr_t)cpu; break;
	default: *value = 0; break; /* fs, gs selectors; x87 state */
	}
	return 0;
}

static int target_write_reg(void *ctx, u32 tid, u32 regno, u64 value)
{
	struct exc_frame *f = thread_frame(tid);
	u64 *slot;
	u64 old;

	if (!f)
		return -SVSM_EINVAL;
	slot = gpr_slot(f, regno);
	if (slot) {
		*slot = value;
		return 0;
	}
	/* Segment and base registers are fixed: accept only their value. */
	return target_read_reg(ctx, tid, regno, &old) || old != value ?
		       -SVSM_EINVAL : 0;
}

static size_t target_read_mem(void *ctx, u32 tid, u64 addr, void *buf,
			      size_t len)
{
	u8 *out = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		if (arch_try_read_u8((const void *)(uintptr_t)(addr + i),
				     &out[i]))
			break;
	}
	return i;
}

/* Writes one byte, through a temporary writable alias if it is read-only. */
static bool write_byte(u64 addr, u8 value)
{
	struct pgtable_walk_result r;
	u8 *alias;

	if (mm_walk(addr, &r))
		return false;
	if (r.pte & PTE_W)
		return !arch_try_write_u8((void *)(uintptr_t)addr, value);
	alias = vmap_phys(ALIGN_DOWN(r.pa, PAGE_SIZE), PAGE_SIZE, PGT_WRITE);
	if (!alias)
		return false;
	alias[r.pa & (PAGE_SIZE - 1)] = value;
	vunmap_local(alias, PAGE_SIZE);
	return true;
}

static size_t target_write_mem(void *ctx, u32 tid, u64 addr, const void *buf,
			       size_t len)
{
	const u8 *in = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		if (!write_byte(addr + i, in[i]))
			break;
	}
	return i;
}

static bool in_text(u64 addr)
{
	return addr >= (u64)(uintptr_t)__text_start &&
	       addr < (u64)(uintptr_t)__text_end;
}

static int sw_breakpoint(u64 addr, bool insert)
{
	struct sw_bp *free = NULL;

	if (!in_text(addr))
		return -SVSM_EINVAL;
	for (int i = 0; i < MAX_SW_BREAKPOINTS; i++) {
		struct sw_bp *b = &stub.sw[i];

		if (b->used && b->addr == addr) {
			if (!insert) {
				write_byte(addr, b->orig);
				b->used = false;
			}
			return 0;
		}
		if (!b->used && !free)
			free = b;
	}
	if (!insert)
		return 0;
	if (!free)
		return -SVSM_ENOMEM;
	if (target_read_mem(NULL, 0, addr, &free->orig, 1) != 1 ||
	    !write_byte(addr, 0xcc))
		return -SVSM_EINVAL;
	free->addr = addr;
	free->used = true;
	return 0;
}

static int hw_breakpoint(enum gdb_bp_type type, u64 addr, u32 len,
			 bool insert)
{
	struct hw_slot *free = NULL;

	if (type != GDB_BP_HARDWARE &&
	    ((len != 1 && len != 2 && len != 4 && len != 8) ||
	     !IS_ALIGNED(addr, len)))
		return -SVSM_EINVAL;
	if (type == GDB_BP_HARDWARE)
		len = 1;
	for (int i = 0; i < MAX_HW_SLOTS; i++) {
		struct hw_slot *h = &stub.hw[i];

		if (h->used && h->type == type && h->addr == addr &&
		    h->len == len) {
			h->used = insert;
			return 0;
		}
		if (!h->used && !free)
			free = h;
	}
	if (!insert)
		return 0;
	if (!free)
		return -SVSM_ENOMEM;
	*free = (struct hw_slot){ type, addr, len, true };
	return 0;
}

static int target_breakpoint(void *ctx, enum gdb_bp_type type, u64 addr,
			     u32 len, bool insert)
{
	if (type == GDB_BP_SOFTWARE)
		return sw_breakpoint(addr, insert);
	return hw_breakpoint(type, addr, len, insert);
}

static u32 target_thread_count(void *ctx)
{
	return smp_cpus_online();
}

static void target_putc(void *ctx, u8 c)
{
	uart_putc(&stub.uart, (char)c);
}

static const struct gdb_target_ops target_ops = {
	.putc = target_putc,
	.read_mem = target_read_mem,
	.write_mem = target_write_mem,
	.read_reg = target_read_reg,
	.write_reg = target_write_reg,
	.breakpoint = target_breakpoint,
	.thread_count = target_thread_count,
};

/* ---- stopping and releasing the other CPUs ---------------------------- */

static bool nmi_handler(struct exc_frame *f)
{
	u32 me = this_cpu()->cpu_index;
	u32 gen = stub.release_gen;

	if (!stub.world_stopped || (stub.held && stub.owner == me))
		return false;
	stub.frames[me] = f;
	__atomic_store_n(&stub.parked[me], true, __ATOMIC_RELEASE);
	while (__atomic_load_n(&stub.release_gen, __ATOMIC_ACQUIRE) == gen)
		arch_cpu_relax();
	stub.frames[me] = NULL;
	load_debug_registers();
	__atomic_store_n(&stub.parked[me], false, __ATOMIC_RELEASE);
	return true;
}

static void stop_others(u32 me)
{
	u32 n = smp_cpus_online();

	__atomic_store_n(&stub.world_stopped, true, __ATOMIC_RELEASE);
	for (u32 i = 0; i < n; i++) {
		if (i != me && smp_cpu(i))
			apic_send_nmi(smp_cpu(i)->apic_id);
	}
	for (u32 i = 0; i < n; i++) {
		for (u64 l = 0; i != me && !stub.parked[i] &&
				l < STOP_WAIT_LOOPS; l++)
			arch_cpu_relax();
	}
}

static void release_others(void)
{
	__atomic_store_n(&stub.world_stopped, false, __ATOMIC_RELEASE);
	__atomic_fetch_add(&stub.release_gen, 1, __ATOMIC_RELEASE);
}

/* ---- the stub loop ------------------------------------------------------ */

static void banner(void)
{
	log_info("***********************************");
	log_info("* Waiting for connection from GDB *");
	log_info("***********************************");
}

static void remove_all_breakpoints(void)
{
	for (int i = 0; i < MAX_SW_BREAKPOINTS; i++) {
		if (stub.sw[i].used)
			sw_breakpoint(stub.sw[i].addr, false);
	}
	memset(stub.hw, 0, sizeof(stub.hw));
}

static enum gdb_action serve(void)
{
	enum gdb_action act = GDB_ACTION_NONE;

	if (stub.running_for_gdb)
		gdb_send_stop_reply(&stub.session);
	else
		banner();
	while (act == GDB_ACTION_NONE) {
		int c = uart_getc_nonblock(&stub.uart);

		if (c >= 0)
			act = gdb_feed(&stub.session, (u8)c);
		else
			arch_cpu_relax();
	}
	return act;
}

/* Serves gdb for a stop of the calling CPU with frame f. */
static void stub_stop(struct exc_frame *f, const struct gdb_stop *why)
{
	u32 me = this_cpu()->cpu_index;
	enum gdb_action act;
	bool nested = stub.held && stub.owner == me;

	if (!nested) {
		while (!spin_trylock(&stub.lock))
			arch_cpu_relax(); /* another CPU's stub NMIs us meanwhile */
		stub.held = true;
		stub.owner = me;
		stop_others(me);
	}
	stub.frames[me] = f;
	gdb_session_stopped(&stub.session, why);
	act = serve();
	stub.frames[me] = NULL;
	f->rflags &= ~RFLAGS_TF;
	stub.stepping = false;
	if (act == GDB_ACTION_KILL)
		platform_terminate(0);
	if (act == GDB_ACTION_DETACH) {
		remove_all_breakpoints();
		stub.running_for_gdb = false;
	} else {
		stub.running_for_gdb = true;
		if (stub.session.resume_has_addr)
			f->rip = stub.session.resume_addr;
		if (stub.session.resume == GDB_RESUME_STEP) {
			f->rflags |= RFLAGS_TF;
			stub.stepping = true;
			load_debug_registers();
			return; /* the others stay stopped while we step */
		}
	}
	load_debug_registers();
	stub.held = false;
	release_others();
	spin_unlock(&stub.lock);
}

static bool is_sw_breakpoint(u64 addr)
{
	for (int i = 0; i < MAX_SW_BREAKPOINTS; i++) {
		if (stub.sw[i].used && stub.sw[i].addr == addr)
			return true;
	}
	return false;
}

static bool bp_handler(struct exc_frame *f)
{
	struct gdb_stop why = { this_cpu()->cpu_index + 1, SIGTRAP,
				GDB_STOP_PLAIN, 0 };

	if (is_sw_breakpoint(f->rip - 1)) {
		f->rip -= 1; /* report and resume at the breakpoint itself */
		why.reason = GDB_STOP_SWBREAK;
	}
	stub_stop(f, &why);
	return true;
}

static void classify_debug_trap(u64 dr6, struct gdb_stop *why,
				struct exc_frame *f)
{
	for (int i = 0; i < MAX_HW_SLOTS; i++) {
		const struct hw_slot *h = &stub.hw[i];

		if (!(dr6 & DR6_B(i)) || !h->used)
			continue;
		if (h->type == GDB_BP_HARDWARE) {
			why->reason = GDB_STOP_HWBREAK;
			f->rflags |= RFLAGS_RF; /* do not fire again on resume */
			return;
		}
		why->reason = h->type == GDB_WATCH_WRITE ? GDB_STOP_WATCH :
			      h->type == GDB_WATCH_READ  ? GDB_STOP_RWATCH :
							   GDB_STOP_AWATCH;
		why->watch_addr = h->addr;
		return;
	}
}

static bool db_handler(struct exc_frame *f)
{
	struct gdb_stop why = { this_cpu()->cpu_index + 1, SIGTRAP,
				GDB_STOP_PLAIN, 0 };
	u64 dr6 = arch_read_dr6();

	arch_write_dr(6, DR6_RESET);
	classify_debug_trap(dr6, &why, f);
	stub_stop(f, &why);
	return true;
}

static bool serial_handler(struct exc_frame *f)
{
	bool interrupt = false;
	int c;

	while ((c = uart_getc_nonblock(&stub.uart)) >= 0)
		interrupt |= c == 0x03;
	apic_eoi();
	if (interrupt) {
		struct gdb_stop why = { this_cpu()->cpu_index + 1, SIGINT,
					GDB_STOP_PLAIN, 0 };

		stub_stop(f, &why);
	}
	return true;
}

void gdb_enter_fatal(struct exc_frame *f, u8 signal)
{
	struct gdb_stop why = { this_cpu()->cpu_index + 1, signal,
				GDB_STOP_PLAIN, 0 };

	stub_stop(f, &why);
}

void gdb_breakpoint(void)
{
	arch_breakpoint();
}

/* Called after the boot break: a place for "break" and a write to "watch". */
__attribute__((noinline)) void gdb_boot_marker(void)
{
	gdb_boot_counter++;
}

void gdb_boot_break(void)
{
	struct fw_cfg *fc = machine_fw_cfg();
	u16 sel;
	u32 size;

	if (!fc || fw_cfg_find(fc, "opt/svsm/gdb-break", &sel, &size))
		return;
	log_info("gdb: stopping at boot (opt/svsm/gdb-break)");
	gdb_breakpoint();
	gdb_boot_marker();
	log_info("gdb: boot continues");
}

void gdb_init(void)
{
	uart_init(&stub.uart, UART_COM2, platform_io());
	gdb_session_init(&stub.session, &target_ops);
	exception_set_handler(VEC_BP, bp_handler);
	exception_set_handler(VEC_DB, db_handler);
	exception_set_handler(VEC_NMI, nmi_handler);
	exception_set_handler(GDB_SERIAL_VECTOR, serial_handler);
	if (ioapic_route_isa_irq(COM2_IRQ, GDB_SERIAL_VECTOR, apic_id()))
		log_warn("gdb: no COM2 interrupt: Ctrl-C will not interrupt the kernel");
	else
		uart_set_rx_interrupt(&stub.uart, true);
	log_info("gdb: stub ready on COM2 (0x%x)", UART_COM2);
}
