/* SPDX-License-Identifier: MIT */
/*
 * The vCPU and VMSA/CAA registry, and the core protocol's vCPU calls
 * (include/svsm/vcpu.h; snp-svsm-protocol.md sections 2.1, 2.1.2, 5.3).
 *
 * Every registered VMSA and CAA page is also kept in one sorted array, so
 * that PVALIDATE can check each entry against all of them with a binary
 * search instead of a walk over every registration.
 */
#define LOG_MODULE "vcpu"

#include <svsm/abi/svsm.h>
#include <svsm/arch/snp.h>
#include <svsm/errno.h>
#include <svsm/guestmem.h>
#include <svsm/hw/vmsa.h>
#include <svsm/lib/check.h>
#include <svsm/platform.h>
#include <svsm/rwlock.h>
#include <svsm/vcpu.h>

struct vcpu_reg {
	phys_addr_t vmsa;
	phys_addr_t caa;
	u32 owner; /* index of the vCPU it was made for */
	bool used;
};

static rwlock_t vcpu_lock = RWLOCK_INIT;
static struct svsm_vcpu vcpus[VCPU_MAX];
static u32 nvcpus;
static struct vcpu_reg regs[VCPU_REG_MAX];
static phys_addr_t reserved[2 * VCPU_REG_MAX]; /* sorted page addresses */
static u32 nreserved;

/* RMPADJUST attributes (digest section 4). */
#define GUEST_RWX (RMPADJUST_VMPL(SVSM_GUEST_VMPL) | RMPADJUST_PERM_RWX)
#define GUEST_VMSA                                                  \
	(RMPADJUST_VMPL(SVSM_GUEST_VMPL) | RMPADJUST_PERM_READ |    \
	 RMPADJUST_VMSA)

void vcpu_read_lock(void)
{
	read_lock(&vcpu_lock);
}

void vcpu_read_unlock(void)
{
	read_unlock(&vcpu_lock);
}

bool vcpu_read_yield(void)
{
	/* Relaxed: a writer that starts waiting just after is let in next. */
	if (!(__atomic_load_n(&vcpu_lock.state, __ATOMIC_RELAXED) &
	      RWLOCK_WAITING))
		return false;
	read_unlock(&vcpu_lock);
	read_lock(&vcpu_lock);
	return true;
}

int vcpu_registry_init(const u32 *apic_ids, u32 count)
{
	if (count > VCPU_MAX)
		return -SVSM_ENOMEM;
	for (u32 i = 0; i < count; i++) {
		for (u32 j = 0; j < i; j++) {
			if (apic_ids[i] == apic_ids[j])
				return -SVSM_EEXIST;
		}
	}
	write_lock(&vcpu_lock);
	for (u32 i = 0; i < count; i++)
		vcpus[i] = (struct svsm_vcpu){ .apic_id = apic_ids[i],
					       .index = i, .reg = -1 };
	nvcpus = count;
	for (u32 i = 0; i < VCPU_REG_MAX; i++)
		regs[i].used = false;
	nreserved = 0;
	write_unlock(&vcpu_lock);
	return 0;
}

struct svsm_vcpu *vcpu_find(u32 apic_id)
{
	for (u32 i = 0; i < nvcpus; i++) {
		if (vcpus[i].apic_id == apic_id)
			return &vcpus[i];
	}
	return NULL;
}

void vcpu_get_pair(const struct svsm_vcpu *v, phys_addr_t *vmsa,
		   phys_addr_t *caa)
{
	read_lock(&vcpu_lock);
	*vmsa = v->vmsa_gpa;
	*caa = v->caa_gpa;
	read_unlock(&vcpu_lock);
}

/* Index of the first reserved page ending above gpa (may be nreserved). */
static u32 reserved_lower_bound(phys_addr_t gpa)
{
	u32 lo = 0, hi = nreserved;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (reserved[mid] + PAGE_SIZE <= gpa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool vcpu_range_registered(phys_addr_t gpa, u64 len)
{
	u64 end;
	u32 i;

	if (!add_no_overflow(gpa, len, &end))
		return true;
	i = reserved_lower_bound(gpa);
	return i < nreserved && reserved[i] < end;
}

struct mem_region vcpu_unregistered_span(phys_addr_t gpa, u64 len)
{
	u32 i;

	if (vcpu_range_registered(gpa, len))
		return (struct mem_region){ 0, 0 };
	/* Between the registered pages below and above (or the ends). */
	i = reserved_lower_bound(gpa);
	return (struct mem_region){ i ? reserved[i - 1] + PAGE_SIZE : 0,
				    i < nreserved ? reserved[i] : ~0ULL };
}

static void reserved_insert(phys_addr_t page)
{
	u32 i = reserved_lower_bound(page);

	CHECK(nreserved < ARRAY_SIZE(reserved));
	CHECK(i == nreserved || reserved[i] != page);
	for (u32 j = nreserved; j > i; j--)
		reserved[j] = reserved[j - 1];
	reserved[i] = page;
	nreserved++;
}

static void reserved_remove(phys_addr_t page)
{
	u32 i = reserved_lower_bound(page);

	CHECK(i < nreserved && reserved[i] == page);
	for (u32 j = i; j + 1 < nreserved; j++)
		reserved[j] = reserved[j + 1];
	nreserved--;
}

static struct vcpu_reg *reg_find(phys_addr_t vmsa)
{
	for (u32 i = 0; i < VCPU_REG_MAX; i++) {
		if (regs[i].used && regs[i].vmsa == vmsa)
			return &regs[i];
	}
	return NULL;
}

bool vcpu_vmsa_registered(phys_addr_t vmsa)
{
	return reg_find(vmsa) != NULL;
}

static struct vcpu_reg *reg_free_slot(void)
{
	for (u32 i = 0; i < VCPU_REG_MAX; i++) {
		if (!regs[i].used)
			return &regs[i];
	}
	return NULL;
}

/* Fills slot r and makes it v's current pair. Lock held exclusive. */
static void reg_add(struct vcpu_reg *r, struct svsm_vcpu *v,
		    phys_addr_t vmsa, phys_addr_t caa)
{
	*r = (struct vcpu_reg){ vmsa, caa, v->index, true };
	reserved_insert(vmsa);
	reserved_insert(caa);
	v->reg = (s32)(r - regs);
	v->vmsa_gpa = vmsa;
	v->caa_gpa = caa;
}

static void reg_remove(struct vcpu_reg *r)
{
	struct svsm_vcpu *owner = &vcpus[r->owner];

	reserved_remove(r->vmsa);
	reserved_remove(r->caa);
	if (owner->reg == r - regs) {
		owner->reg = -1;
		owner->vmsa_gpa = 0;
		owner->caa_gpa = 0;
	}
	r->used = false;
}

int vcpu_register_boot(struct svsm_vcpu *v, phys_addr_t vmsa,
		       phys_addr_t caa)
{
	struct vcpu_reg *r;
	int ret = -SVSM_EINVAL;

	if (!IS_ALIGNED(vmsa, PAGE_SIZE) || !IS_ALIGNED(caa, PAGE_SIZE) ||
	    vmsa == caa || !guestmem_is_guest_ram(caa, PAGE_SIZE))
		return -SVSM_EINVAL;
	write_lock(&vcpu_lock);
	if (v->reg >= 0)
		goto out;
	ret = -SVSM_EEXIST;
	if (vcpu_range_registered(vmsa, PAGE_SIZE) ||
	    vcpu_range_registered(caa, PAGE_SIZE))
		goto out;
	ret = -SVSM_ENOMEM;
	r = reg_free_slot();
	if (!r)
		goto out;
	reg_add(r, v, vmsa, caa);
	ret = 0;
out:
	write_unlock(&vcpu_lock);
	return ret;
}

/* Gives the guest VMPL its RWX back after a failed CREATE_VCPU. */
static void restore_guest_access(phys_addr_t vmsa)
{
	platform_rmpadjust(vmsa, false, GUEST_RWX);
	platform_flush_guest_tlb();
}

/* Removes all guest access (VMPL2 and VMPL3) so the guest cannot edit it. */
static int revoke_guest_access(phys_addr_t vmsa)
{
	int rc = platform_rmpadjust(vmsa, false,
				    RMPADJUST_VMPL(SVSM_GUEST_VMPL));

	if (rc)
		return rc;
	rc = platform_rmpadjust(vmsa, false,
				RMPADJUST_VMPL(SVSM_GUEST_VMPL + 1));
	if (rc) {
		restore_guest_access(vmsa);
		return rc;
	}
	platform_flush_guest_tlb();
	return 0;
}

/*
 * Reads the fields CREATE_VCPU checks, each once, after the guest lost
 * write access: what is checked is what will run (digest 2.1.2 step 5).
 */
static int check_new_vmsa(const struct svsm_vcpu *caller, phys_addr_t vmsa)
{
	u64 efer, features;
	u8 vmpl;

	if (guestmem_read(vmsa + offsetof(struct sev_vmsa, vmpl), &vmpl,
			  sizeof(vmpl)) ||
	    guestmem_read(vmsa + offsetof(struct sev_vmsa, efer), &efer,
			  sizeof(efer)) ||
	    guestmem_read(vmsa + offsetof(struct sev_vmsa, sev_features),
			  &features, sizeof(features)))
		return -SVSM_EFAULT;
	if (vmpl != SVSM_GUEST_VMPL || !(efer & VMSA_EFER_SVME) ||
	    features != caller->sev_features)
		return -SVSM_EINVAL;
	return 0;
}

/* Steps 4 to 6 of digest 2.1.2; on failure the page is the guest's again. */
static int make_guest_vmsa(const struct svsm_vcpu *caller, phys_addr_t vmsa)
{
	int rc = revoke_guest_access(vmsa);

	if (rc)
		return rc;
	rc = check_new_vmsa(caller, vmsa);
	if (!rc)
		rc = platform_rmpadjust(vmsa, false, GUEST_VMSA);
	if (rc)
		restore_guest_access(vmsa);
	return rc;
}

int vcpu_create(const struct svsm_vcpu *caller, phys_addr_t vmsa,
		phys_addr_t caa, u32 apic_id)
{
	struct svsm_vcpu *target = vcpu_find(apic_id);
	struct vcpu_reg *r;
	u64 probe;
	int ret;

	if (!target)
		return -SVSM_ENOENT;
	write_lock(&vcpu_lock);
	ret = -SVSM_EEXIST;
	if (vcpu_range_registered(vmsa, PAGE_SIZE) ||
	    vcpu_range_registered(caa, PAGE_SIZE))
		goto out;
	ret = -SVSM_ENOMEM;
	r = reg_free_slot();
	if (!r)
		goto out;
	/*
	 * The SVSM will read this CAA at every exit: refuse one it cannot
	 * access now (a rescinded page), instead of faulting on it later.
	 * Once registered, PVALIDATE can no longer rescind it.
	 */
	ret = guestmem_read(caa, &probe, sizeof(probe));
	if (ret)
		goto out;
	ret = make_guest_vmsa(caller, vmsa);
	if (!ret)
		reg_add(r, target, vmsa, caa);
out:
	write_unlock(&vcpu_lock);
	return ret;
}

/* Clears or sets EFER.SVME of a VMSA: a VMSA without it never runs. */
static int vmsa_set_svme(phys_addr_t vmsa, bool on)
{
	phys_addr_t pa = vmsa + offsetof(struct sev_vmsa, efer);
	u64 efer;
	int ret = guestmem_read_phys(pa, &efer, sizeof(efer));

	if (ret)
		return ret;
	efer = on ? efer | VMSA_EFER_SVME : efer & ~VMSA_EFER_SVME;
	return guestmem_write_phys(pa, &efer, sizeof(efer));
}

/* Clears the VMSA bit and gives the guest VMPL RWX (COCONUT's order). */
static int clear_guest_vmsa(phys_addr_t vmsa)
{
	int rc = platform_rmpadjust(vmsa, false,
				    RMPADJUST_VMPL(SVSM_GUEST_VMPL));

	if (!rc)
		rc = platform_rmpadjust(vmsa, false, GUEST_RWX);
	return rc;
}

int vcpu_delete(phys_addr_t vmsa)
{
	struct vcpu_reg *r;
	int ret;

	write_lock(&vcpu_lock);
	r = reg_find(vmsa);
	ret = -SVSM_ENOENT;
	/* A VMSA in SVSM memory (the firmware's) never goes to the guest. */
	if (!r || !guestmem_is_guest_ram(vmsa, PAGE_SIZE))
		goto out;
	ret = vmsa_set_svme(vmsa, false);
	if (ret)
		goto out;
	ret = clear_guest_vmsa(vmsa);
	if (ret) {
		vmsa_set_svme(vmsa, true);
		goto out;
	}
	platform_flush_guest_tlb();
	reg_remove(r);
out:
	write_unlock(&vcpu_lock);
	return ret;
}

int vcpu_remap_ca(struct svsm_vcpu *caller, phys_addr_t caa)
{
	static const u8 zero[sizeof(struct svsm_caa)];
	struct vcpu_reg *r;
	int ret = 0;

	write_lock(&vcpu_lock);
	if (caller->reg < 0) {
		ret = -SVSM_ENOENT;
		goto out;
	}
	r = &regs[caller->reg];
	if (caa == r->caa)
		goto out; /* digest 2.1: a remap to the current CA is a no-op */
	ret = -SVSM_EEXIST;
	if (vcpu_range_registered(caa, PAGE_SIZE))
		goto out;
	ret = guestmem_write(caa, zero, sizeof(zero));
	if (ret)
		goto out;
	reserved_remove(r->caa);
	reserved_insert(caa);
	r->caa = caa;
	caller->caa_gpa = caa;
out:
	write_unlock(&vcpu_lock);
	return ret;
}
