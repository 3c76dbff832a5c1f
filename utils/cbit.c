/* SPDX-License-Identifier: MIT */
/*
 * cbit: prints the position of the SEV C-bit (CPUID 0x8000001F EBX[5:0]),
 * for QEMU's sev-snp-guest cbitpos= option. Exits 1 with a message on a CPU
 * without SEV (AMD APM vol. 3, CPUID Fn8000_001F "Encrypted Memory").
 */
#include <cpuid.h>
#include <stdio.h>

#define LEAF_SEV 0x8000001Fu
#define SEV_SUPPORTED (1u << 1)

int main(void)
{
	unsigned int eax, ebx, ecx, edx;
	unsigned int max_ext = __get_cpuid_max(0x80000000u, NULL);

	if (max_ext < LEAF_SEV) {
		fprintf(stderr, "cbit: this CPU has no CPUID leaf 0x8000001F (max extended leaf 0x%x): no AMD SEV\n",
			max_ext);
		return 1;
	}
	__cpuid(LEAF_SEV, eax, ebx, ecx, edx);
	if (!(eax & SEV_SUPPORTED)) {
		fprintf(stderr, "cbit: CPUID 0x8000001F reports no SEV support (EAX=0x%x)\n",
			eax);
		return 1;
	}
	printf("%u\n", ebx & 0x3f);
	return 0;
}
