/* SPDX-License-Identifier: MIT */
/*
 * fw_cfg driver against a fake device that speaks both the port I/O and
 * the DMA interface, and can be told to misbehave.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <svsm/drivers/fw_cfg.h>
#include <svsm/errno.h>

#define MAX_ITEMS 8

struct fake_item {
	u16 key;
	const char *name; /* NULL for a fixed key */
	u8 *data;
	u32 size;
};

static struct {
	struct fake_item items[MAX_ITEMS];
	int nitems;
	bool dma;
	bool dma_fails;  /* report FW_CFG_DMA_ERROR */
	bool dma_hangs;  /* never clear the control word */
	u32 dir_count_override;
	u16 selected;
	u32 pos;
	u32 dma_hi;
	u8 dir[4 + MAX_ITEMS * 64];
	u32 id;
} dev;

static struct fake_item *find_item(u16 key)
{
	for (int i = 0; i < dev.nitems; i++) {
		if (dev.items[i].key == key)
			return &dev.items[i];
	}
	return NULL;
}

static void build_dir(void)
{
	u32 n = 0;

	memset(dev.dir, 0, sizeof(dev.dir));
	for (int i = 0; i < dev.nitems; i++) {
		u8 *e;

		if (!dev.items[i].name)
			continue;
		e = dev.dir + 4 + n * 64;
		*(u32 *)e = __builtin_bswap32(dev.items[i].size);
		*(u16 *)(e + 4) = __builtin_bswap16(dev.items[i].key);
		strncpy((char *)e + 8, dev.items[i].name, 56);
		n++;
	}
	*(u32 *)dev.dir = __builtin_bswap32(dev.dir_count_override ?
					    dev.dir_count_override : n);
}

static u8 item_byte(u16 key, u32 pos)
{
	static const char sig[] = "QEMU";
	struct fake_item *it;

	if (key == FW_CFG_SIGNATURE)
		return pos < 4 ? (u8)sig[pos] : 0;
	if (key == FW_CFG_ID)
		return pos < 4 ? (u8)(dev.id >> (8 * pos)) : 0;
	if (key == FW_CFG_FILE_DIR)
		return pos < sizeof(dev.dir) ? dev.dir[pos] : 0;
	it = find_item(key);
	return it && pos < it->size ? it->data[pos] : 0;
}

static void do_dma(u64 addr)
{
	struct fw_cfg_dma_access *d = (void *)(uintptr_t)addr;
	u32 control = __builtin_bswap32(d->control);
	u32 len = __builtin_bswap32(d->length);
	u8 *dst = (void *)(uintptr_t)__builtin_bswap64(d->address);

	if (dev.dma_hangs)
		return;
	if (control & FW_CFG_DMA_SELECT) {
		dev.selected = control >> 16;
		dev.pos = 0;
	}
	for (u32 i = 0; i < len; i++)
		dst[i] = item_byte(dev.selected, dev.pos++);
	d->control = __builtin_bswap32(dev.dma_fails ? FW_CFG_DMA_ERROR : 0);
}

static void fake_outw(u16 port, u16 v)
{
	assert_int_equal(port, FW_CFG_PORT_SEL);
	dev.selected = v;
	dev.pos = 0;
}

static u8 fake_inb(u16 port)
{
	assert_int_equal(port, FW_CFG_PORT_DATA);
	return item_byte(dev.selected, dev.pos++);
}

static void fake_outl(u16 port, u32 v)
{
	if (port == FW_CFG_PORT_DMA_HI) {
		dev.dma_hi = __builtin_bswap32(v);
		return;
	}
	assert_int_equal(port, FW_CFG_PORT_DMA_LO);
	do_dma(((u64)dev.dma_hi << 32) | __builtin_bswap32(v));
}

static u32 fake_inl(u16 port)
{
	const char *sig = dev.dma ? "QEMU CFG" : "\0\0\0\0\0\0\0\0";
	u32 v;

	/*
	 * The register is big-endian, and QEMU swaps for the little-endian
	 * CPU: the bytes of the value read are "QEMU" and " CFG" in order.
	 */
	memcpy(&v, sig + (port == FW_CFG_PORT_DMA_HI ? 0 : 4), 4);
	return v;
}

static void fake_outb(u16 p, u8 v)
{
	fail();
}

static u16 fake_inw(u16 p)
{
	fail();
	return 0;
}

static const struct io_ops fake_io = {
	.outb = fake_outb, .inb = fake_inb, .outw = fake_outw,
	.inw = fake_inw, .outl = fake_outl, .inl = fake_inl,
};

static phys_addr_t identity(const void *va)
{
	return (phys_addr_t)(uintptr_t)va;
}

static u8 big_file[10000];
static u8 small_file[] = "hello fw_cfg";

static int setup(void **state)
{
	memset(&dev, 0, sizeof(dev));
	for (size_t i = 0; i < sizeof(big_file); i++)
		big_file[i] = (u8)(i * 7 + 3);
	dev.items[0] = (struct fake_item){ 0x20, "etc/acpi/tables", big_file,
					   sizeof(big_file) };
	dev.items[1] = (struct fake_item){ 0x21, "etc/small", small_file,
					   sizeof(small_file) };
	dev.items[2] = (struct fake_item){ FW_CFG_NB_CPUS, NULL,
					   (u8 *)"\x04\x00", 2 };
	dev.nitems = 3;
	dev.id = FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA;
	dev.dma = true;
	build_dir();
	return 0;
}

static struct fw_cfg_dma_page dma_page __aligned(4096);

static void read_files(struct fw_cfg *fc)
{
	u8 buf[sizeof(big_file)];
	u16 cpus = 0;
	u32 size = 0;

	assert_int_equal(fw_cfg_read_file(fc, "etc/acpi/tables", buf,
					  sizeof(buf), &size), 0);
	assert_int_equal(size, sizeof(big_file));
	assert_memory_equal(buf, big_file, sizeof(big_file));
	assert_int_equal(fw_cfg_read_file(fc, "etc/small", buf, sizeof(buf),
					  &size), 0);
	assert_int_equal(size, sizeof(small_file));
	assert_string_equal((char *)buf, "hello fw_cfg");
	assert_int_equal(fw_cfg_read_key(fc, FW_CFG_NB_CPUS, &cpus, 2), 0);
	assert_int_equal(cpus, 4);
}

static void test_dma_reads(void **state)
{
	struct fw_cfg fc;

	assert_int_equal(fw_cfg_init(&fc, &fake_io, &dma_page, identity), 0);
	assert_true(fc.dma);
	read_files(&fc);
	assert_true(fc.dma_bytes >= sizeof(big_file));
	assert_int_equal(fc.pio_bytes, 8); /* signature and ID only */
}

static void test_port_io_reads(void **state)
{
	struct fw_cfg fc;

	dev.dma = false;
	dev.id = FW_CFG_ID_TRADITIONAL;
	assert_int_equal(fw_cfg_init(&fc, &fake_io, &dma_page, identity), 0);
	assert_false(fc.dma);
	read_files(&fc);
	assert_int_equal(fc.dma_bytes, 0);
}

static void test_dma_needs_signature(void **state)
{
	struct fw_cfg fc;

	dev.dma = false; /* feature bit set but no "QEMU CFG" signature */
	assert_int_equal(fw_cfg_init(&fc, &fake_io, &dma_page, identity), 0);
	assert_false(fc.dma);
	read_files(&fc);
}

static void test_dma_can_be_refused(void **state)
{
	struct fw_cfg fc;

	assert_int_equal(fw_cfg_init(&fc, &fake_io, NULL, NULL), 0);
	assert_false(fc.dma);
	read_files(&fc);
}

static void test_missing_file(void **state)
{
	struct fw_cfg fc;
	u8 buf[16];
	u32 size = 77;

	assert_int_equal(fw_cfg_init(&fc, &fake_io, &dma_page, identity), 0);
	assert_int_equal(fw_cfg_read_file(&fc, "etc/does-not-exist", buf,
					  sizeof(buf), &size), -SVSM_ENOENT);
	assert_int_equal(size, 77);
	assert_string_equal(fw_cfg_error_name(-SVSM_ENOENT),
			    "FwCfg(FileNotFound)");
}

static void test_file_larger_than_buffer(void **state)
{
	struct fw_cfg fc;
	u8 buf[100];
	u32 size = 0;

	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(fw_cfg_init(&fc, &fake_io, &dma_page, identity), 0);
	assert_int_equal(fw_cfg_read_file(&fc, "etc/acpi/tables", buf,
					  sizeof(buf), &size), -SVSM_ERANGE);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xee);
}

static void test_absurd_directory(void **state)
{
	struct fw_cfg fc;
	u16 sel;
	u32 size;

	dev.dir_count_override = 0x10000;
	build_dir();
	assert_int_equal(fw_cfg_init(&fc, &fake_io, &dma_page, identity), 0);
	assert_int_equal(fw_cfg_find(&fc, "etc/small", &sel, &size),
			 -SVSM_EBADMSG);
}

static void test_unterminated_name(void **state)
{
	static char long_name[80];
	struct fw_cfg fc;
	u16 sel;
	u32 size;

	memset(long_name, 'a', sizeof(long_name) - 1);
	dev.items[1].name = long_name; /* 79 chars: truncated to 55 + NUL */
	build_dir();
	assert_int_equal(fw_cfg_init(&fc, &fake_io, &dma_page, identity), 0);
	assert_int_equal(fw_cfg_find(&fc, long_name, &sel, &size),
			 -SVSM_ENOENT);
	long_name[55] = '\0';
	assert_int_equal(fw_cfg_find(&fc, long_name, &sel, &size), 0);
}

static void test_dma_error_reported(void **state)
{
	struct fw_cfg fc;
	u8 buf[32];
	u32 size;

	assert_int_equal(fw_cfg_init(&fc, &fake_io, &dma_page, identity), 0);
	dev.dma_fails = true;
	assert_int_equal(fw_cfg_read_file(&fc, "etc/small", buf, sizeof(buf),
					  &size), -SVSM_EIO);
}

static void test_dma_hang_is_bounded(void **state)
{
	struct fw_cfg fc;
	u8 buf[32];
	u32 size;

	assert_int_equal(fw_cfg_init(&fc, &fake_io, &dma_page, identity), 0);
	dev.dma_hangs = true;
	assert_int_equal(fw_cfg_read_file(&fc, "etc/small", buf, sizeof(buf),
					  &size), -SVSM_EIO);
}

static void test_no_device(void **state)
{
	struct fw_cfg fc;

	dev.nitems = 0;
	/* A missing device reads as all-ones on real hardware; here zeros. */
	assert_int_equal(fw_cfg_init(&fc, &fake_io, &dma_page, identity), 0);
	memset(&dev, 0, sizeof(dev));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_dma_reads, setup),
		cmocka_unit_test_setup(test_port_io_reads, setup),
		cmocka_unit_test_setup(test_dma_needs_signature, setup),
		cmocka_unit_test_setup(test_dma_can_be_refused, setup),
		cmocka_unit_test_setup(test_missing_file, setup),
		cmocka_unit_test_setup(test_file_larger_than_buffer, setup),
		cmocka_unit_test_setup(test_absurd_directory, setup),
		cmocka_unit_test_setup(test_unterminated_name, setup),
		cmocka_unit_test_setup(test_dma_error_reported, setup),
		cmocka_unit_test_setup(test_dma_hang_is_bounded, setup),
		cmocka_unit_test_setup(test_no_device, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
