/* SPDX-License-Identifier: MIT */
/*
 * Machine discovery on QEMU: the CPUs from the ACPI MADT (read through
 * fw_cfg under the names fixed at build time, ACPI_RSDP_PATH and
 * ACPI_TABLES_PATH, then patched by QEMU's etc/table-loader script as
 * firmware would, so that every checksum is verified) and the guest RAM
 * map. All of it comes from the hypervisor, so the parsers check everything
 * and errors stop boot with a message naming the table and the fault.
 */
#define LOG_MODULE "machine"

#include <svsm/acpi_loader.h>
#include <svsm/drivers/fw_cfg.h>
#include <svsm/errno.h>
#include <svsm/kernel.h>
#include <svsm/lib/check.h>
#include <svsm/lib/log.h>
#include <svsm/machine.h>
#include <svsm/mm.h>
#include <svsm/platform.h>

#define ACPI_TABLES_MAX_ORDER 5 /* 128 KiB, as upstream allows */
#define RSDP_MAX 64
/* QEMU hw/acpi/bios-linker-loader.c; its q35 script has 17 commands. */
#define ACPI_LOADER_PATH "etc/table-loader"
#define ACPI_LOADER_MAX_ORDER 2 /* 16 KiB: 128 commands */
#define RSDP_CHECKSUM 8
#define RSDP_V1_LEN 20

static struct fw_cfg fwcfg;
static bool fwcfg_ready;

struct fw_cfg *machine_fw_cfg(void)
{
	return fwcfg_ready ? &fwcfg : NULL;
}

static void fw_cfg_setup(void)
{
	struct fw_cfg_dma_page *page = mm_alloc_zeroed_pages(0);
	int ret;

	if (!page)
		PANIC("out of memory for the fw_cfg DMA page");
	ret = fw_cfg_init(&fwcfg, platform_io(), page, mm_virt_to_phys);
	if (ret)
		PANIC("Failed to load ACPI tables: %s", fw_cfg_error_name(ret));
	fwcfg_ready = true;
	log_debug("fw_cfg: %s interface", fwcfg.dma ? "DMA" : "port I/O");
}

/*
 * Without a script, tables may come checksummed by their hypervisor. QEMU
 * leaves a checksum byte 0 for its loader to fill in, so a nonzero one that
 * sums right says the tables are final: verify them all.
 */
static u32 unscripted_flags(const u8 *rsdp, u32 len)
{
	u8 sum = 0;

	for (u32 i = 0; i < len && i < RSDP_V1_LEN; i++) {
		sum += rsdp[i];
	}
	if (len >= RSDP_V1_LEN && rsdp[RSDP_CHECKSUM] && !sum) {
		return 0;
	}
	log_warn("no fw_cfg %s: ACPI checksums not verified",
		 ACPI_LOADER_PATH);
	return ACPI_FWCFG_UNPATCHED;
}

/*
 * Runs the loader script over the blobs, as firmware does, so that their
 * checksums are real; returns the acpi_find_cpus() flags. With overridden
 * ACPI_*_PATH names, QEMU's script (about its own files) changes nothing
 * (<svsm/acpi_loader.h>) and the blobs must come with valid checksums.
 */
static u32 run_table_loader(struct acpi_blob *blobs)
{
	u8 *script = mm_alloc_pages(ACPI_LOADER_MAX_ORDER);
	struct acpi_error err;
	char msg[160];
	u32 len;
	int ret;

	if (!script) {
		PANIC("out of memory for the ACPI loader script");
	}
	ret = fw_cfg_read_file(&fwcfg, ACPI_LOADER_PATH, script,
			       PAGE_SIZE << ACPI_LOADER_MAX_ORDER, &len);
	if (ret == -SVSM_ENOENT) {
		mm_free_pages(script);
		return unscripted_flags(blobs[0].data, blobs[0].len);
	}
	if (ret) {
		PANIC("Failed to load ACPI tables: %s", fw_cfg_error_name(ret));
	}
	ret = acpi_loader_apply(script, len, blobs, 2, &err);
	if (ret) {
		acpi_loader_format_error(&err, script, len, msg, sizeof(msg));
		PANIC("Failed to load ACPI tables: Acpi(%s)", msg);
	}
	mm_free_pages(script);
	return 0;
}

static void load_cpus(struct machine_info *m)
{
	u8 rsdp[RSDP_MAX];
	u8 *tables = mm_alloc_pages(ACPI_TABLES_MAX_ORDER);
	u32 rsdp_len, tables_len, flags;
	struct acpi_blob blobs[2];
	struct acpi_error err;
	char msg[160];
	int ret;

	if (!tables)
		PANIC("out of memory for the ACPI tables");
	ret = fw_cfg_read_file(&fwcfg, ACPI_RSDP_PATH, rsdp, sizeof(rsdp),
			       &rsdp_len);
	if (!ret)
		ret = fw_cfg_read_file(&fwcfg, ACPI_TABLES_PATH, tables,
				       PAGE_SIZE << ACPI_TABLES_MAX_ORDER,
				       &tables_len);
	if (ret)
		PANIC("Failed to load ACPI tables: %s", fw_cfg_error_name(ret));
	blobs[0] = (struct acpi_blob){ ACPI_RSDP_PATH, rsdp, rsdp_len };
	blobs[1] = (struct acpi_blob){ ACPI_TABLES_PATH, tables, tables_len };
	flags = run_table_loader(blobs);
	m->cpus.cpus = m->cpu_storage;
	m->cpus.max = ARRAY_SIZE(m->cpu_storage);
	ret = acpi_find_cpus(rsdp, rsdp_len, tables, tables_len, flags,
			     &m->cpus, &err);
	if (ret) {
		acpi_format_error(&err, msg, sizeof(msg));
		PANIC("Failed to load ACPI tables: Acpi(%s)", msg);
	}
	mm_free_pages(tables);
}

static int read_e820(struct machine_info *m)
{
	u8 *buf = mm_alloc_pages(0);
	u32 len;
	int ret;

	if (!buf)
		return -SVSM_ENOMEM;
	ret = fw_cfg_read_file(&fwcfg, "etc/e820", buf, PAGE_SIZE, &len);
	if (!ret)
		ret = e820_parse(buf, len, m->regions, MACHINE_MAX_REGIONS,
				 &m->nregions);
	mm_free_pages(buf);
	return ret;
}

static void load_memory_map(struct machine_info *m)
{
	const struct svsm_launch_info *li = kernel_launch_info;
	int ret = -SVSM_ENOENT;

	if (li->memory_map_size)
		ret = igvm_memmap_parse((const void *)li->memory_map_va,
					li->memory_map_size, m->regions,
					MACHINE_MAX_REGIONS, &m->nregions);
	if (ret || !m->nregions)
		ret = read_e820(m);
	if (ret || !m->nregions)
		PANIC("no guest memory map (IGVM parameter or fw_cfg etc/e820): %s",
		      svsm_strerror(ret));
	ret = mem_regions_subtract(m->regions, &m->nregions,
				   MACHINE_MAX_REGIONS,
				   li->kernel_region_phys_start,
				   li->kernel_region_phys_end);
	if (ret)
		PANIC("cannot exclude the SVSM region from the memory map: %s",
		      svsm_strerror(ret));
}

void machine_init(struct machine_info *m)
{
	fw_cfg_setup();
	load_memory_map(m);
	log_info("Guest Memory Regions:");
	for (u32 i = 0; i < m->nregions; i++)
		log_info("  %018llx-%018llx", m->regions[i].start,
			 m->regions[i].end);
	load_cpus(m);
	log_info("%u CPU(s) present", m->cpus.count);
}
