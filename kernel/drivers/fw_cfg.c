/* SPDX-License-Identifier: MIT */
/* QEMU fw_cfg driver: see include/svsm/drivers/fw_cfg.h. */
#include <svsm/drivers/fw_cfg.h>
#include <svsm/errno.h>
#include <svsm/lib/string.h>

struct fw_cfg_file {
	u32 size_be;
	u16 select_be;
	u16 reserved;
	char name[FW_CFG_NAME_LEN];
} __packed;

static u32 be32(u32 v)
{
	return __builtin_bswap32(v);
}

static void pio_select(struct fw_cfg *fc, u16 key)
{
	fc->io->outw(FW_CFG_PORT_SEL, key);
}

static void pio_read(struct fw_cfg *fc, void *buf, u32 len)
{
	u8 *p = buf;

	for (u32 i = 0; i < len; i++)
		p[i] = fc->io->inb(FW_CFG_PORT_DATA);
	fc->pio_bytes += len;
}

/*
 * One DMA transfer of len bytes (at most a bounce buffer) into the bounce
 * buffer. The device clears the control word when done; it is polled a
 * bounded number of times so a broken device cannot hang boot.
 */
static int dma_chunk(struct fw_cfg *fc, u32 control, u32 len)
{
	struct fw_cfg_dma_access *d = &fc->page->desc;
	phys_addr_t pa = fc->virt_to_phys(d);
	u32 status = 0;

	d->control = be32(control | FW_CFG_DMA_READ);
	d->length = be32(len);
	d->address = __builtin_bswap64(fc->virt_to_phys(fc->page->bounce));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	fc->io->outl(FW_CFG_PORT_DMA_HI, be32((u32)(pa >> 32)));
	fc->io->outl(FW_CFG_PORT_DMA_LO, be32((u32)pa));
	for (int i = 0; i < 1000000; i++) {
		status = be32(__atomic_load_n(&d->control, __ATOMIC_ACQUIRE));
		if (!(status & ~FW_CFG_DMA_ERROR))
			break;
	}
	return status ? -SVSM_EIO : 0;
}

static int dma_read(struct fw_cfg *fc, u32 control, void *buf, u32 len)
{
	u8 *dst = buf;
	int ret;

	do {
		u32 n = len < FW_CFG_BOUNCE_SIZE ? len : FW_CFG_BOUNCE_SIZE;

		ret = dma_chunk(fc, control, n);
		if (ret)
			return ret;
		memcpy(dst, fc->page->bounce, n);
		dst += n;
		len -= n;
		fc->dma_bytes += n;
		control = 0; /* later chunks continue where this one ended */
	} while (len);
	return 0;
}

static int read_item(struct fw_cfg *fc, u16 key, bool select, void *buf,
		     u32 len)
{
	if (fc->dma)
		return dma_read(fc, select ? ((u32)key << 16) | FW_CFG_DMA_SELECT : 0,
				buf, len);
	if (select)
		pio_select(fc, key);
	pio_read(fc, buf, len);
	return 0;
}

int fw_cfg_read_key(struct fw_cfg *fc, u16 key, void *buf, u32 len)
{
	return read_item(fc, key, true, buf, len);
}

int fw_cfg_init(struct fw_cfg *fc, const struct io_ops *io,
		struct fw_cfg_dma_page *page,
		phys_addr_t (*virt_to_phys)(const void *va))
{
	char sig[4];
	u32 id = 0;
	u32 dma_sig[2];

	memset(fc, 0, sizeof(*fc));
	fc->io = io;
	fw_cfg_read_key(fc, FW_CFG_SIGNATURE, sig, sizeof(sig));
	if (memcmp(sig, "QEMU", 4) != 0)
		return -SVSM_ENOENT;
	fw_cfg_read_key(fc, FW_CFG_ID, &id, sizeof(id));
	if (!(id & FW_CFG_ID_DMA) || !page || !virt_to_phys)
		return 0;
	/*
	 * The DMA register reads back the signature "QEMU CFG": big-endian,
	 * so the bytes of each 32-bit read are in string order.
	 */
	dma_sig[0] = io->inl(FW_CFG_PORT_DMA_HI);
	dma_sig[1] = io->inl(FW_CFG_PORT_DMA_LO);
	if (memcmp(dma_sig, "QEMU CFG", 8) != 0)
		return 0;
	fc->page = page;
	fc->virt_to_phys = virt_to_phys;
	fc->dma = true;
	return 0;
}

int fw_cfg_find(struct fw_cfg *fc, const char *name, u16 *select, u32 *size)
{
	struct fw_cfg_file f;
	u32 count;
	int ret;

	ret = fw_cfg_read_key(fc, FW_CFG_FILE_DIR, &count, sizeof(count));
	count = be32(count);
	if (ret || count > FW_CFG_MAX_FILES)
		return ret ? ret : -SVSM_EBADMSG;
	for (u32 i = 0; i < count; i++) {
		ret = read_item(fc, 0, false, &f, sizeof(f));
		if (ret)
			return ret;
		f.name[FW_CFG_NAME_LEN - 1] = '\0';
		if (strcmp(f.name, name) == 0) {
			*select = __builtin_bswap16(f.select_be);
			*size = be32(f.size_be);
			return 0;
		}
	}
	return -SVSM_ENOENT;
}

int fw_cfg_read_file(struct fw_cfg *fc, const char *name, void *buf,
		     size_t buf_len, u32 *size)
{
	u16 select;
	u32 len;
	int ret;

	ret = fw_cfg_find(fc, name, &select, &len);
	if (ret)
		return ret;
	if (len > buf_len)
		return -SVSM_ERANGE;
	ret = fw_cfg_read_key(fc, select, buf, len);
	if (!ret)
		*size = len;
	return ret;
}

const char *fw_cfg_error_name(int err)
{
	switch (err) {
	case -SVSM_ENOENT:
		return "FwCfg(FileNotFound)";
	case -SVSM_ERANGE:
		return "FwCfg(FileSize)";
	case -SVSM_EBADMSG:
		return "FwCfg(TooManyFiles)";
	case -SVSM_EIO:
		return "FwCfg(Dma)";
	default:
		return "FwCfg(Unknown)";
	}
}
