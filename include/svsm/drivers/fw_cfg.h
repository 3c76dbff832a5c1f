/* SPDX-License-Identifier: MIT */
/*
 * QEMU fw_cfg (docs/specs/fw_cfg.rst in QEMU): selector port 0x510, data
 * port 0x511, DMA address ports 0x514/0x518. DMA is used when the device
 * offers it (feature bit 1 of FW_CFG_ID and the "QEMU CFG" DMA signature),
 * port I/O otherwise. Everything read from it is hypervisor-controlled:
 * sizes are checked against the caller's buffer, names are bounded.
 */
#ifndef SVSM_DRIVERS_FW_CFG_H
#define SVSM_DRIVERS_FW_CFG_H

#include <svsm/io.h>
#include <svsm/types.h>

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_PORT_DMA_HI 0x514
#define FW_CFG_PORT_DMA_LO 0x518
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_ID 0x0001
#define FW_CFG_NB_CPUS 0x0005
#define FW_CFG_FILE_DIR 0x0019
#define FW_CFG_ID_TRADITIONAL 0x1
#define FW_CFG_ID_DMA 0x2
#define FW_CFG_MAX_FILES 4096
#define FW_CFG_NAME_LEN 56

/* DMA descriptor (big-endian fields), 16 bytes. */
struct fw_cfg_dma_access {
	u32 control;
	u32 length;
	u64 address;
} __packed;
STATIC_ASSERT_SIZE(struct fw_cfg_dma_access, 16);

#define FW_CFG_DMA_ERROR 0x01
#define FW_CFG_DMA_READ 0x02
#define FW_CFG_DMA_SKIP 0x04
#define FW_CFG_DMA_SELECT 0x08

/*
 * One page the device reaches by DMA: the descriptor and a bounce buffer, so
 * callers may read into any buffer (stack, per-CPU) and, on SNP, only this
 * page needs to be shared with the hypervisor.
 */
#define FW_CFG_BOUNCE_SIZE (4096 - sizeof(struct fw_cfg_dma_access))
struct fw_cfg_dma_page {
	struct fw_cfg_dma_access desc;
	u8 bounce[FW_CFG_BOUNCE_SIZE];
};

struct fw_cfg {
	const struct io_ops *io;
	bool dma;
	struct fw_cfg_dma_page *page;
	phys_addr_t (*virt_to_phys)(const void *va);
	u64 dma_bytes; /* statistics */
	u64 pio_bytes;
};

/*
 * Checks the "QEMU" signature and the features. page/virt_to_phys may be
 * NULL to force port I/O. Returns 0 or -SVSM_ENOENT (no fw_cfg).
 */
int fw_cfg_init(struct fw_cfg *fc, const struct io_ops *io,
		struct fw_cfg_dma_page *page,
		phys_addr_t (*virt_to_phys)(const void *va));

/* Finds a file by name. Returns 0, -SVSM_ENOENT or -SVSM_EBADMSG. */
int fw_cfg_find(struct fw_cfg *fc, const char *name, u16 *select, u32 *size);

/*
 * Reads a whole file into buf. Returns 0 with *size set, -SVSM_ENOENT if
 * there is no such file, -SVSM_ERANGE if it is larger than buf_len,
 * -SVSM_EIO if the device reports a DMA error.
 */
int fw_cfg_read_file(struct fw_cfg *fc, const char *name, void *buf,
		     size_t buf_len, u32 *size);

/* Reads len bytes of item `key` from its start. */
int fw_cfg_read_key(struct fw_cfg *fc, u16 key, void *buf, u32 len);

/* "FwCfg(FileNotFound)"-style name of an error code, as upstream prints. */
const char *fw_cfg_error_name(int err);

#endif
