/* SPDX-License-Identifier: MIT */
/*
 * fw_cfg on the real device: DMA and port I/O must read the same bytes.
 * Also prints the figures make bench reports (TSC cycles per transfer and
 * per AP bring-up).
 */
#define LOG_MODULE "test"

#include <arch/cpu.h>
#include <svsm/drivers/fw_cfg.h>
#include <svsm/lib/log.h>
#include <svsm/lib/string.h>
#include <svsm/machine.h>
#include <svsm/mm.h>
#include <svsm/platform.h>
#include <svsm/smp.h>
#include <svsm/tests.h>

#define BUF_ORDER 5

SVSM_TEST(fw_cfg_dma_and_port_io_agree)
{
	struct fw_cfg *dma = machine_fw_cfg(), pio;
	u8 *a = mm_alloc_pages(BUF_ORDER), *b = mm_alloc_pages(BUF_ORDER);
	u32 alen = 0, blen = 0;
	u64 t0, t1, t2;

	TEST_ASSERT(a && b && dma);
	TEST_ASSERT(dma->dma); /* QEMU's q35 offers DMA */
	TEST_ASSERT_EQ(fw_cfg_init(&pio, platform_io(), NULL, NULL), 0);
	TEST_ASSERT(!pio.dma);
	t0 = arch_rdtsc();
	TEST_ASSERT_EQ(fw_cfg_read_file(dma, ACPI_TABLES_PATH, a,
					PAGE_SIZE << BUF_ORDER, &alen), 0);
	t1 = arch_rdtsc();
	TEST_ASSERT_EQ(fw_cfg_read_file(&pio, ACPI_TABLES_PATH, b,
					PAGE_SIZE << BUF_ORDER, &blen), 0);
	t2 = arch_rdtsc();
	TEST_ASSERT_EQ(alen, blen);
	TEST_ASSERT(alen > 1000);
	TEST_ASSERT_EQ(memcmp(a, b, alen), 0);
	log_info("bench: fw_cfg read of %u bytes (%s): DMA %llu TSC cycles, port I/O %llu TSC cycles",
		 alen, ACPI_TABLES_PATH, t1 - t0, t2 - t1);
	mm_free_pages(a);
	mm_free_pages(b);
}

SVSM_TEST(smp_bringup_was_measured)
{
	if (smp_cpus_online() < 2)
		return;
	TEST_ASSERT(smp_last_bringup_cycles() > 0);
	log_info("bench: AP bring-up took %llu TSC cycles",
		 smp_last_bringup_cycles());
}
