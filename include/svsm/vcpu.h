/* SPDX-License-Identifier: MIT */
/*
 * Guest vCPUs and the VMSA/CAA registry (kernel/services/vcpu.c): for every
 * CPU the SVSM knows (by APIC ID) the guest VMSA it runs and the calling
 * area (CAA) the guest uses to call it (snp-svsm-protocol.md sections 1.4,
 * 2.1). The core protocol's CREATE_VCPU, DELETE_VCPU and REMAP_CA change
 * it; PVALIDATE must never touch a page it lists.
 *
 * A registration is one {VMSA page, CAA page} pair made by CREATE_VCPU (or
 * by the SVSM for the firmware's boot vCPU). It stays until DELETE_VCPU
 * names its VMSA, even after a newer CREATE_VCPU for the same APIC ID
 * replaced it as the vCPU's current pair (Linux deletes the old VMSA only
 * after creating the new one, digest section 8.2).
 *
 * Lock: vcpu_lock, a reader-writer lock. PVALIDATE holds it shared while
 * it checks and validates each page; CREATE_VCPU, DELETE_VCPU and
 * REMAP_CA hold it exclusive, so a page cannot become a VMSA or a CAA
 * while it is being (re)validated (digest section 2.1.1). Lock order:
 * vcpu_lock -> pt_lock -> pool_lock (docs/protocols.md).
 *
 * Return values of the services: 0, a negative -SVSM_E* (see each
 * function), or a positive PVALIDATE/RMPADJUST result code (SNP_INSN_*,
 * <svsm/arch/snp.h>); kernel/protocols maps them to wire codes.
 */
#ifndef SVSM_VCPU_H
#define SVSM_VCPU_H

#include <svsm/e820.h>
#include <svsm/types.h>

#define VCPU_MAX 64
/* Registrations: each vCPU's current one and one being replaced. */
#define VCPU_REG_MAX (2 * VCPU_MAX)

struct svsm_vcpu {
	u32 apic_id;
	u32 index;
	/* The current pair, changed only under vcpu_lock held exclusive. */
	phys_addr_t vmsa_gpa; /* guest VMSA this CPU runs; 0: none */
	phys_addr_t caa_gpa;  /* its calling area; 0: none */
	s32 reg;              /* its registration (vcpu.c), -1: none */
	/* SEV_FEATURES of the VMSA at the latest exit (request loop). */
	u64 sev_features;
};

/*
 * Forgets every vCPU and registration, then adds one vCPU per APIC ID
 * (the CPUs the SVSM knows from ACPI). Returns 0, -SVSM_ENOMEM (more than
 * VCPU_MAX) or -SVSM_EEXIST (an APIC ID twice; nothing is kept then).
 * Boot time, before any request.
 */
int vcpu_registry_init(const u32 *apic_ids, u32 count);

/* The vCPU with that APIC ID, or NULL. */
struct svsm_vcpu *vcpu_find(u32 apic_id);

/*
 * Registers the VMSA and CAA the SVSM itself prepared for a vCPU (the
 * firmware's boot vCPU) as its current pair. vmsa may lie in SVSM memory;
 * caa must be a guest RAM page. 0, -SVSM_EINVAL (alignment, caa not guest
 * RAM, vmsa == caa, v already has a pair), -SVSM_EEXIST (overlaps a
 * registration) or -SVSM_ENOMEM (registry full).
 */
int vcpu_register_boot(struct svsm_vcpu *v, phys_addr_t vmsa,
		       phys_addr_t caa);

/* The pair a vCPU has now, read under the lock (both 0 if none). */
void vcpu_get_pair(const struct svsm_vcpu *v, phys_addr_t *vmsa,
		   phys_addr_t *caa);

void vcpu_read_lock(void);
void vcpu_read_unlock(void);
/*
 * With vcpu_lock held shared: if a writer waits for it, lets the writer
 * in (drops the lock, takes it again once the writer is done) and
 * returns true; what the caller learnt under the lock may be stale then.
 * A reader that works through many items holds the lock across them and
 * calls this between two, so a writer waits for one item at most.
 */
bool vcpu_read_yield(void);

/*
 * True if [gpa, gpa + len) overlaps a registered VMSA page or CAA page (or
 * wraps). Caller holds vcpu_lock, shared or exclusive.
 */
bool vcpu_range_registered(phys_addr_t gpa, u64 len);

/*
 * The largest range around [gpa, gpa + len) that holds no registered
 * page; empty ({0, 0}) if that range overlaps one (or wraps). While the
 * caller holds vcpu_lock without a break, a range inside it
 * (mem_region_holds(), <svsm/guestmem.h>) is not registered without
 * another lookup: PVALIDATE checks a batch of neighbouring pages with one.
 */
struct mem_region vcpu_unregistered_span(phys_addr_t gpa, u64 len);
/* True if vmsa is a registered VMSA (of any vCPU). Lock held. */
bool vcpu_vmsa_registered(phys_addr_t vmsa);

/*
 * CREATE_VCPU (digest 2.1.2), after the protocol layer checked alignment,
 * guest RAM and vmsa != caa; caller->sev_features must be the caller's.
 * Returns 0; -SVSM_ENOENT unknown APIC ID; -SVSM_EEXIST a page overlaps a
 * registration; -SVSM_ENOMEM registry full; -SVSM_EINVAL the VMSA's VMPL,
 * EFER.SVME or SEV_FEATURES are wrong; -SVSM_EFAULT the VMSA or the CAA
 * could not be read; a positive RMPADJUST code. On every error the guest's
 * access to the VMSA page is restored and nothing is registered.
 */
int vcpu_create(const struct svsm_vcpu *caller, phys_addr_t vmsa,
		phys_addr_t caa, u32 apic_id);

/*
 * DELETE_VCPU: clears EFER.SVME and the VMSA bit, gives the page back to
 * the guest VMPL (RWX), flushes, unregisters; the vCPU whose current pair
 * it was has none afterwards. 0; -SVSM_ENOENT not a registered VMSA in
 * guest RAM; -SVSM_EFAULT the VMSA could not be written; a positive
 * RMPADJUST code (the registration stays then).
 */
int vcpu_delete(phys_addr_t vmsa);

/*
 * REMAP_CA: zeroes the first 8 bytes of the new CAA page (guest RAM, page
 * aligned: checked by the caller) and makes it the caller's. A remap to
 * the current CAA changes nothing. 0; -SVSM_ENOENT the caller has no
 * registration; -SVSM_EEXIST the page is a registered VMSA or another
 * CAA; -SVSM_EFAULT the page could not be written.
 */
int vcpu_remap_ca(struct svsm_vcpu *caller, phys_addr_t caa);

#endif
