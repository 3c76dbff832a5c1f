/* SPDX-License-Identifier: MIT */
/*
 * QEMU's ACPI linker/loader script, applied in place (see
 * <svsm/acpi_loader.h>). The command layout is BiosLinkerLoaderEntry in
 * QEMU hw/acpi/bios-linker-loader.c; the checks are those of the firmware
 * that runs it (OVMF OvmfPkg/Library/QemuFwCfgAcpiPlatformLib, SeaBIOS
 * src/fw/romfile_loader.c). The script comes from the hypervisor: every
 * offset and length in it is checked against the blob, in a form that
 * cannot wrap, before use.
 */
#include <svsm/acpi_loader.h>
#include <svsm/errno.h>
#include <svsm/lib/string.h>
#include <svsm/lib/unaligned.h>

/* BiosLinkerLoaderEntry: a u32 command, then a packed union. */
#define NAME_LEN 56u	/* BIOS_LINKER_LOADER_FILESZ */
#define F_FILE 4u	/* alloc.file, pointer.dest_file, cksum.file */
#define F_SRC 60u	/* pointer.src_file, wr_pointer.src_file */
#define PTR_OFFSET 116u
#define PTR_SIZE 120u
#define CK_OFFSET 60u
#define CK_START 64u
#define CK_LENGTH 68u
#define WP_SRC_OFFSET 120u
#define WP_SIZE 124u

/* Command 0 is the zero padding QEMU adds up to 4 KiB (acpi_align_size). */
#define CMD_PAD 0u
#define CMD_ALLOCATE 1u
#define CMD_ADD_POINTER 2u
#define CMD_ADD_CHECKSUM 3u
#define CMD_WRITE_POINTER 4u

static const char unknown_file[] = "unknown file";
static const char unknown_src[] = "unknown source file";
static const char allocated_twice[] = "file allocated twice";

struct run {
	const u8 *script;
	struct acpi_blob *blobs;
	u32 nblobs;
	u32 at;		/* offset of the current command in the script */
	struct acpi_error *err;
};

/* Little-endian, as the loader's pointers are (x86 only, so a memcpy). */
static u64 rd_ptr(const u8 *p, u32 size)
{
	u64 v = 0;

	memcpy(&v, p, size);
	return v;
}

static int bad(const struct run *r, const char *fault)
{
	memset(r->err, 0, sizeof(*r->err));
	memcpy(r->err->table, ACPI_LOADER_TABLE, sizeof(ACPI_LOADER_TABLE));
	r->err->fault = fault;
	r->err->offset = r->at;
	return -SVSM_EBADMSG;
}

static const u8 *cmd_field(const struct run *r, u32 field)
{
	return r->script + r->at + field;
}

/* OVMF refuses a name whose last byte is not NUL; so does this. */
static bool name_ok(const u8 *name)
{
	return strnlen((const char *)name, NAME_LEN) < NAME_LEN;
}

/*
 * "Must appear exactly once for each file, and before this file is
 * referenced by any other command" (QEMU bios-linker-loader.c); the earlier
 * commands have been checked, so their names are terminated. Rescanning
 * needs no memory; QEMU's scripts are a few dozen commands.
 */
static bool allocated_before(const struct run *r, const u8 *name)
{
	for (u32 at = 0; at < r->at; at += ACPI_LOADER_CMD_LEN) {
		const u8 *c = r->script + at;

		if (rd32(c) == CMD_ALLOCATE &&
		    !strcmp((const char *)c + F_FILE, (const char *)name)) {
			return true;
		}
	}
	return false;
}

static struct acpi_blob *supplied(const struct run *r, const u8 *name)
{
	for (u32 i = 0; i < r->nblobs; i++) {
		if (!strcmp(r->blobs[i].name, (const char *)name)) {
			return &r->blobs[i];
		}
	}
	return NULL;
}

/*
 * Resolves the allocated file named in the field; *b is NULL for a file
 * the caller did not supply.
 */
static int use_file(const struct run *r, u32 field, const char *unknown,
		    struct acpi_blob **b)
{
	const u8 *name = cmd_field(r, field);

	if (!allocated_before(r, name)) {
		return bad(r, unknown);
	}
	*b = supplied(r, name);
	return 0;
}

static bool size_ok(u8 size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

/* Zone and alignment only matter to a firmware placing the blob. */
static int allocate(const struct run *r)
{
	if (allocated_before(r, cmd_field(r, F_FILE))) {
		return bad(r, allocated_twice);
	}
	return 0;
}

/*
 * Adding the source's address, 0, leaves the pointer as it is; what is
 * left is OVMF's check that it points into the source blob.
 */
static int add_pointer(const struct run *r)
{
	u32 off = rd32(cmd_field(r, PTR_OFFSET));
	u8 size = *cmd_field(r, PTR_SIZE);
	struct acpi_blob *dst, *src;
	int ret;

	ret = use_file(r, F_FILE, unknown_file, &dst);
	if (!ret) {
		ret = use_file(r, F_SRC, unknown_src, &src);
	}
	if (ret) {
		return ret;
	}
	if (!size_ok(size)) {
		return bad(r, "bad pointer size");
	}
	if (!dst) {
		return 0;
	}
	if (off > dst->len || size > dst->len - off) {
		return bad(r, "pointer offset past the end of the blob");
	}
	if (src && rd_ptr(dst->data + off, size) >= src->len) {
		return bad(r, "pointer outside the blob");
	}
	return 0;
}

/*
 * OVMF zeroes the checksum byte, then stores the byte that makes the range
 * sum to zero; SeaBIOS subtracts the range's sum from it. Both agree when
 * the byte is inside the range, which is required here.
 */
static int add_checksum(const struct run *r)
{
	u32 off = rd32(cmd_field(r, CK_OFFSET));
	u32 start = rd32(cmd_field(r, CK_START));
	u32 len = rd32(cmd_field(r, CK_LENGTH));
	struct acpi_blob *b;
	u8 sum = 0;
	int ret;

	ret = use_file(r, F_FILE, unknown_file, &b);
	if (ret || !b) {
		return ret;
	}
	if (off >= b->len) {
		return bad(r, "checksum offset past the end of the blob");
	}
	if (start > b->len || len > b->len - start) {
		return bad(r, "checksum range past the end of the blob");
	}
	if (off < start || off - start >= len) {
		return bad(r, "checksum outside its range");
	}
	b->data[off] = 0;
	for (u32 i = 0; i < len; i++) {
		sum += b->data[start + i];
	}
	b->data[off] = (u8)-sum;
	return 0;
}

/*
 * Asks the firmware to write a blob's address into a writable fw_cfg file
 * (vmgenid, GHES). That file is not allocated and is the hypervisor's own;
 * nothing is written back, only the source side is checked.
 */
static int write_pointer(const struct run *r)
{
	u32 src_off = rd32(cmd_field(r, WP_SRC_OFFSET));
	u8 size = *cmd_field(r, WP_SIZE);
	struct acpi_blob *src;
	int ret;

	ret = use_file(r, F_SRC, unknown_src, &src);
	if (ret) {
		return ret;
	}
	if (!size_ok(size)) {
		return bad(r, "bad pointer size");
	}
	if (src && src_off >= src->len) {
		return bad(r, "pointer outside the blob");
	}
	return 0;
}

static int run_command(const struct run *r)
{
	u32 cmd = rd32(cmd_field(r, 0));
	bool two_names = cmd == CMD_ADD_POINTER || cmd == CMD_WRITE_POINTER;

	if (cmd == CMD_PAD) {
		return 0;
	}
	if (cmd > CMD_WRITE_POINTER) {
		return bad(r, "unknown command");
	}
	if (!name_ok(cmd_field(r, F_FILE)) ||
	    (two_names && !name_ok(cmd_field(r, F_SRC)))) {
		return bad(r, "file name not terminated");
	}
	if (cmd == CMD_ALLOCATE) {
		return allocate(r);
	}
	if (cmd == CMD_ADD_POINTER) {
		return add_pointer(r);
	}
	if (cmd == CMD_ADD_CHECKSUM) {
		return add_checksum(r);
	}
	return write_pointer(r);
}

static bool blobs_ok(const struct acpi_blob *blobs, u32 nblobs)
{
	if (!blobs && nblobs) {
		return false;
	}
	for (u32 i = 0; i < nblobs; i++) {
		if (!blobs[i].name || (!blobs[i].data && blobs[i].len)) {
			return false;
		}
		for (u32 j = 0; j < i; j++) {
			if (!strcmp(blobs[i].name, blobs[j].name)) {
				return false;
			}
		}
	}
	return true;
}

int acpi_loader_apply(const void *script, size_t script_len,
		      struct acpi_blob *blobs, u32 nblobs,
		      struct acpi_error *err)
{
	struct acpi_error scratch;
	struct run r = { script, blobs, nblobs, 0, err ? err : &scratch };
	int ret;

	memset(r.err, 0, sizeof(*r.err));
	if ((!script && script_len) || script_len > UINT32_MAX ||
	    !blobs_ok(blobs, nblobs)) {
		r.err->fault = "invalid arguments";
		return -SVSM_EINVAL;
	}
	if (script_len % ACPI_LOADER_CMD_LEN) {
		r.at = (u32)(script_len - script_len % ACPI_LOADER_CMD_LEN);
		return bad(&r, "script length not a multiple of 128");
	}
	for (r.at = 0; r.at < script_len; r.at += ACPI_LOADER_CMD_LEN) {
		ret = run_command(&r);
		if (ret) {
			return ret;
		}
	}
	return 0;
}

/* The name field a fault is about, if it is one of those faults. */
static int fault_field(const char *fault)
{
	if (fault == unknown_file || fault == allocated_twice) {
		return F_FILE;
	}
	if (fault == unknown_src) {
		return F_SRC;
	}
	return -1;
}

void acpi_loader_format_error(const struct acpi_error *err,
			      const void *script, size_t script_len,
			      char *buf, size_t len)
{
	const char *name;
	size_t pos, nlen;
	int field;

	acpi_format_error(err, buf, len);
	if (!buf || !len || !err || !err->fault || !script) {
		return;
	}
	field = fault_field(err->fault);
	if (field < 0 || err->offset > script_len ||
	    script_len - err->offset < ACPI_LOADER_CMD_LEN) {
		return;
	}
	name = (const char *)script + err->offset + field;
	nlen = strnlen(name, NAME_LEN);
	pos = strnlen(buf, len);
	/* The whole " (name)" or nothing: a cut name would mislead. */
	if (nlen == NAME_LEN || len - pos <= nlen + 3) {
		return;
	}
	buf[pos++] = ' ';
	buf[pos++] = '(';
	for (size_t i = 0; i < nlen; i++) {
		buf[pos++] = name[i] >= 0x20 && name[i] < 0x7F ? name[i] : '?';
	}
	buf[pos++] = ')';
	buf[pos] = '\0';
}
