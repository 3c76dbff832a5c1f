/* SPDX-License-Identifier: MIT */
/* What the SVSM learns about its machine at boot (fw_cfg, ACPI, memory). */
#ifndef SVSM_MACHINE_H
#define SVSM_MACHINE_H

#include <svsm/acpi.h>
#include <svsm/e820.h>
#include <svsm/types.h>

#define MACHINE_MAX_REGIONS 64

struct machine_info {
	struct acpi_cpu cpu_storage[256];
	struct acpi_cpu_list cpus;
	struct mem_region regions[MACHINE_MAX_REGIONS]; /* guest RAM */
	u32 nregions;
};

/*
 * Reads the ACPI CPU list and the guest memory map (the IGVM memory map
 * when the loader filled one, else fw_cfg etc/e820), excluding the SVSM's
 * own region, and prints them. Stops boot on a missing or malformed table.
 */
void machine_init(struct machine_info *m);

/* The fw_cfg device, once machine_init() has run. */
struct fw_cfg *machine_fw_cfg(void);

#endif
