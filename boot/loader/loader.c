/* SPDX-License-Identifier: MIT */
/*
 * svsm.bin loader: applies the NATIVE platform's directives of the IGVM file
 * stored in the same ROM image, the way an IGVM-capable QEMU would, then
 * starts the native VP context. Anything wrong with the image stops here
 * with "IGVM: <reason>" on COM1 and a debug-exit code, never a triple fault.
 */
#include <arch/io.h>
#include <stdarg.h>
#include <svsm/boot/layout.h>
#include <svsm/boot/svsm_bin.h>
#include <svsm/drivers/uart.h>
#include <svsm/errno.h>
#include <svsm/lib/igvm_parse.h>
#include <svsm/lib/printf.h>
#include <svsm/lib/string.h>

#include "loader.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4
#define LEGACY_HOLE_START 0xA0000ULL
#define LEGACY_HOLE_END 0x100000ULL
#define FOUR_GIB 0x100000000ULL
#define AREA_BUF_BYTES (8 * 4096)
#define MAX_LOADED_RUNS 256
#define CR0_PE 0x1u
#define CR0_PG 0x80000000u

/* Filled by mksvsmbin; volatile so the compiler reads the patched values. */
__attribute__((used)) const volatile struct svsm_bin_locator svsm_bin_locator
	__section(".locator") = {
		.magic = SVSM_BIN_LOCATOR_MAGIC,
		.version = 1,
	};

struct loader_state {
	struct igvm_file file;
	struct machine_info machine;
	struct igvm_range_set loaded;
	struct igvm_range runs[MAX_LOADED_RUNS];
	u8 *area_buf[IGVM_MAX_PARAM_AREAS];
	u32 area_used;
	u32 mask; /* the native platform's compatibility mask */
	bool have_context;
	struct igvm_native_vp_context_x64 context;
	struct loader_start start;
};

static struct uart console;
static struct loader_state state;
static u8 area_memory[AREA_BUF_BYTES] __aligned(4096);

void loader_fail(const char *fmt, ...)
{
	char line[160];
	va_list ap;
	int n;

	n = fmt_snprintf(line, sizeof(line), "IGVM: ");
	va_start(ap, fmt);
	fmt_vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	uart_write(&console, line, strlen(line));
	uart_write(&console, "\n", 1);
	arch_outl(QEMU_DEBUG_EXIT_PORT, SVSM_LOADER_EXIT_BAD_IMAGE);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static const u8 *locate_igvm(u32 *size)
{
	u32 gpa = svsm_bin_locator.igvm_gpa;
	u32 len = svsm_bin_locator.igvm_size;
	u64 end = (u64)gpa + len;

	if (svsm_bin_locator.magic != SVSM_BIN_LOCATOR_MAGIC)
		loader_fail("image locator missing (bad magic)");
	if (!len || gpa < FOUR_GIB - SVSM_BIN_MAX_SIZE ||
	    end > FOUR_GIB - SVSM_BIN_LOADER_SIZE)
		loader_fail("image locator out of range: 0x%x+0x%x", gpa, len);
	*size = len;
	return (const u8 *)(uintptr_t)gpa;
}

static bool ram_contains(const struct machine_info *m, u64 start, u64 end)
{
	for (u32 i = 0; i < m->nram; i++) {
		if (start >= m->ram[i].start && end <= m->ram[i].end)
			return true;
	}
	return false;
}

/* Checks that [gpa, gpa+len) may be written and records it as loaded. */
static void claim_range(struct loader_state *s, u64 gpa, u64 len, u32 off)
{
	struct igvm_range clash;
	u64 end;
	int ret;

	if (!add_no_overflow(gpa, len, &end) || end > FOUR_GIB)
		loader_fail("page 0x%llx above 4 GiB (offset 0x%x)", gpa, off);
	if (gpa < LOADER_SCRATCH_END)
		loader_fail("page 0x%llx overlaps the loader's memory (offset 0x%x)",
			    gpa, off);
	if (ranges_overlap(gpa, len, LEGACY_HOLE_START,
			   LEGACY_HOLE_END - LEGACY_HOLE_START))
		loader_fail("page 0x%llx is in the legacy hole (offset 0x%x)",
			    gpa, off);
	if (!ram_contains(&s->machine, gpa, end))
		loader_fail("page 0x%llx is not guest RAM (offset 0x%x)", gpa,
			    off);
	ret = igvm_range_set_add(&s->loaded, gpa, end, &clash);
	if (ret == -SVSM_EEXIST)
		loader_fail("overlapping pages: 0x%llx-0x%llx and 0x%llx-0x%llx (offset 0x%x)",
			    gpa, end, clash.start, clash.end, off);
	if (ret)
		loader_fail("too many discontiguous page runs (offset 0x%x)",
			    off);
}

static void *gpa_ptr(u64 gpa)
{
	return (void *)(uintptr_t)gpa;
}

static void load_page_data(struct loader_state *s,
			   const struct igvm_record *rec)
{
	struct igvm_vhs_page_data pd;
	u64 len;
	const u8 *src;

	memcpy(&pd, rec->body, sizeof(pd));
	if (pd.data_type != IGVM_PAGE_DATA_NORMAL)
		loader_fail("page 0x%llx has an SNP-only data type %u (offset 0x%x)",
			    pd.gpa, pd.data_type, rec->offset);
	len = (pd.flags & IGVM_PAGE_DATA_FLAG_2MB) ? PAGE_SIZE_2M : PAGE_SIZE;
	claim_range(s, pd.gpa, len, rec->offset);
	if (!pd.file_offset) {
		memset(gpa_ptr(pd.gpa), 0, len);
		return;
	}
	src = igvm_file_data(&s->file, pd.file_offset, (u32)len);
	if (!src)
		loader_fail("page data outside the file (offset 0x%x)",
			    rec->offset);
	memcpy(gpa_ptr(pd.gpa), src, len);
}

static void declare_area(struct loader_state *s, const struct igvm_record *rec)
{
	struct igvm_vhs_parameter_area pa;
	const u8 *init;

	memcpy(&pa, rec->body, sizeof(pa));
	if (pa.number_of_bytes > AREA_BUF_BYTES - s->area_used)
		loader_fail("parameter areas exceed the loader's %u bytes (offset 0x%x)",
			    AREA_BUF_BYTES, rec->offset);
	s->area_buf[pa.parameter_area_index] = area_memory + s->area_used;
	s->area_used += (u32)pa.number_of_bytes;
	if (!pa.file_offset) {
		memset(s->area_buf[pa.parameter_area_index], 0,
		       pa.number_of_bytes);
		return;
	}
	init = igvm_file_data(&s->file, pa.file_offset,
			      (u32)pa.number_of_bytes);
	if (!init)
		loader_fail("parameter area data outside the file (offset 0x%x)",
			    rec->offset);
	memcpy(s->area_buf[pa.parameter_area_index], init, pa.number_of_bytes);
}

static void put_u32(u8 *area, u32 off, u32 v)
{
	memcpy(area + off, &v, sizeof(v));
}

/*
 * Writes the e820 RAM ranges as IGVM memory map entries, sorted by GPA and
 * terminated by an all-zero entry. Ranges that overlap an earlier one (a
 * confused or hostile fw_cfg) are left out rather than reported twice.
 */
static void fill_memory_map(const struct loader_state *s, u8 *dst, u32 room,
			    u32 off)
{
	struct igvm_memory_map_entry e;
	u32 max_entries = room / (u32)sizeof(e);
	u64 last = 0;
	u32 n;

	if (s->machine.nram + 1 > max_entries)
		loader_fail("memory map does not fit its parameter area (offset 0x%x)",
			    off);
	for (n = 0; n < s->machine.nram; n++) {
		const struct e820_range *best = NULL;

		for (u32 i = 0; i < s->machine.nram; i++) {
			const struct e820_range *r = &s->machine.ram[i];

			if (r->start >= last && (!best || r->start < best->start))
				best = r;
		}
		if (!best)
			break;
		memset(&e, 0, sizeof(e));
		e.starting_gpa_page_number = best->start >> PAGE_SHIFT;
		e.number_of_pages = (best->end - best->start) >> PAGE_SHIFT;
		e.entry_type = IGVM_MEMORY_NORMAL;
		memcpy(dst + n * sizeof(e), &e, sizeof(e));
		last = best->end;
	}
	memset(dst + n * sizeof(e), 0, sizeof(e));
}

static void use_parameter(struct loader_state *s, const struct igvm_record *rec)
{
	struct igvm_vhs_parameter p;
	u8 *area;

	memcpy(&p, rec->body, sizeof(p));
	area = s->area_buf[p.parameter_area_index];
	switch (rec->type) {
	case IGVM_VHT_VP_COUNT_PARAMETER:
		put_u32(area, p.byte_offset, s->machine.cpus);
		break;
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:
		put_u32(area, p.byte_offset, 0); /* native memory is private */
		break;
	case IGVM_VHT_MEMORY_MAP:
		fill_memory_map(s, area + p.byte_offset,
				(u32)s->file.area_size[p.parameter_area_index] -
					p.byte_offset,
				rec->offset);
		break;
	default:
		loader_fail("unsupported parameter %s (offset 0x%x)",
			    igvm_type_name(rec->type), rec->offset);
	}
}

static void insert_area(struct loader_state *s, const struct igvm_record *rec)
{
	struct igvm_vhs_parameter_insert pi;
	u64 size;

	memcpy(&pi, rec->body, sizeof(pi));
	size = s->file.area_size[pi.parameter_area_index];
	claim_range(s, pi.gpa, size, rec->offset);
	memcpy(gpa_ptr(pi.gpa), s->area_buf[pi.parameter_area_index], size);
}

static void check_required_memory(struct loader_state *s,
				  const struct igvm_record *rec)
{
	struct igvm_vhs_required_memory rm;
	u64 end = 0;

	memcpy(&rm, rec->body, sizeof(rm));
	if (!add_no_overflow(rm.gpa, rm.number_of_bytes, &end) ||
	    !ram_contains(&s->machine, rm.gpa, end))
		loader_fail("required memory 0x%llx-0x%llx is not guest RAM; give the VM more memory (offset 0x%x)",
			    rm.gpa, end, rec->offset);
}

static void take_context(struct loader_state *s, const struct igvm_record *rec)
{
	struct igvm_vhs_vp_context vp;
	const u8 *data;

	memcpy(&vp, rec->body, sizeof(vp));
	if (vp.vp_index != 0)
		loader_fail("native context for VP %u: only VP 0 is started by the loader (offset 0x%x)",
			    vp.vp_index, rec->offset);
	data = igvm_file_data(&s->file, vp.file_offset, IGVM_PAGE_SIZE);
	if (!data)
		loader_fail("VP context outside the file (offset 0x%x)",
			    rec->offset);
	memcpy(&s->context, data, sizeof(s->context));
	s->have_context = true;
}

static void apply_directive(struct loader_state *s,
			    const struct igvm_record *rec)
{
	u32 mask = igvm_record_mask(rec);

	if (mask && !(mask & s->mask))
		return; /* another platform's */
	switch (rec->type) {
	case IGVM_VHT_PAGE_DATA:
		load_page_data(s, rec);
		break;
	case IGVM_VHT_PARAMETER_AREA:
		declare_area(s, rec);
		break;
	case IGVM_VHT_PARAMETER_INSERT:
		insert_area(s, rec);
		break;
	case IGVM_VHT_VP_CONTEXT:
		take_context(s, rec);
		break;
	case IGVM_VHT_REQUIRED_MEMORY:
		check_required_memory(s, rec);
		break;
	case IGVM_VHT_SNP_ID_BLOCK:
	case IGVM_VHT_GUEST_POLICY:
		break;
	default:
		use_parameter(s, rec);
	}
}

static u32 native_mask(const struct igvm_file *f)
{
	for (u32 i = 0; i < f->nplatforms; i++) {
		if (f->platforms[i].type == IGVM_PLATFORM_NATIVE)
			return f->platforms[i].mask;
	}
	loader_fail("the image has no native platform");
}

static void walk_directives(struct loader_state *s)
{
	struct igvm_record rec;
	struct igvm_error err;
	struct igvm_iter it;
	int ret;

	igvm_iter_init(&it, &s->file);
	while ((ret = igvm_next(&it, &rec, &err)) > 0) {
		if (rec.type < IGVM_VHT_RANGE_DIRECTIVE_START)
			continue;
		if (!s->mask)
			s->mask = native_mask(&s->file);
		apply_directive(s, &rec);
	}
	if (ret < 0)
		loader_fail("%s (offset 0x%x)", err.reason, err.offset);
	if (!s->mask)
		s->mask = native_mask(&s->file);
	if (!s->have_context)
		loader_fail("no native VP context");
}

static u32 low32(u64 v, const char *what)
{
	if (v >> 32)
		loader_fail("native context %s 0x%llx needs 64 bits", what, v);
	return (u32)v;
}

static void prepare_start(struct loader_state *s)
{
	const struct igvm_native_vp_context_x64 *c = &s->context;
	struct loader_start *st = &s->start;

	if (!(c->cr0 & CR0_PE) || (c->cr0 & CR0_PG))
		loader_fail("native context must start in protected mode with paging off (cr0 0x%llx)",
			    c->cr0);
	st->eax = low32(c->rax, "rax");
	st->ebx = low32(c->rbx, "rbx");
	st->ecx = low32(c->rcx, "rcx");
	st->edx = low32(c->rdx, "rdx");
	st->esi = low32(c->rsi, "rsi");
	st->edi = low32(c->rdi, "rdi");
	st->ebp = low32(c->rbp, "rbp");
	st->esp = low32(c->rsp, "rsp");
	st->eip = low32(c->rip, "rip");
	st->eflags = low32(c->rflags, "rflags") | 0x2;
	st->cr0 = low32(c->cr0, "cr0");
	st->cr3 = low32(c->cr3, "cr3");
	st->cr4 = low32(c->cr4, "cr4");
	st->efer_lo = (u32)c->efer;
	st->efer_hi = (u32)(c->efer >> 32);
	st->gdtr_limit = c->gdtr_limit;
	st->gdtr_base = low32(c->gdtr_base, "gdtr");
	st->code_selector = c->code_selector ? c->code_selector : 0x08;
	st->data_selector = c->data_selector ? c->data_selector : 0x10;
	if (!c->gdtr_limit && (st->code_selector != 0x08 ||
			       st->data_selector != 0x10))
		loader_fail("native context selectors need a GDT");
}

void loader_main(void)
{
	struct loader_state *s = &state;
	struct igvm_error err;
	const u8 *image;
	u32 size;
	int ret;

	uart_init(&console, UART_COM1, &arch_direct_io);
	image = locate_igvm(&size);
	ret = fwcfg_read_machine(&s->machine);
	if (ret)
		loader_fail("cannot read the e820 memory map from fw_cfg (%d)",
			    ret);
	ret = igvm_open(&s->file, image, size, &err);
	if (ret)
		loader_fail("%s (offset 0x%x)", err.reason, err.offset);
	igvm_range_set_init(&s->loaded, s->runs, MAX_LOADED_RUNS);
	walk_directives(s);
	prepare_start(s);
	loader_start(&s->start);
}
