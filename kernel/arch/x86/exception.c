/* SPDX-License-Identifier: MIT */
/*
 * Exception and interrupt dispatch. Order for an exception: exception-table
 * fixup (fault-tolerant accessors), then a registered handler, else the
 * report-and-halt path. An exception that arrives on an IST stack already in
 * use has overwritten the outer frame, so it is always fatal.
 */
#include <arch/cpu.h>
#include <arch/desc.h>
#include <arch/exception.h>
#include <svsm/lib/log.h>
#include <svsm/panic.h>
#include <svsm/percpu.h>

struct extable_entry {
	u64 insn;
	u64 fixup;
};

extern const struct extable_entry __ex_table_start[], __ex_table_end[];

static exc_handler_fn handlers[IDT_VECTORS];
static u32 ist_busy[64][IST_COUNT + 1]; /* per CPU index, per IST slot */

static const char *const names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "RSV",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "RSV", "RSV",
	"RSV", "RSV", "RSV", "RSV", "#HV", "#VC", "#SX", "RSV",
};

const char *exception_name(unsigned int vector)
{
	return vector < 32 ? names[vector] : "IRQ";
}

void exception_set_handler(unsigned int vector, exc_handler_fn fn)
{
	if (vector < IDT_VECTORS)
		handlers[vector] = fn;
}

bool extable_fixup(struct exc_frame *frame)
{
	for (const struct extable_entry *e = __ex_table_start;
	     e < __ex_table_end; e++) {
		if (e->insn == frame->rip) {
			frame->rip = e->fixup;
			return true;
		}
	}
	return false;
}

static void record_fault(struct percpu *cpu, const struct exc_frame *f)
{
	cpu->last_fault.count++;
	cpu->last_fault.vector = f->vector;
	cpu->last_fault.error_code = f->error_code;
	cpu->last_fault.rip = f->rip;
	cpu->last_fault.cr2 = f->vector == VEC_PF ? arch_read_cr2() : 0;
}

static bool handle_exception(struct exc_frame *f)
{
	if ((f->vector == VEC_PF || f->vector == VEC_GP) && extable_fixup(f))
		return true;
	return handlers[f->vector] && handlers[f->vector](f);
}

void exception_dispatch(struct exc_frame *f)
{
	struct percpu *cpu = this_cpu();
	unsigned int slot = idt_ist_slot((unsigned int)f->vector);
	u32 *busy = &ist_busy[cpu->cpu_index % 64][slot];
	bool handled;

	if (slot != IST_NONE && *busy)
		panic_exception(f, "exception re-entered its interrupt stack");
	*busy = slot != IST_NONE;
	if (f->vector < VEC_FIRST_IRQ) {
		record_fault(cpu, f);
		handled = handle_exception(f);
	} else {
		handled = handlers[f->vector] && handlers[f->vector](f);
		if (!handled)
			log_debug("spurious interrupt, vector %llu", f->vector);
		handled = true;
	}
	if (!handled)
		panic_exception(f, "unhandled exception");
	*busy = 0;
}
