/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the GDB remote protocol, target side
 * (kernel/debug/gdb_proto.c).
 *
 * The input is what "gdb" sends, fed byte by byte to gdb_feed() as the kernel
 * stub does. It is run twice: as is on a 3-thread target, then with every
 * "$...#xx" checksum recomputed (so that mutated packets reach the command
 * parsers instead of nearly all dying on "bad checksum") on a 2000-thread
 * target whose thread list no longer fits a packet and which answers
 * "not supported" for hardware breakpoints.
 *
 * The stub's output is checked as gdb would read it: only acks outside
 * packets, every packet complete within the byte that caused it, escaped
 * where needed, with a correct checksum and at most GDB_PACKET_MAX bytes;
 * one ack per received packet (none in no-ack mode); a resend of the last
 * reply for each '-' between packets; exactly one reply per
 * good packet unless it resumed or killed the target. The fake target aborts
 * on any request the stub should never make: a thread that does not exist,
 * an x87 stack register, a memory transfer larger than the packet buffer, a
 * breakpoint kind outside 0..4.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/errno.h>
#include <svsm/gdb_proto.h>

#define MEM_BASE 0xffffff8000001000ULL
#define MEM_SIZE 4096ULL
#define MEM_END (MEM_BASE + MEM_SIZE)
#define TEXT_END (MEM_BASE + 0x800)
#define MANY_THREADS 2000
#define REG_SETS 64 /* threads above share these */
#define MAX_SW 32
#define MAX_HW 4
#define MAX_MEM_XFER ((GDB_PACKET_MAX - 8) / 2)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void svsm_panic(const char *file, int line, const char *fmt, ...)
{
	abort();
}

/* A global of its own, so ASan's redzones catch the fake overrunning it. */
static u8 fake_mem[MEM_SIZE];
static u64 fake_regs[REG_SETS][GDB_NUM_REGS];
static u32 fake_threads;
static bool fake_hw_notsup;

static struct {
	u64 addr;
	bool used;
} fake_sw[MAX_SW];

static struct {
	enum gdb_bp_type type;
	u64 addr;
	u32 len;
	bool used;
} fake_hw[MAX_HW];

static struct gdb_session sess;

/* ---- output checker ----------------------------------------------------- */

static struct {
	enum { O_IDLE, O_BODY, O_ESCAPE, O_CSUM1, O_CSUM2 } state;
	size_t raw_len;
	u8 sum;
	u8 csum;
	bool no_ack; /* as it was before the byte being processed */
	u32 acks;
	u32 packets;
} out;

static int hexv(u8 c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

#define check(ok) check_at((ok), __LINE__)

/* Reports which invariant broke, so a crash input explains itself. */
static void check_at(bool ok, int line)
{
	if (!ok) {
		fprintf(stderr, "fuzz_gdb_proto: invariant at line %d broken\n",
			line);
		abort();
	}
}

static void fake_putc(void *ctx, u8 c)
{
	switch (out.state) {
	case O_IDLE:
		if (c == '$') {
			out.state = O_BODY;
			out.raw_len = 0;
			out.sum = 0;
			return;
		}
		check((c == '+' || c == '-') && !out.no_ack);
		out.acks++;
		return;
	case O_BODY:
		if (c == '#') {
			out.state = O_CSUM1;
			return;
		}
		/* '*' would start run-length encoding in gdb's reader. */
		check(c != '$' && c != '*');
		check(++out.raw_len <= GDB_PACKET_MAX);
		out.sum += c;
		if (c == '}') {
			out.state = O_ESCAPE;
		}
		return;
	case O_ESCAPE:
		c ^= 0x20;
		check(c == '$' || c == '#' || c == '}' || c == '*');
		check(++out.raw_len <= GDB_PACKET_MAX);
		out.sum += c ^ 0x20;
		out.state = O_BODY;
		return;
	case O_CSUM1:
		check(hexv(c) >= 0);
		out.csum = (u8)(hexv(c) << 4);
		out.state = O_CSUM2;
		return;
	case O_CSUM2:
		check(hexv(c) >= 0);
		check((u8)(out.csum | hexv(c)) == out.sum);
		out.packets++;
		out.state = O_IDLE;
		return;
	}
	abort();
}

/* ---- fake target ------------------------------------------------------- */

static void check_tid(u32 tid)
{
	check(tid >= 1 && tid <= fake_threads);
}

static size_t mem_avail(u64 addr, size_t len)
{
	if (addr < MEM_BASE || addr >= MEM_END) {
		return 0;
	}
	return (size_t)MIN((u64)len, MEM_END - addr);
}

static size_t fake_read_mem(void *ctx, u32 tid, u64 addr, void *buf,
			    size_t len)
{
	size_t n = mem_avail(addr, len);

	check_tid(tid);
	check(len > 0 && len <= MAX_MEM_XFER);
	/* The whole destination must be writable, not just what is read. */
	memset(buf, 0xa5, len);
	if (n) {
		memcpy(buf, &fake_mem[addr - MEM_BASE], n);
	}
	return n;
}

static size_t fake_write_mem(void *ctx, u32 tid, u64 addr, const void *buf,
			     size_t len)
{
	size_t n = mem_avail(addr, len);
	volatile u8 sink = 0;

	check_tid(tid);
	check(len > 0 && len <= GDB_PACKET_MAX);
	/* The whole source must be readable, not just what fits. */
	for (size_t i = 0; i < len; i++) {
		sink ^= ((const u8 *)buf)[i];
	}
	(void)sink;
	if (n) {
		memcpy(&fake_mem[addr - MEM_BASE], buf, n);
	}
	return n;
}

static void check_reg(u32 tid, u32 regno)
{
	check_tid(tid);
	check(regno < GDB_NUM_REGS);
	check(regno < GDB_REG_ST0 || regno >= GDB_REG_FCTRL);
}

static u64 *reg_slot(u32 tid, u32 regno)
{
	check_reg(tid, regno);
	return &fake_regs[(tid - 1) % REG_SETS][regno];
}

static int fake_read_reg(void *ctx, u32 tid, u32 regno, u64 *value)
{
	*value = *reg_slot(tid, regno);
	return 0;
}

static int fake_write_reg(void *ctx, u32 tid, u32 regno, u64 value)
{
	u64 *slot = reg_slot(tid, regno);

	/* Like the kernel: segments and bases only keep their value. */
	if (regno >= GDB_REG_CS && *slot != value) {
		return -SVSM_EINVAL;
	}
	*slot = value;
	return 0;
}

static int fake_sw_bp(u64 addr, bool insert)
{
	int free_slot = -1;

	if (addr < MEM_BASE || addr >= TEXT_END) {
		return -SVSM_EINVAL;
	}
	for (int i = 0; i < MAX_SW; i++) {
		if (fake_sw[i].used && fake_sw[i].addr == addr) {
			fake_sw[i].used = insert;
			return 0;
		}
		if (!fake_sw[i].used && free_slot < 0) {
			free_slot = i;
		}
	}
	if (!insert) {
		return 0;
	}
	if (free_slot < 0) {
		return -SVSM_ENOMEM;
	}
	fake_sw[free_slot].addr = addr;
	fake_sw[free_slot].used = true;
	return 0;
}

static int fake_breakpoint(void *ctx, enum gdb_bp_type type, u64 addr,
			   u32 len, bool insert)
{
	int free_slot = -1;

	check(type <= GDB_WATCH_ACCESS);
	if (type == GDB_BP_SOFTWARE) {
		return fake_sw_bp(addr, insert);
	}
	if (fake_hw_notsup) {
		return -SVSM_ENOTSUP;
	}
	if (type != GDB_BP_HARDWARE &&
	    ((len != 1 && len != 2 && len != 4 && len != 8) ||
	     (addr & (len - 1)))) {
		return -SVSM_EINVAL;
	}
	if (type == GDB_BP_HARDWARE) {
		len = 1;
	}
	for (int i = 0; i < MAX_HW; i++) {
		if (fake_hw[i].used && fake_hw[i].type == type &&
		    fake_hw[i].addr == addr && fake_hw[i].len == len) {
			fake_hw[i].used = insert;
			return 0;
		}
		if (!fake_hw[i].used && free_slot < 0) {
			free_slot = i;
		}
	}
	if (!insert) {
		return 0;
	}
	if (free_slot < 0) {
		return -SVSM_ENOMEM;
	}
	fake_hw[free_slot].type = type;
	fake_hw[free_slot].addr = addr;
	fake_hw[free_slot].len = len;
	fake_hw[free_slot].used = true;
	return 0;
}

static u32 fake_thread_count(void *ctx)
{
	return fake_threads;
}

static const struct gdb_target_ops fake_ops = {
	.putc = fake_putc,
	.read_mem = fake_read_mem,
	.write_mem = fake_write_mem,
	.read_reg = fake_read_reg,
	.write_reg = fake_write_reg,
	.breakpoint = fake_breakpoint,
	.thread_count = fake_thread_count,
};

/* ---- driving the session ------------------------------------------------ */

static void reset_target(u32 threads)
{
	fake_threads = threads;
	fake_hw_notsup = threads > REG_SETS;
	for (u32 i = 0; i < MEM_SIZE; i++) {
		fake_mem[i] = (u8)(i * 7 + 3);
	}
	for (u32 t = 0; t < REG_SETS; t++) {
		for (u32 r = 0; r < GDB_NUM_REGS; r++) {
			/* 'g' holds 4 bytes of these: G must be able to match. */
			bool narrow = r >= GDB_REG_EFLAGS &&
				      r < GDB_REG_FS_BASE;

			fake_regs[t][r] = narrow ? (u64)t << 16 | r :
				(u64)t << 56 | (u64)r << 48 | 0x1234;
		}
	}
	memset(fake_sw, 0, sizeof(fake_sw));
	memset(fake_hw, 0, sizeof(fake_hw));
	memset(&out, 0, sizeof(out));
}

/* What the kernel does when the target stops again after a resume. */
static void stop_again(u32 tid, u32 n, bool send_reply)
{
	struct gdb_stop st = { 0 };
	u32 before = out.packets;

	check_tid(tid);
	st.tid = tid;
	st.signal = (u8)(n % 3 == 0 ? 5 : n % 3 == 1 ? 2 : 11);
	st.reason = n % 6;
	st.watch_addr = MEM_BASE + (n % 64) * 8;
	gdb_session_stopped(&sess, &st);
	if (send_reply) {
		out.no_ack = sess.no_ack;
		gdb_send_stop_reply(&sess);
		check(out.state == O_IDLE && out.packets == before + 1);
	}
}

static void feed_one(u8 c, u32 *stops)
{
	u64 packets = sess.packets, bad = sess.bad_checksums;
	u32 acks = out.acks, replies = out.packets;
	enum gdb_action act;
	u32 want;

	bool was_idle = sess.rx == RX_IDLE;

	out.no_ack = sess.no_ack;
	act = gdb_feed(&sess, c);
	/* Packets are sent whole: nothing is left half-written. */
	check(out.state == O_IDLE);
	check(sess.packets - packets + sess.bad_checksums - bad <= 1);
	want = out.no_ack ? 0 : (u32)(sess.packets - packets +
				      sess.bad_checksums - bad);
	check(out.acks - acks == want);
	if (sess.packets == packets) {
		/* A '-' outside a packet asks for the last reply again. */
		bool resend = c == '-' && !sess.no_ack && sess.tx_len &&
			      was_idle;

		check(act == GDB_ACTION_NONE);
		check(out.packets - replies == (resend ? 1u : 0u));
		return;
	}
	want = act == GDB_ACTION_RESUME || act == GDB_ACTION_KILL ? 0 : 1;
	check(out.packets - replies == want);
	check(sess.g_tid >= 1 && sess.g_tid <= fake_threads);
	check(sess.c_tid <= fake_threads);

	switch (act) {
	case GDB_ACTION_NONE:
		break;
	case GDB_ACTION_RESUME:
		check(sess.resume == GDB_RESUME_CONTINUE ||
		      sess.resume == GDB_RESUME_STEP);
		stop_again(sess.resume_tid, ++*stops, true);
		break;
	case GDB_ACTION_DETACH:
		/* gdb reattaches later; the stub then waits for '?'. */
		stop_again(1 + *stops % fake_threads, ++*stops, false);
		break;
	case GDB_ACTION_KILL:
		/* A fresh boot: a new session, gdb connects again. */
		gdb_session_init(&sess, &fake_ops);
		stop_again(1, ++*stops, false);
		break;
	default:
		abort();
	}
}

static void run(const u8 *data, size_t size, u32 threads)
{
	u32 stops = 0;

	reset_target(threads);
	gdb_session_init(&sess, &fake_ops);
	stop_again(1 + (u32)(size % threads), (u32)size, false);
	for (size_t i = 0; i < size; i++) {
		feed_one(data[i], &stops);
	}
}

/* Rewrites every "#xx" after a packet body with the stub's own checksum. */
static void fix_checksums(u8 *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j;
		bool esc = false;
		u8 sum = 0;

		if (p[i] != '$') {
			i++;
			continue;
		}
		for (j = i + 1; j < n; j++) {
			u8 c = p[j];

			if (c == '$') {
				break; /* the stub starts over here */
			}
			if (esc) {
				esc = false;
			} else if (c == '#') {
				break;
			} else if (c == '}') {
				esc = true;
			}
			sum += c;
		}
		if (j >= n || p[j] == '$') {
			i = j;
			continue;
		}
		if (j + 1 < n) {
			p[j + 1] = (u8)"0123456789abcdef"[sum >> 4];
		}
		if (j + 2 < n) {
			p[j + 2] = (u8)"0123456789abcdef"[sum & 0xf];
		}
		i = j + 3;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 *copy;

	run(data, size, 3);
	copy = malloc(size ? size : 1);
	if (!copy) {
		return 0;
	}
	memcpy(copy, data, size);
	fix_checksums(copy, size);
	run(copy, size, MANY_THREADS);
	free(copy);
	return 0;
}
