/* SPDX-License-Identifier: MIT */
/*
 * GDB remote protocol, target side (kernel/debug/gdb_proto.c), fed byte by
 * byte as the kernel stub feeds it from COM2, against a fake target: 4 KiB of
 * memory (the first half of it "text"), registers for three threads and a
 * breakpoint table with the kernel stub's limits and error codes.
 *
 * Every byte the stub sends is split back into acks and packets, and each
 * packet's framing and checksum are verified before a test looks at the
 * unescaped payload, so the tests see exactly what gdb would see. After each
 * malformed input the session must still answer '?' correctly: a stub that
 * wedges on one bad packet loses the debugging session.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <svsm/errno.h>
#include <svsm/gdb_proto.h>

#define MEM_BASE 0xffffff8000001000ULL
#define MEM_SIZE 4096ULL
#define MEM_END (MEM_BASE + MEM_SIZE)
#define TEXT_END (MEM_BASE + 0x800)
#define NTHREADS 3
#define MAX_SW 32
#define MAX_HW 4
#define MAX_BP_LOG 64
#define G_BYTES 292
#define MAX_MEM_XFER ((GDB_PACKET_MAX - 8) / 2)

/* ---- fake target ------------------------------------------------------ */

struct bp_call {
	enum gdb_bp_type type;
	u64 addr;
	u32 len;
	bool insert;
};

static struct {
	u8 out[4 * GDB_PACKET_MAX + 1024];
	size_t out_len;
	u8 mem[MEM_SIZE];
	u64 regs[NTHREADS + 1][GDB_NUM_REGS];
	u32 threads;
	bool reg_fail;
	u32 last_mem_tid;
	u32 violations; /* calls the stub must never make */
	struct {
		u64 addr;
		bool used;
	} sw[MAX_SW];
	struct {
		enum gdb_bp_type type;
		u64 addr;
		u32 len;
		bool used;
	} hw[MAX_HW];
	struct bp_call bp_log[MAX_BP_LOG];
	u32 bp_calls;
} fk;

static struct gdb_session sess;

static bool is_st(u32 regno)
{
	return regno >= GDB_REG_ST0 && regno < GDB_REG_FCTRL;
}

static void fk_putc(void *ctx, u8 c)
{
	assert_true(fk.out_len < sizeof(fk.out));
	fk.out[fk.out_len++] = c;
}

/* Bytes of [addr, addr + len) inside fake memory, from addr on. */
static size_t mem_avail(u64 addr, size_t len)
{
	u64 off;

	if (addr < MEM_BASE || addr >= MEM_END) {
		return 0;
	}
	off = addr - MEM_BASE;
	return (size_t)MIN((u64)len, MEM_SIZE - off);
}

static bool bad_tid(u32 tid)
{
	return tid < 1 || tid > fk.threads;
}

static size_t fk_read_mem(void *ctx, u32 tid, u64 addr, void *buf, size_t len)
{
	size_t n = mem_avail(addr, len);

	if (bad_tid(tid) || !len || len > MAX_MEM_XFER) {
		fk.violations++;
	}
	fk.last_mem_tid = tid;
	if (n) {
		memcpy(buf, &fk.mem[addr - MEM_BASE], n);
	}
	return n;
}

static size_t fk_write_mem(void *ctx, u32 tid, u64 addr, const void *buf,
			   size_t len)
{
	size_t n = mem_avail(addr, len);

	if (bad_tid(tid) || !len || len > GDB_PACKET_MAX) {
		fk.violations++;
	}
	fk.last_mem_tid = tid;
	if (n) {
		memcpy(&fk.mem[addr - MEM_BASE], buf, n);
	}
	return n;
}

static int fk_read_reg(void *ctx, u32 tid, u32 regno, u64 *value)
{
	/* st0..st7 do not fit a u64: the stub must not ask for them. */
	if (regno >= GDB_NUM_REGS || is_st(regno)) {
		fk.violations++;
		return -SVSM_EINVAL;
	}
	if (tid < 1 || tid > NTHREADS || fk.reg_fail) {
		return -SVSM_EINVAL;
	}
	*value = fk.regs[tid][regno];
	return 0;
}

static int fk_write_reg(void *ctx, u32 tid, u32 regno, u64 value)
{
	if (regno >= GDB_NUM_REGS || is_st(regno)) {
		fk.violations++;
		return -SVSM_EINVAL;
	}
	if (tid < 1 || tid > NTHREADS || fk.reg_fail) {
		return -SVSM_EINVAL;
	}
	fk.regs[tid][regno] = value;
	return 0;
}

/* The kernel stub's rules: software breakpoints only in text. */
static int fk_sw_bp(u64 addr, bool insert)
{
	int free_slot = -1;

	if (addr < MEM_BASE || addr >= TEXT_END) {
		return -SVSM_EINVAL;
	}
	for (int i = 0; i < MAX_SW; i++) {
		if (fk.sw[i].used && fk.sw[i].addr == addr) {
			fk.sw[i].used = insert;
			return 0;
		}
		if (!fk.sw[i].used && free_slot < 0) {
			free_slot = i;
		}
	}
	if (!insert) {
		return 0;
	}
	if (free_slot < 0) {
		return -SVSM_ENOMEM;
	}
	fk.sw[free_slot].addr = addr;
	fk.sw[free_slot].used = true;
	return 0;
}

/* The kernel stub's rules: DR0-DR3, watch lengths 1/2/4/8 and aligned. */
static int fk_hw_bp(enum gdb_bp_type type, u64 addr, u32 len, bool insert)
{
	int free_slot = -1;

	if (type != GDB_BP_HARDWARE &&
	    ((len != 1 && len != 2 && len != 4 && len != 8) ||
	     (addr & (len - 1)))) {
		return -SVSM_EINVAL;
	}
	if (type == GDB_BP_HARDWARE) {
		len = 1;
	}
	for (int i = 0; i < MAX_HW; i++) {
		if (fk.hw[i].used && fk.hw[i].type == type &&
		    fk.hw[i].addr == addr && fk.hw[i].len == len) {
			fk.hw[i].used = insert;
			return 0;
		}
		if (!fk.hw[i].used && free_slot < 0) {
			free_slot = i;
		}
	}
	if (!insert) {
		return 0;
	}
	if (free_slot < 0) {
		return -SVSM_ENOMEM;
	}
	fk.hw[free_slot].type = type;
	fk.hw[free_slot].addr = addr;
	fk.hw[free_slot].len = len;
	fk.hw[free_slot].used = true;
	return 0;
}

static int fk_breakpoint(void *ctx, enum gdb_bp_type type, u64 addr, u32 len,
			 bool insert)
{
	if (fk.bp_calls < MAX_BP_LOG) {
		fk.bp_log[fk.bp_calls] =
			(struct bp_call){ type, addr, len, insert };
	}
	fk.bp_calls++;
	if (type > GDB_WATCH_ACCESS) {
		fk.violations++;
		return -SVSM_ENOTSUP;
	}
	if (type == GDB_BP_SOFTWARE) {
		return fk_sw_bp(addr, insert);
	}
	return fk_hw_bp(type, addr, len, insert);
}

static u32 fk_thread_count(void *ctx)
{
	return fk.threads;
}

static const struct gdb_target_ops fk_ops = {
	.putc = fk_putc,
	.read_mem = fk_read_mem,
	.write_mem = fk_write_mem,
	.read_reg = fk_read_reg,
	.write_reg = fk_write_reg,
	.breakpoint = fk_breakpoint,
	.thread_count = fk_thread_count,
};

/* Bytes of register regno in 'g', from the x86-64 target description. */
static size_t reg_bytes(u32 regno)
{
	if (regno <= GDB_REG_RIP || regno == GDB_REG_FS_BASE ||
	    regno == GDB_REG_GS_BASE) {
		return 8;
	}
	return is_st(regno) ? 10 : 4;
}

static u64 reg_pattern(u32 tid, u32 regno)
{
	if (is_st(regno)) {
		return 0;
	}
	if (regno == GDB_REG_FCTRL) {
		return 0x37f; /* the FPU's reset control word */
	}
	if (regno > GDB_REG_FCTRL && regno < GDB_REG_FS_BASE) {
		return 0;
	}
	/* Distinct bytes, so a byte-order or offset slip shows. */
	return (u64)tid << 56 | (u64)regno << 48 | 0x0000a1b2c3d4e5f6ULL;
}

static void stop_at(u32 tid, u8 sig, int reason, u64 watch_addr)
{
	struct gdb_stop st = { 0 };

	st.tid = tid;
	st.signal = sig;
	st.reason = reason;
	st.watch_addr = watch_addr;
	gdb_session_stopped(&sess, &st);
}

static int setup(void **state)
{
	memset(&fk, 0, sizeof(fk));
	fk.threads = NTHREADS;
	for (u32 i = 0; i < MEM_SIZE; i++) {
		fk.mem[i] = (u8)(i * 7 + 3);
	}
	for (u32 t = 1; t <= NTHREADS; t++) {
		for (u32 r = 0; r < GDB_NUM_REGS; r++) {
			fk.regs[t][r] = reg_pattern(t, r);
		}
	}
	gdb_session_init(&sess, &fk_ops);
	stop_at(1, 5, GDB_STOP_PLAIN, 0);
	return 0;
}

static int teardown(void **state)
{
	assert_int_equal(fk.violations, 0);
	return 0;
}

/* ---- talking to the stub ---------------------------------------------- */

#define MAX_REPLIES 8

static struct {
	char acks[64];
	size_t nacks;
	size_t npkts;
	char pkt[MAX_REPLIES][GDB_PACKET_MAX + 1];
	size_t len[MAX_REPLIES];
	size_t raw_len[MAX_REPLIES];
} rep;

static u32 nactions;

static int hexv(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

static bool must_escape(u8 c)
{
	return c == '$' || c == '#' || c == '}' || c == '*';
}

/* Parses one "$payload#cs" at fk.out[*pos]; checks framing and checksum. */
static void parse_packet(size_t *pos)
{
	char *p = rep.pkt[rep.npkts];
	size_t i = *pos, n = 0, raw = 0;
	u8 sum = 0;
	int hi, lo;

	assert_true(rep.npkts < MAX_REPLIES);
	for (;;) {
		u8 c;

		assert_true(i < fk.out_len);
		c = fk.out[i++];
		if (c == '#') {
			break;
		}
		/* '*' would start run-length encoding in gdb's reader. */
		assert_true(c != '$' && c != '*');
		sum += c;
		raw++;
		if (c == '}') {
			assert_true(i < fk.out_len);
			c = fk.out[i++];
			sum += c;
			raw++;
			c ^= 0x20;
			assert_true(must_escape(c));
		}
		assert_true(n < GDB_PACKET_MAX);
		p[n++] = (char)c;
	}
	assert_true(raw <= GDB_PACKET_MAX);
	assert_true(i + 2 <= fk.out_len);
	hi = hexv(fk.out[i]);
	lo = hexv(fk.out[i + 1]);
	assert_true(hi >= 0 && lo >= 0);
	assert_int_equal(hi << 4 | lo, sum);
	p[n] = 0;
	rep.len[rep.npkts] = n;
	rep.raw_len[rep.npkts] = raw;
	rep.npkts++;
	*pos = i + 2;
}

/* Splits the stub's output into acks and packets; nothing else may appear. */
static void parse_output(void)
{
	size_t i = 0;

	memset(&rep, 0, sizeof(rep));
	while (i < fk.out_len) {
		u8 c = fk.out[i++];

		if (c == '+' || c == '-') {
			assert_true(rep.nacks < sizeof(rep.acks) - 1);
			rep.acks[rep.nacks++] = (char)c;
			continue;
		}
		assert_int_equal(c, '$');
		parse_packet(&i);
	}
	fk.out_len = 0;
}

/* Feeds raw bytes; returns the last action any of them produced. */
static enum gdb_action feed(const void *data, size_t len)
{
	const u8 *p = data;
	enum gdb_action act = GDB_ACTION_NONE;

	for (size_t i = 0; i < len; i++) {
		enum gdb_action a = gdb_feed(&sess, p[i]);

		if (a != GDB_ACTION_NONE) {
			act = a;
			nactions++;
		}
	}
	return act;
}

static enum gdb_action feed_str(const char *s)
{
	return feed(s, strlen(s));
}

static u8 frame_buf[3 * GDB_PACKET_MAX];

/* Frames data as gdb does; with escape, as gdb escapes X packet data. */
static size_t frame(const void *data, size_t len, bool escape)
{
	const u8 *d = data;
	size_t n = 0;
	u8 sum = 0;

	assert_true(2 * len + 4 <= sizeof(frame_buf));
	frame_buf[n++] = '$';
	for (size_t i = 0; i < len; i++) {
		u8 c = d[i];

		if (escape && must_escape(c)) {
			frame_buf[n++] = '}';
			sum += '}';
			c ^= 0x20;
		}
		frame_buf[n++] = c;
		sum += c;
	}
	n += (size_t)snprintf((char *)&frame_buf[n], 4, "#%02x", sum);
	return n;
}

static enum gdb_action send_pkt(const char *s)
{
	return feed(frame_buf, frame(s, strlen(s), false));
}

static enum gdb_action send_bin(const void *data, size_t len)
{
	return feed(frame_buf, frame(data, len, true));
}

/* Sends a packet and returns its one reply, checking the ack. */
static const char *cmd(const char *s)
{
	bool acked = !sess.no_ack;

	fk.out_len = 0;
	nactions = 0;
	assert_int_equal(send_pkt(s), GDB_ACTION_NONE);
	parse_output();
	assert_string_equal(rep.acks, acked ? "+" : "");
	assert_int_equal(rep.npkts, 1);
	return rep.pkt[0];
}

/* Sends a packet that resumes the target: an ack, no reply. */
static enum gdb_action cmd_act(const char *s)
{
	enum gdb_action act;

	fk.out_len = 0;
	nactions = 0;
	act = send_pkt(s);
	parse_output();
	assert_string_equal(rep.acks, sess.no_ack ? "" : "+");
	assert_int_equal(rep.npkts, 0);
	assert_int_equal(nactions, 1);
	return act;
}

/* Nothing at all may come out of the stub. */
static void expect_silence(void)
{
	parse_output();
	assert_int_equal(rep.nacks, 0);
	assert_int_equal(rep.npkts, 0);
}

#define EXPECT(pkt, want) assert_string_equal(cmd(pkt), want)

/* The session still serves: '?' answers the current (plain) stop. */
static void check_alive(void)
{
	char want[64];

	snprintf(want, sizeof(want), "T%02xthread:%x;", sess.stop.signal,
		 sess.stop.tid);
	EXPECT("?", want);
}

static void hex_encode(char *dst, const void *src, size_t n)
{
	const u8 *p = src;

	for (size_t i = 0; i < n; i++) {
		sprintf(dst + 2 * i, "%02x", p[i]);
	}
	dst[2 * n] = 0;
}

/* Little-endian hex of the low nbytes of v, zero-padded past 8 bytes. */
static void le_hex(char *dst, u64 v, size_t nbytes)
{
	for (size_t i = 0; i < nbytes; i++) {
		sprintf(dst + 2 * i, "%02x",
			i < 8 ? (unsigned int)((v >> (8 * i)) & 0xff) : 0u);
	}
	dst[2 * nbytes] = 0;
}

static size_t reg_offset(u32 regno)
{
	size_t off = 0;

	for (u32 r = 0; r < regno; r++) {
		off += reg_bytes(r);
	}
	return off;
}

static const struct bp_call *last_bp(void)
{
	assert_true(fk.bp_calls > 0 && fk.bp_calls <= MAX_BP_LOG);
	return &fk.bp_log[fk.bp_calls - 1];
}

static char big[2 * GDB_PACKET_MAX + 64];

/* ==== positive tests =================================================== */

static void test_stop_reply_plain(void **state)
{
	EXPECT("?", "T05thread:1;");
	stop_at(3, 2, GDB_STOP_PLAIN, 0);
	EXPECT("?", "T02thread:3;");
	stop_at(2, 11, GDB_STOP_PLAIN, 0);
	EXPECT("?", "T0bthread:2;");

	/* The stub sends the same reply unasked after a resume. */
	gdb_send_stop_reply(&sess);
	parse_output();
	assert_int_equal(rep.nacks, 0);
	assert_int_equal(rep.npkts, 1);
	assert_string_equal(rep.pkt[0], "T0bthread:2;");
}

static void test_stop_reply_breakpoints(void **state)
{
	stop_at(1, 5, GDB_STOP_SWBREAK, 0);
	EXPECT("?", "T05thread:1;swbreak:;");
	stop_at(2, 5, GDB_STOP_HWBREAK, 0);
	EXPECT("?", "T05thread:2;hwbreak:;");
}

static void test_stop_reply_watchpoints(void **state)
{
	stop_at(2, 5, GDB_STOP_WATCH, MEM_BASE + 0x800);
	EXPECT("?", "T05thread:2;watch:ffffff8000001800;");
	stop_at(3, 5, GDB_STOP_RWATCH, 0x10);
	EXPECT("?", "T05thread:3;rwatch:10;");
	stop_at(1, 5, GDB_STOP_AWATCH, 0);
	EXPECT("?", "T05thread:1;awatch:0;");
	stop_at(1, 5, GDB_STOP_AWATCH, ~0ULL);
	EXPECT("?", "T05thread:1;awatch:ffffffffffffffff;");
}

static void test_qsupported(void **state)
{
	static char r[256];
	const char *first = cmd("qSupported:multiprocess+;swbreak+;hwbreak+;"
			    "qRelocInsn+;fork-events+;vfork-events+;"
			    "exec-events+;vContSupported+;QThreadEvents+;"
			    "no-resumed+;xmlRegisters=i386");
	static const char *const want[] = {
		"PacketSize=1000", "qXfer:features:read+", "swbreak+",
		"hwbreak+", "QStartNoAckMode+", "vContSupported+",
	};

	assert_true(strlen(first) < sizeof(r));
	strcpy(r, first);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_non_null(strstr(r, want[i]));
	}
	/* PacketSize must match what the receive buffer really holds. */
	assert_int_equal(strtoul(strstr(r, "PacketSize=") + 11, NULL, 16),
			 GDB_PACKET_MAX);
	/* Not advertised, so gdb must not use the multiprocess syntax. */
	assert_null(strstr(r, "multiprocess+"));
	EXPECT("qSupported", r);
}

/* Reads target.xml in chunks of len, as gdb does; returns the document. */
static size_t read_target_xml(char *doc, size_t cap, u64 len)
{
	size_t total = 0;
	char q[96];

	for (int i = 0; i < 1000; i++) {
		const char *r;

		snprintf(q, sizeof(q),
			 "qXfer:features:read:target.xml:%zx,%llx", total, len);
		r = cmd(q);
		assert_true(r[0] == 'm' || r[0] == 'l');
		assert_true(rep.len[0] - 1 <= len);
		assert_true(total + rep.len[0] - 1 < cap);
		memcpy(doc + total, r + 1, rep.len[0] - 1);
		total += rep.len[0] - 1;
		if (r[0] == 'l') {
			doc[total] = 0;
			return total;
		}
		/* A short 'm' chunk is allowed only when capped by the stub. */
		assert_true(rep.len[0] - 1 == len ||
			    rep.len[0] - 1 == GDB_PACKET_MAX / 2);
	}
	fail_msg("target.xml never ended");
	return 0;
}

static void test_xfer_target_xml(void **state)
{
	static char doc[16384], doc2[16384];
	static const char *const names[] = { "rax", "rip", "eflags", "gs",
					     "st0", "st7", "fctrl", "fop",
					     "fs_base", "gs_base" };
	size_t n = read_target_xml(doc, sizeof(doc), 0xffb);
	const char *p = doc;
	int regs = 0;
	char q[96];

	assert_true(n > 1000);
	assert_int_equal(strncmp(doc, "<?xml version=\"1.0\"?>", 21), 0);
	assert_non_null(strstr(doc,
			       "<architecture>i386:x86-64</architecture>"));
	assert_non_null(strstr(doc, "org.gnu.gdb.i386.core"));
	assert_int_equal(strcmp(doc + n - strlen("</target>"), "</target>"), 0);
	while ((p = strstr(p, "<reg name=")) != NULL) {
		regs++;
		p++;
	}
	assert_int_equal(regs, GDB_NUM_REGS);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char tag[32];

		snprintf(tag, sizeof(tag), "<reg name=\"%s\"", names[i]);
		assert_non_null(strstr(doc, tag));
	}

	/* Small and oversized chunks reassemble to the same document. */
	assert_int_equal(read_target_xml(doc2, sizeof(doc2), 0x61), n);
	assert_string_equal(doc, doc2);
	assert_int_equal(read_target_xml(doc2, sizeof(doc2), 0x100000), n);
	assert_string_equal(doc, doc2);

	/* The last byte alone, then offsets at and past the end. */
	snprintf(q, sizeof(q), "qXfer:features:read:target.xml:%zx,10", n - 1);
	EXPECT(q, "l>");
	snprintf(q, sizeof(q), "qXfer:features:read:target.xml:%zx,10", n);
	EXPECT(q, "l");
	EXPECT("qXfer:features:read:target.xml:ffffffffffffffff,10", "l");
}

static void test_g_layout(void **state)
{
	const char *r = cmd("g");
	char want[24];

	assert_int_equal(reg_offset(GDB_NUM_REGS), G_BYTES);
	assert_int_equal(strlen(r), 2 * G_BYTES);
	for (u32 reg = 0; reg < GDB_NUM_REGS; reg++) {
		size_t off = 2 * reg_offset(reg);

		le_hex(want, reg_pattern(1, reg), reg_bytes(reg));
		assert_int_equal(strncmp(r + off, want, strlen(want)), 0);
	}
	/* rip at byte 128, eflags (4 bytes) right after it. */
	le_hex(want, fk.regs[1][GDB_REG_RIP], 8);
	assert_int_equal(strncmp(r + 2 * 128, want, 16), 0);
	le_hex(want, fk.regs[1][GDB_REG_EFLAGS], 4);
	assert_int_equal(strncmp(r + 2 * 136, want, 8), 0);
	/* x87 stack registers are never read: all zero. */
	for (size_t i = 2 * reg_offset(GDB_REG_ST0);
	     i < 2 * reg_offset(GDB_REG_FCTRL); i++) {
		assert_int_equal(r[i], '0');
	}
	assert_int_equal(strncmp(r + 2 * reg_offset(GDB_REG_FCTRL), "7f030000",
				 8), 0);
}

static void test_g_other_thread(void **state)
{
	char want[24];
	const char *r;

	EXPECT("Hg3", "OK");
	r = cmd("g");
	le_hex(want, reg_pattern(3, GDB_REG_RSP), 8);
	assert_int_equal(strncmp(r + 2 * reg_offset(GDB_REG_RSP), want, 16),
			 0);
}

static void test_G_round_trip(void **state)
{
	static char g1[2 * G_BYTES + 1], pkt[2 * G_BYTES + 2];

	strcpy(g1, cmd("g"));
	/* New rax and eflags; write back everything else unchanged. */
	memcpy(g1, "0807060504030201", 16);
	memcpy(g1 + 2 * reg_offset(GDB_REG_EFLAGS), "02030000", 8);
	snprintf(pkt, sizeof(pkt), "G%s", g1);
	EXPECT(pkt, "OK");
	assert_true(fk.regs[1][GDB_REG_RAX] == 0x0102030405060708ULL);
	assert_true(fk.regs[1][GDB_REG_EFLAGS] == 0x302);
	assert_true(fk.regs[1][GDB_REG_FS_BASE] ==
		    reg_pattern(1, GDB_REG_FS_BASE));
	assert_true(fk.regs[2][GDB_REG_RAX] == reg_pattern(2, GDB_REG_RAX));
	EXPECT("g", g1);
	/* Uppercase hex is accepted too. */
	for (char *c = pkt; *c; c++) {
		if (*c >= 'a' && *c <= 'f') {
			*c = (char)(*c - 'a' + 'A');
		}
	}
	pkt[0] = 'G';
	EXPECT(pkt, "OK");
	EXPECT("g", g1);
}

static void test_p_P(void **state)
{
	char want[32], q[64];
	static const u32 regs[] = { GDB_REG_RAX, GDB_REG_R15, GDB_REG_RIP,
				    GDB_REG_EFLAGS, GDB_REG_CS,
				    GDB_REG_FS_BASE, GDB_REG_GS_BASE,
				    GDB_REG_FCTRL };

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		snprintf(q, sizeof(q), "p%x", regs[i]);
		le_hex(want, reg_pattern(1, regs[i]), reg_bytes(regs[i]));
		EXPECT(q, want);
	}
	EXPECT("p11", "f6e5d4c3"); /* eflags: 4 bytes */
	EXPECT("p18", "00000000000000000000"); /* st0: 10 bytes of zero */

	EXPECT("P0=efcdab8967452301", "OK");
	assert_true(fk.regs[1][GDB_REG_RAX] == 0x0123456789abcdefULL);
	EXPECT("p0", "efcdab8967452301");
	EXPECT("P11=46020000", "OK");
	assert_true(fk.regs[1][GDB_REG_EFLAGS] == 0x246);
	EXPECT("p11", "46020000");
	EXPECT("P28=0010000080ffffff", "OK");
	assert_true(fk.regs[1][GDB_REG_FS_BASE] == 0xffffff8000001000ULL);
	EXPECT("p28", "0010000080ffffff");
	/* st0 is accepted and dropped, as the kernel keeps no x87 state. */
	EXPECT("P18=0102030405060708090a", "OK");
	EXPECT("p18", "00000000000000000000");

	/* Hg selects the thread p/P work on. */
	EXPECT("Hg2", "OK");
	le_hex(want, reg_pattern(2, GDB_REG_RIP), 8);
	EXPECT("p10", want);
	EXPECT("P10=1111111111111111", "OK");
	assert_true(fk.regs[2][GDB_REG_RIP] == 0x1111111111111111ULL);
	assert_true(fk.regs[1][GDB_REG_RIP] == reg_pattern(1, GDB_REG_RIP));
}

static void test_m_M(void **state)
{
	char want[64];

	hex_encode(want, fk.mem, 16);
	EXPECT("mffffff8000001000,10", want);
	hex_encode(want, fk.mem + 0x123, 3);
	EXPECT("mFFFFFF8000001123,3", want);
	EXPECT("Mffffff8000001100,4:deadBEEF", "OK");
	assert_int_equal(memcmp(fk.mem + 0x100, "\xde\xad\xbe\xef", 4), 0);
	EXPECT("mffffff8000001100,4", "deadbeef");
	/* Zero-length accesses succeed and touch nothing. */
	EXPECT("mffffff8000001100,0", "");
	EXPECT("Mffffff8000001100,0:", "OK");
	/* Memory goes through the Hg thread. */
	EXPECT("Hg2", "OK");
	EXPECT("mffffff8000001100,1", "de");
	assert_int_equal(fk.last_mem_tid, 2);
}

static void test_X_binary(void **state)
{
	static const u8 data[] = { '}', '#', '$', '*', 0, 0xff, 0x03, 'X',
				   0x7d ^ 0x20, ':', ',' };
	u8 pkt[64];
	size_t hdr;

	/* gdb's probe for X support. */
	EXPECT("Xffffff8000001000,0:", "OK");

	hdr = (size_t)sprintf((char *)pkt, "Xffffff8000001200,%zx:",
			      sizeof(data));
	memcpy(pkt + hdr, data, sizeof(data));
	fk.out_len = 0;
	assert_int_equal(send_bin(pkt, hdr + sizeof(data)), GDB_ACTION_NONE);
	parse_output();
	assert_string_equal(rep.acks, "+");
	assert_string_equal(rep.pkt[0], "OK");
	assert_int_equal(memcmp(fk.mem + 0x200, data, sizeof(data)), 0);
	EXPECT("mffffff8000001200,b", "7d23242a00ff03585d3a2c");
}

static void test_X_large(void **state)
{
	static u8 pkt[GDB_PACKET_MAX];
	size_t hdr, n = 0xf00;

	hdr = (size_t)sprintf((char *)pkt, "Xffffff8000001000,%zx:", n);
	for (size_t i = 0; i < n; i++) {
		pkt[hdr + i] = (u8)(i ^ 0x5a);
	}
	fk.out_len = 0;
	send_bin(pkt, hdr + n);
	parse_output();
	assert_string_equal(rep.pkt[0], "OK");
	assert_int_equal(memcmp(fk.mem, pkt + hdr, n), 0);
}

static void test_m_capped(void **state)
{
	const char *r = cmd("mffffff8000001000,ffff");

	/* gdb asks again for the rest; the reply must fit its buffer. */
	assert_int_equal(strlen(r), 2 * MAX_MEM_XFER);
	assert_true(rep.raw_len[0] <= GDB_PACKET_MAX);
	hex_encode(big, fk.mem, MAX_MEM_XFER);
	assert_string_equal(r, big);

	r = cmd("mffffff8000001000,ffffffffffffffff");
	assert_int_equal(strlen(r), 2 * MAX_MEM_XFER);
}

static void test_m_partial_at_end(void **state)
{
	char want[16];

	hex_encode(want, fk.mem + MEM_SIZE - 4, 4);
	EXPECT("mffffff8000001ffc,10", want);
	hex_encode(want, fk.mem + MEM_SIZE - 1, 1);
	EXPECT("mffffff8000001fff,800", want);
}

static void test_continue_step(void **state)
{
	assert_int_equal(cmd_act("c"), GDB_ACTION_RESUME);
	assert_int_equal(sess.resume, GDB_RESUME_CONTINUE);
	assert_false(sess.resume_has_addr);
	assert_int_equal(sess.resume_tid, 1);

	assert_int_equal(cmd_act("cffffff8000001010"), GDB_ACTION_RESUME);
	assert_int_equal(sess.resume, GDB_RESUME_CONTINUE);
	assert_true(sess.resume_has_addr);
	assert_true(sess.resume_addr == 0xffffff8000001010ULL);

	assert_int_equal(cmd_act("s"), GDB_ACTION_RESUME);
	assert_int_equal(sess.resume, GDB_RESUME_STEP);
	assert_false(sess.resume_has_addr);

	assert_int_equal(cmd_act("s1234"), GDB_ACTION_RESUME);
	assert_int_equal(sess.resume, GDB_RESUME_STEP);
	assert_true(sess.resume_has_addr);
	assert_true(sess.resume_addr == 0x1234);

	/* Hc picks the thread to resume; a new stop forgets it. */
	EXPECT("Hc2", "OK");
	assert_int_equal(cmd_act("s"), GDB_ACTION_RESUME);
	assert_int_equal(sess.resume_tid, 2);
	stop_at(3, 5, GDB_STOP_PLAIN, 0);
	assert_int_equal(cmd_act("s"), GDB_ACTION_RESUME);
	assert_int_equal(sess.resume_tid, 3);
}

static void test_continue_step_signal(void **state)
{
	assert_int_equal(cmd_act("C05"), GDB_ACTION_RESUME);
	assert_int_equal(sess.resume, GDB_RESUME_CONTINUE);
	assert_false(sess.resume_has_addr);

	assert_int_equal(cmd_act("C0b;ffffff8000001020"), GDB_ACTION_RESUME);
	assert_int_equal(sess.resume, GDB_RESUME_CONTINUE);
	assert_true(sess.resume_has_addr);
	assert_true(sess.resume_addr == 0xffffff8000001020ULL);

	assert_int_equal(cmd_act("S02"), GDB_ACTION_RESUME);
	assert_int_equal(sess.resume, GDB_RESUME_STEP);
	assert_false(sess.resume_has_addr);

	assert_int_equal(cmd_act("S05;40"), GDB_ACTION_RESUME);
	assert_int_equal(sess.resume, GDB_RESUME_STEP);
	assert_true(sess.resume_has_addr && sess.resume_addr == 0x40);
}

static void test_vcont(void **state)
{
	EXPECT("vCont?", "vCont;c;C;s;S");

	assert_int_equal(cmd_act("vCont;c"), GDB_ACTION_RESUME);
	assert_int_equal(sess.resume, GDB_RESUME_CONTINUE);
	assert_false(sess.resume_has_addr);

	assert_int_equal(cmd_act("vCont;s:2;c"), GDB_ACTION_RESUME);
	assert_int_equal(sess.resume, GDB_RESUME_STEP);
	assert_int_equal(sess.resume_tid, 2);

	assert_int_equal(cmd_act("vCont;S05:3;c"), GDB_ACTION_RESUME);
	assert_int_equal(sess.resume, GDB_RESUME_STEP);
	assert_int_equal(sess.resume_tid, 3);

	assert_int_equal(cmd_act("vCont;c:-1"), GDB_ACTION_RESUME);
	assert_int_equal(sess.resume, GDB_RESUME_CONTINUE);

	assert_int_equal(cmd_act("vCont;C02"), GDB_ACTION_RESUME);
	assert_int_equal(sess.resume, GDB_RESUME_CONTINUE);

	assert_int_equal(cmd_act("vCont;s"), GDB_ACTION_RESUME);
	assert_int_equal(sess.resume, GDB_RESUME_STEP);
	assert_int_equal(sess.resume_tid, 1);
}

static void test_set_thread(void **state)
{
	EXPECT("Hg2", "OK");
	assert_int_equal(sess.g_tid, 2);
	EXPECT("Hg3", "OK");
	assert_int_equal(sess.g_tid, 3);
	/* "any" and "all" mean the thread that stopped. */
	EXPECT("Hg0", "OK");
	assert_int_equal(sess.g_tid, 1);
	EXPECT("Hg3", "OK");
	EXPECT("Hg-1", "OK");
	assert_int_equal(sess.g_tid, 1);

	EXPECT("Hc2", "OK");
	assert_int_equal(sess.c_tid, 2);
	EXPECT("Hc-1", "OK");
	assert_int_equal(sess.c_tid, 0);
	EXPECT("Hc3", "OK");
	EXPECT("Hc0", "OK");
	assert_int_equal(sess.c_tid, 0);

	/* "Any" follows the thread of the latest stop, not thread 1. */
	stop_at(3, 5, GDB_STOP_PLAIN, 0);
	EXPECT("Hg2", "OK");
	EXPECT("Hg0", "OK");
	assert_int_equal(sess.g_tid, 3);
	EXPECT("Hg2", "OK");
	EXPECT("Hg-1", "OK");
	assert_int_equal(sess.g_tid, 3);
}

static void test_thread_alive(void **state)
{
	EXPECT("T1", "OK");
	EXPECT("T2", "OK");
	EXPECT("T3", "OK");
	EXPECT("T4", "E02");
	EXPECT("Tffffffff", "E02");
}

static void test_thread_queries(void **state)
{
	char want[32];

	EXPECT("qfThreadInfo", "m1,2,3");
	EXPECT("qsThreadInfo", "l");
	EXPECT("qC", "QC1");
	EXPECT("qAttached", "1");
	hex_encode(want, "CPU 0", 5);
	EXPECT("qThreadExtraInfo,1", want);
	hex_encode(want, "CPU 2", 5);
	EXPECT("qThreadExtraInfo,3", want);
	stop_at(2, 5, GDB_STOP_PLAIN, 0);
	EXPECT("qC", "QC2");

	fk.threads = 1;
	EXPECT("qfThreadInfo", "m1");
}

static void test_many_threads(void **state)
{
	char want[64];

	/* CPU indexes keep all their digits past 9 and 99. */
	fk.threads = 300;
	hex_encode(want, "CPU 10", 6);
	EXPECT("qThreadExtraInfo,b", want);
	hex_encode(want, "CPU 199", 7);
	EXPECT("qThreadExtraInfo,c8", want);
	hex_encode(want, "CPU 299", 7);
	EXPECT("qThreadExtraInfo,12c", want);
	assert_int_equal(strncmp(cmd("qfThreadInfo"), "m1,2,3,", 7), 0);
	assert_non_null(strstr(rep.pkt[0], ",12b,12c"));
	EXPECT("T12c", "OK");
	EXPECT("T12d", "E02");
}

static void test_breakpoints(void **state)
{
	static const struct {
		const char *pkt;
		enum gdb_bp_type type;
		u64 addr;
		u32 len;
		bool insert;
	} cases[] = {
		{ "Z0,ffffff8000001010,1", GDB_BP_SOFTWARE,
		  0xffffff8000001010ULL, 1, true },
		{ "z0,ffffff8000001010,1", GDB_BP_SOFTWARE,
		  0xffffff8000001010ULL, 1, false },
		{ "Z1,ffffff8000001020,1", GDB_BP_HARDWARE,
		  0xffffff8000001020ULL, 1, true },
		{ "Z2,ffffff8000001800,8", GDB_WATCH_WRITE,
		  0xffffff8000001800ULL, 8, true },
		{ "Z3,ffffff8000001804,4", GDB_WATCH_READ,
		  0xffffff8000001804ULL, 4, true },
		{ "Z4,ffffff8000001802,2", GDB_WATCH_ACCESS,
		  0xffffff8000001802ULL, 2, true },
		{ "z4,ffffff8000001802,2", GDB_WATCH_ACCESS,
		  0xffffff8000001802ULL, 2, false },
		{ "z3,ffffff8000001804,4", GDB_WATCH_READ,
		  0xffffff8000001804ULL, 4, false },
		{ "z2,ffffff8000001800,8", GDB_WATCH_WRITE,
		  0xffffff8000001800ULL, 8, false },
		{ "z1,ffffff8000001020,1", GDB_BP_HARDWARE,
		  0xffffff8000001020ULL, 1, false },
		/* Target-side conditions are not supported: ignored. */
		{ "Z0,ffffff8000001030,1;X3,220c01", GDB_BP_SOFTWARE,
		  0xffffff8000001030ULL, 1, true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bp_call *b;

		EXPECT(cases[i].pkt, "OK");
		b = last_bp();
		assert_int_equal(b->type, cases[i].type);
		assert_true(b->addr == cases[i].addr);
		assert_int_equal(b->len, cases[i].len);
		assert_int_equal(b->insert, cases[i].insert);
	}
	for (int i = 0; i < MAX_HW; i++) {
		assert_false(fk.hw[i].used);
	}
	/* Four hardware slots are all usable. */
	EXPECT("Z1,ffffff8000001000,1", "OK");
	EXPECT("Z2,ffffff8000001808,8", "OK");
	EXPECT("Z3,ffffff8000001810,1", "OK");
	EXPECT("Z4,ffffff8000001818,8", "OK");
	/* Unknown breakpoint kinds are unsupported, not an error. */
	fk.bp_calls = 0;
	EXPECT("Z5,ffffff8000001000,1", "");
	EXPECT("z9,ffffff8000001000,1", "");
	assert_int_equal(fk.bp_calls, 0);
}

static void test_detach_kill(void **state)
{
	enum gdb_action act;

	fk.out_len = 0;
	act = send_pkt("D");
	parse_output();
	assert_int_equal(act, GDB_ACTION_DETACH);
	assert_string_equal(rep.acks, "+");
	assert_int_equal(rep.npkts, 1);
	assert_string_equal(rep.pkt[0], "OK");

	/* 'k' has no reply. */
	assert_int_equal(cmd_act("k"), GDB_ACTION_KILL);
}

static void test_no_ack_mode(void **state)
{
	EXPECT("QStartNoAckMode", "OK");
	assert_true(sess.no_ack);
	/* gdb acks the OK; the stub must ignore it. */
	feed_str("+");
	expect_silence();
	EXPECT("?", "T05thread:1;");
	assert_int_equal(strlen(cmd("g")), 2 * G_BYTES);
	assert_int_equal(cmd_act("c"), GDB_ACTION_RESUME);
}

static void test_unknown_packets(void **state)
{
	static const char *const unknown[] = {
		"vMustReplyEmpty", "qTStatus", "qOffsets", "qSymbol::",
		"QThreadEvents:1", "QNonStop:1", "vFile:setfs:0", "vKill;1",
		"!", "x", "bc", "qCRC:0,1", "qCa", "qL1",
		"jThreadsInfo", "\x7f", "qXfer:exec-file:read:1:0,100",
	};

	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		EXPECT(unknown[i], "");
	}
	/* An empty packet gets an empty reply too, whatever came before. */
	check_alive();
	EXPECT("", "");
	check_alive();
}

static void test_send_packet_escapes(void **state)
{
	static const char payload[] = "a$b#c}d*e";

	gdb_send_packet(&sess, payload, sizeof(payload) - 1);
	assert_int_equal(fk.out_len, 1 + 9 + 4 + 3);
	assert_int_equal(memcmp(fk.out, "$a}\x04" "b}\x03" "c}]d}\x0a" "e#",
				15), 0);
	parse_output();
	assert_string_equal(rep.pkt[0], payload);
}

static void test_retransmitted_packets(void **state)
{
	/* gdb resends a packet whose ack it lost: harmless twice. */
	EXPECT("Mffffff8000001100,2:abcd", "OK");
	EXPECT("Mffffff8000001100,2:abcd", "OK");
	EXPECT("Z0,ffffff8000001010,1", "OK");
	EXPECT("Z0,ffffff8000001010,1", "OK");
	assert_true(fk.sw[0].used);
	assert_false(fk.sw[1].used);
	EXPECT("z0,ffffff8000001010,1", "OK");
	assert_false(fk.sw[0].used);

	/* A '-' gets the same packet again, which is then served once. */
	fk.out_len = 0;
	feed_str("$Mffffff8000001104,1:77#00");
	parse_output();
	assert_string_equal(rep.acks, "-");
	assert_int_equal(rep.npkts, 0);
	assert_int_equal(fk.mem[0x104], (u8)(0x104 * 7 + 3));
	EXPECT("Mffffff8000001104,1:77", "OK");
	assert_int_equal(fk.mem[0x104], 0x77);
	assert_int_equal(sess.bad_checksums, 1);
}

static void test_acks_and_ctrl_c_between_packets(void **state)
{
	/* gdb's acks of our replies, and ^C while already stopped. */
	feed_str("+++-\x03+");
	expect_silence();
	assert_int_equal(sess.packets, 0);
	check_alive();
	assert_int_equal(sess.packets, 1);
}

static void test_full_size_packet(void **state)
{
	static char q[GDB_PACKET_MAX + 1];

	/* Exactly GDB_PACKET_MAX bytes still fit. */
	memset(q, 'a', GDB_PACKET_MAX);
	q[0] = 'q';
	q[GDB_PACKET_MAX] = 0;
	EXPECT(q, "");
	check_alive();
}

/* ==== negative tests =================================================== */

static void test_bad_checksum(void **state)
{
	fk.out_len = 0;
	feed_str("$?#3e");
	parse_output();
	assert_string_equal(rep.acks, "-");
	assert_int_equal(rep.npkts, 0);
	assert_int_equal(sess.bad_checksums, 1);
	assert_int_equal(sess.packets, 0);
	/* A wrong checksum on a resume packet must not resume. */
	nactions = 0;
	feed_str("$c#62");
	parse_output();
	assert_string_equal(rep.acks, "-");
	assert_int_equal(nactions, 0);
	check_alive();
}

static void test_non_hex_checksum(void **state)
{
	/*
	 * The last two would pass if a non-hex digit counted as 0: their
	 * payloads sum to 0x70 and 0x05.
	 */
	static const char *const bad[] = { "$?#zz", "$?#3g", "$?#g3",
					   "$?# 3f", "$?#\xff\xff", "$?1#7z",
					   "$?\xc6#z5" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fk.out_len = 0;
		feed_str(bad[i]);
		parse_output();
		assert_string_equal(rep.acks, "-");
		assert_int_equal(rep.npkts, 0);
		check_alive();
	}
	/* Uppercase checksum digits are valid. */
	fk.out_len = 0;
	feed_str("$qC#B4");
	parse_output();
	assert_string_equal(rep.acks, "+");
	assert_string_equal(rep.pkt[0], "QC1");
}

static void test_oversized_packet(void **state)
{
	static char q[GDB_PACKET_MAX + 64];

	memset(q, 'a', sizeof(q) - 1);
	q[0] = 'm';
	q[sizeof(q) - 1] = 0;
	EXPECT(q, "E01");
	check_alive();
	/* One byte over is enough. */
	memset(q, '0', GDB_PACKET_MAX + 1);
	q[0] = 'X';
	q[GDB_PACKET_MAX + 1] = 0;
	EXPECT(q, "E01");
	check_alive();
	EXPECT("mffffff8000001000,2", "030a");
}

static void test_oversized_escaped_packet(void **state)
{
	/* 4097 escaped bytes: 8194 on the wire, one over once unescaped. */
	fk.out_len = 0;
	memset(big, '}', GDB_PACKET_MAX + 1);
	send_bin(big, GDB_PACKET_MAX + 1);
	parse_output();
	assert_string_equal(rep.acks, "+");
	assert_string_equal(rep.pkt[0], "E01");
	check_alive();
	/* 4096 of them fit (and are an unknown packet). */
	fk.out_len = 0;
	send_bin(big, GDB_PACKET_MAX);
	parse_output();
	assert_string_equal(rep.pkt[0], "");
	check_alive();
}

static void test_oversized_bad_checksum(void **state)
{
	static char q[GDB_PACKET_MAX + 64];

	/* With a bad checksum it is just a bad packet: no E01. */
	fk.out_len = 0;
	feed_str("$");
	memset(q, 'a', sizeof(q) - 1);
	feed(q, sizeof(q) - 1);
	feed_str("#00");
	parse_output();
	assert_string_equal(rep.acks, "-");
	assert_int_equal(rep.npkts, 0);
	assert_int_equal(sess.bad_checksums, 1);
	check_alive();
}

static void test_garbage_between_packets(void **state)
{
	static const u8 junk[] = { 'x', 0, 0xff, '#', '3', 'f', '}', 0x80,
				   '\r', '\n', '*' };

	fk.out_len = 0;
	feed(junk, sizeof(junk));
	expect_silence();
	check_alive();
	feed(junk, sizeof(junk));
	fk.out_len = 0;
	feed_str("$qC#b4garbage$?#3f");
	parse_output();
	assert_string_equal(rep.acks, "++");
	assert_int_equal(rep.npkts, 2);
	assert_string_equal(rep.pkt[0], "QC1");
	assert_string_equal(rep.pkt[1], "T05thread:1;");
}

static void test_dollar_restarts_packet(void **state)
{
	/* The first, interrupted packet is dropped without an answer. */
	fk.out_len = 0;
	feed_str("$mffffff8000001000,10$?#3f");
	parse_output();
	assert_string_equal(rep.acks, "+");
	assert_int_equal(rep.npkts, 1);
	assert_string_equal(rep.pkt[0], "T05thread:1;");
	/* Also in the middle of an escape. */
	fk.out_len = 0;
	feed_str("$X0,1:}$?#3f");
	parse_output();
	assert_string_equal(rep.pkt[0], "T05thread:1;");
}

static void test_escaped_hash_does_not_end_packet(void **state)
{
	/* "}#" is data (0x03), so "#3f" after it is body too. */
	fk.out_len = 0;
	feed_str("$?}#3f");
	expect_silence();
	feed_str("#00");
	parse_output();
	assert_string_equal(rep.acks, "-");
	check_alive();
	/* Left hanging, the next '$' resyncs. */
	fk.out_len = 0;
	feed_str("$abc}#");
	expect_silence();
	check_alive();
}

static void test_dollar_in_checksum(void **state)
{
	/* A '$' where the checksum should be: a bad packet, then resync. */
	fk.out_len = 0;
	feed_str("$?#$?#3f");
	parse_output();
	assert_string_equal(rep.acks, "-");
	assert_int_equal(rep.npkts, 0);
	check_alive();
	fk.out_len = 0;
	feed_str("$?#3$");
	parse_output();
	assert_string_equal(rep.acks, "-");
	check_alive();
}

static void test_numbers_too_long(void **state)
{
	EXPECT("m1ffffff8000001000,10", "E16");
	check_alive();
	EXPECT("m00000000000000001,1", "E16");
	check_alive();
	EXPECT("mffffff8000001000,10000000000000000", "E16");
	check_alive();
	EXPECT("p00000000000000000", "E16");
	check_alive();
	EXPECT("Z0,1ffffff8000001000,1", "E16");
	check_alive();
	EXPECT("Mffffff8000001000,00000000000000001:00", "E16");
	check_alive();
	EXPECT("qXfer:features:read:target.xml:0,10000000000000000", "E16");
	check_alive();
	EXPECT("Hg100000000", "E16");
	check_alive();
	EXPECT("T10000000000000001", "E16");
	check_alive();
	EXPECT("C100000000000000005", "E16");
	check_alive();
	/* Sixteen digits are fine. */
	EXPECT("m000000000000ffff,1", "E14");
}

static void test_missing_separators(void **state)
{
	static const char *const bad[] = {
		"mffffff8000001000", "mffffff8000001000,", "m,10", "m",
		"mffffff8000001000;10", "mffffff8000001000,10,",
		"Mffffff8000001000,1", "Mffffff8000001000,100",
		"Mffffff8000001000:00", "Xffffff8000001000,1",
		"Z0ffffff8000001010,1", "Z0,ffffff8000001010", "Z",
		"Z0,ffffff8000001010;1", "z,ffffff8000001010,1",
		"P0", "P0:0000000000000000", "P=0000000000000000",
		"pg", "p", "p0,1",
		"qXfer:features:read:target.xml:0", "qThreadExtraInfo",
		"qThreadExtraInfo,", "qThreadExtraInfo,1x",
		"T", "Tx", "H", "Hg", "Hgx", "Hx1", "H1",
		"c;", "cxyz", "s,1", "C", "Cxx", "C05:10",
		"S05;1;2", "vCont;", "vCont;c:", "vCont;cc", "vCont;c;",
		"vCont;C", "vCont;s:", "vCont;c:2x", "vContx",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *r, *want;

		fk.out_len = 0;
		nactions = 0;
		send_pkt(bad[i]);
		parse_output();
		assert_string_equal(rep.acks, "+");
		assert_int_equal(rep.npkts, 1);
		r = rep.pkt[0];
		/* These two are not known packets at all. */
		want = !strcmp(bad[i], "vContx") ||
			       !strcmp(bad[i], "qThreadExtraInfo") ?
			       "" : "E16";
		if (strcmp(r, want)) {
			fail_msg("%s -> \"%s\", want \"%s\"", bad[i], r,
				 want);
		}
		assert_int_equal(nactions, 0);
		check_alive();
	}
	assert_int_equal(fk.bp_calls, 0);
}

static void test_m_unmapped(void **state)
{
	EXPECT("m0,10", "E14");
	check_alive();
	EXPECT("mffffff8000000fff,1", "E14");
	check_alive();
	EXPECT("mffffff8000000ff0,20", "E14"); /* starts before the mapping */
	check_alive();
	EXPECT("mffffff8000002000,1", "E14");
	check_alive();
	EXPECT("mffffffffffffffff,10", "E14"); /* wraps around */
	check_alive();
}

static void test_M_bad(void **state)
{
	u8 before[MEM_SIZE];

	memcpy(before, fk.mem, sizeof(before));
	EXPECT("Mffffff8000001000,4:001122", "E16");
	check_alive();
	EXPECT("Mffffff8000001000,1:0011", "E16");
	check_alive();
	EXPECT("Mffffff8000001000,2:00112", "E16"); /* odd hex digits */
	check_alive();
	EXPECT("Mffffff8000001000,1:0", "E16");
	check_alive();
	EXPECT("Mffffff8000001000,2:00xy", "E16");
	check_alive();
	EXPECT("Mffffff8000001000,1:g0", "E16");
	check_alive();
	EXPECT("Mffffff8000001000,1001:00", "E16"); /* over the buffer */
	check_alive();
	EXPECT("Mffffff8000002000,1:00", "E14");
	check_alive();
	EXPECT("M0,1:00", "E14");
	check_alive();
	assert_int_equal(memcmp(before, fk.mem, sizeof(before)), 0);
}

static void test_X_length_mismatch(void **state)
{
	static const u8 data[] = { 'X', '1', ',', '2', ':', '}', 'a' };
	u8 before[MEM_SIZE];

	memcpy(before, fk.mem, sizeof(before));
	EXPECT("Xffffff8000001000,2:a", "E16");
	check_alive();
	EXPECT("Xffffff8000001000,1:ab", "E16");
	check_alive();
	EXPECT("Xffffff8000001000,1001:a", "E16");
	check_alive();
	/* An escape pair is one byte: "}a" is 0x41, so 1 byte, not 2. */
	fk.out_len = 0;
	feed(frame_buf, frame(data, sizeof(data), false));
	parse_output();
	assert_string_equal(rep.pkt[0], "E16");
	check_alive();
	assert_int_equal(memcmp(before, fk.mem, sizeof(before)), 0);
}

static void test_X_past_end(void **state)
{
	EXPECT("Xffffff8000001ffe,4:abcd", "E14");
	check_alive();
	EXPECT("Xffffff8000002000,1:a", "E14");
	check_alive();
	EXPECT("Xffffffffffffffff,2:ab", "E14");
	check_alive();
	EXPECT("Mffffff8000001fff,2:0102", "E14");
	check_alive();
}

static void test_Z0_outside_text(void **state)
{
	EXPECT("Z0,ffffff8000001800,1", "E16");
	check_alive();
	EXPECT("Z0,0,1", "E16");
	check_alive();
	assert_int_equal(last_bp()->type, GDB_BP_SOFTWARE);
	for (int i = 0; i < MAX_SW; i++) {
		assert_false(fk.sw[i].used);
	}
}

static void test_hw_breakpoint_slots_exhausted(void **state)
{
	EXPECT("Z2,ffffff8000001800,8", "OK");
	EXPECT("Z3,ffffff8000001808,8", "OK");
	EXPECT("Z4,ffffff8000001810,8", "OK");
	EXPECT("Z1,ffffff8000001000,1", "OK");
	EXPECT("Z2,ffffff8000001818,8", "E1c");
	check_alive();
	EXPECT("Z1,ffffff8000001001,1", "E1c");
	check_alive();
	/* Freeing one makes room again. */
	EXPECT("z3,ffffff8000001808,8", "OK");
	EXPECT("Z2,ffffff8000001818,8", "OK");
}

static void test_sw_breakpoint_slots_exhausted(void **state)
{
	char q[64];

	for (int i = 0; i < MAX_SW; i++) {
		snprintf(q, sizeof(q), "Z0,%llx,1", MEM_BASE + (u64)i);
		EXPECT(q, "OK");
	}
	snprintf(q, sizeof(q), "Z0,%llx,1", MEM_BASE + MAX_SW);
	EXPECT(q, "E1c");
	check_alive();
}

static void test_watch_bad_length(void **state)
{
	static const char *const bad[] = {
		"Z2,ffffff8000001800,3", "Z3,ffffff8000001800,0",
		"Z4,ffffff8000001800,10", "Z2,ffffff8000001802,4",
		"Z3,ffffff8000001801,2", "Z4,ffffff8000001804,8",
		"Z2,ffffff8000001800,100000001",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT(bad[i], "E16");
		check_alive();
	}
	for (int i = 0; i < MAX_HW; i++) {
		assert_false(fk.hw[i].used);
	}
}

static void test_p_out_of_range(void **state)
{
	EXPECT("p2a", "E16");
	check_alive();
	EXPECT("p2b", "E16");
	check_alive();
	EXPECT("pffffffff", "E16");
	check_alive();
	EXPECT("p100000000", "E16");
	check_alive();
	EXPECT("P2a=0000000000000000", "E16");
	check_alive();
	EXPECT("Pffffffffffffffff=00000000", "E16");
	check_alive();
}

static void test_P_bad_data(void **state)
{
	EXPECT("P0=00112233445566", "E16"); /* 7 of 8 bytes */
	check_alive();
	EXPECT("P11=002200", "E16"); /* 3 of 4 bytes */
	check_alive();
	EXPECT("P11=0022003", "E16");
	check_alive();
	EXPECT("P0=001122334455667788", "E16"); /* one byte too many */
	check_alive();
	EXPECT("P0=", "E16");
	check_alive();
	EXPECT("P0=00112233445566zz", "E16");
	check_alive();
	EXPECT("P18=000000000000000000", "E16"); /* st0 needs 10 bytes */
	check_alive();
	assert_true(fk.regs[1][GDB_REG_RAX] == reg_pattern(1, GDB_REG_RAX));
	assert_true(fk.regs[1][GDB_REG_EFLAGS] ==
		    reg_pattern(1, GDB_REG_EFLAGS));
}

static void test_G_bad_data(void **state)
{
	static char g1[2 * G_BYTES + 1], pkt[2 * G_BYTES + 8];

	strcpy(g1, cmd("g"));
	/* Short by one byte, by one digit, and one byte too long. */
	snprintf(pkt, sizeof(pkt), "G%.*s", 2 * G_BYTES - 2, g1);
	EXPECT(pkt, "E16");
	check_alive();
	snprintf(pkt, sizeof(pkt), "G%.*s", 2 * G_BYTES - 1, g1);
	EXPECT(pkt, "E16");
	check_alive();
	snprintf(pkt, sizeof(pkt), "G%s00", g1);
	EXPECT(pkt, "E16");
	check_alive();
	EXPECT("G", "E16");
	check_alive();
	EXPECT("G00", "E16");
	check_alive();
	/* Junk in the middle must not leave registers half written. */
	snprintf(pkt, sizeof(pkt), "G%s", g1);
	memset(pkt + 1, '1', 16);
	pkt[1 + 2 * 200] = 'x';
	EXPECT(pkt, "E16");
	check_alive();
	EXPECT("g", g1);
}

static void test_target_refuses_registers(void **state)
{
	static char g1[2 * G_BYTES + 1], pkt[2 * G_BYTES + 2];

	strcpy(g1, cmd("g"));
	fk.reg_fail = true;
	EXPECT("p0", "E01");
	check_alive();
	EXPECT("P0=0000000000000000", "E01");
	check_alive();
	snprintf(pkt, sizeof(pkt), "G%s", g1);
	EXPECT(pkt, "E01");
	check_alive();
	/* 'g' still has the full length, with unreadable registers zero. */
	assert_int_equal(strlen(cmd("g")), 2 * G_BYTES);
	assert_int_equal(strspn(rep.pkt[0], "0"), 2 * G_BYTES);
}

static void test_H_bad_thread(void **state)
{
	EXPECT("Hg4", "E02");
	check_alive();
	EXPECT("Hc4", "E02");
	check_alive();
	EXPECT("Hgffffffff", "E02");
	check_alive();
	EXPECT("Hc-2", "E16");
	check_alive();
	EXPECT("Hgp1.1", "E16"); /* multiprocess ids: not advertised */
	check_alive();
	assert_int_equal(sess.g_tid, 1);
	assert_int_equal(sess.c_tid, 0);
}

static void test_vcont_bad(void **state)
{
	static const char *const bad[] = {
		"vCont;t", "vCont;x", "vCont;r1,2", "vCont;c;t:1",
		"vCont;s:0", "vCont;c:-2", "vCont;C05:", "vCont;s:1:2",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fk.out_len = 0;
		nactions = 0;
		send_pkt(bad[i]);
		parse_output();
		assert_int_equal(nactions, 0);
		assert_int_equal(rep.npkts, 1);
		if (strcmp(rep.pkt[0], "E16")) {
			fail_msg("%s -> \"%s\", want E16", bad[i], rep.pkt[0]);
		}
		check_alive();
	}
}

static void test_vcont_nonexistent_thread(void **state)
{
	static const char *const bad[] = { "vCont;s:4;c", "vCont;c:ffffffff",
					   "vCont;S05:4", "vCont;c:1;s:5" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fk.out_len = 0;
		nactions = 0;
		send_pkt(bad[i]);
		parse_output();
		assert_int_equal(nactions, 0);
		assert_int_equal(rep.npkts, 1);
		if (strcmp(rep.pkt[0], "E16")) {
			fail_msg("%s -> \"%s\", want E16", bad[i], rep.pkt[0]);
		}
		check_alive();
	}
}

static void test_xfer_bad(void **state)
{
	EXPECT("qXfer:features:read:foo.xml:0,100", "E00");
	check_alive();
	EXPECT("qXfer:features:read::0,100", "E00");
	check_alive();
	EXPECT("qXfer:features:read:target.xm:0,100", "E00");
	check_alive();
	EXPECT("qXfer:features:read:target.xml:x,100", "E16");
	check_alive();
	EXPECT("qXfer:features:read:target.xml:0,100;", "E16");
	check_alive();
	/* Other objects are not supported at all. */
	EXPECT("qXfer:libraries:read::0,100", "");
	check_alive();
	EXPECT("qXfer:features:write:target.xml:0:", "");
	check_alive();
}

static void test_ctrl_c_while_stopped(void **state)
{
	fk.out_len = 0;
	nactions = 0;
	feed_str("\x03");
	expect_silence();
	assert_int_equal(nactions, 0);
	check_alive();
	/* Even many of them, and right after a packet. */
	fk.out_len = 0;
	feed_str("$qC#b4\x03\x03\x03");
	parse_output();
	assert_int_equal(rep.npkts, 1);
	assert_string_equal(rep.pkt[0], "QC1");
	check_alive();
}

static void test_thread_bad(void **state)
{
	EXPECT("T0", "E16");
	check_alive();
	EXPECT("T-1", "E16");
	check_alive();
	EXPECT("qThreadExtraInfo,4", "E16");
	check_alive();
	EXPECT("qThreadExtraInfo,0", "E16");
	check_alive();
	EXPECT("qThreadExtraInfo,-1", "E16");
	check_alive();
	fk.threads = 0;
	EXPECT("T1", "E02");
	fk.threads = NTHREADS;
	check_alive();
}

static void test_no_ack_bad_packets_silent(void **state)
{
	EXPECT("QStartNoAckMode", "OK");
	/* A corrupted or oversized packet: no '-', no '+'. */
	fk.out_len = 0;
	feed_str("$?#00$?#zz");
	expect_silence();
	assert_int_equal(sess.bad_checksums, 2);
	memset(big, 'q', GDB_PACKET_MAX + 1);
	send_bin(big, GDB_PACKET_MAX + 1);
	parse_output();
	assert_int_equal(rep.nacks, 0);
	assert_string_equal(rep.pkt[0], "E01");
	check_alive();
	/* QStartNoAckMode again is harmless. */
	EXPECT("QStartNoAckMode", "OK");
	check_alive();
}

static void test_high_bit_bytes_in_fields(void **state)
{
	/* Bytes >= 0x80 are negative chars: never valid hex digits. */
	static const char *const bad[] = {
		"m\xff", "mffffff8000001000,\x81", "p\xe0",
		"P0=\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc"
		"\xbd\xbe\xbf", "Hg\xc1", "T\xd3", "Z0,\xf0,1",
		"Mffffff8000001000,1:\xe6\xe6", "vCont;s:\xb2",
		"qXfer:features:read:target.xml:\xb0,10",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (strcmp(cmd(bad[i]), "E16")) {
			fail_msg("case %zu -> \"%s\", want E16", i, rep.pkt[0]);
		}
		check_alive();
	}
}

static void test_nul_bytes_in_packet(void **state)
{
	/* Packets are counted, not NUL-terminated: a NUL is just a byte. */
	static const u8 m[] = { 'm', '1', 0, ',', '1' };
	static const u8 p[] = { 'p', '0', 0 };
	static const u8 q[] = { 'q', 'C', 0 };
	static const u8 n[] = { 0, '?' };

	fk.out_len = 0;
	feed(frame_buf, frame(m, sizeof(m), false));
	feed(frame_buf, frame(p, sizeof(p), false));
	feed(frame_buf, frame(q, sizeof(q), false));
	feed(frame_buf, frame(n, sizeof(n), false));
	parse_output();
	assert_string_equal(rep.acks, "++++");
	assert_int_equal(rep.npkts, 4);
	assert_string_equal(rep.pkt[0], "E16");
	assert_string_equal(rep.pkt[1], "E16");
	assert_string_equal(rep.pkt[2], ""); /* not "qC" */
	assert_string_equal(rep.pkt[3], "");
	check_alive();
}

static void test_reply_too_long(void **state)
{
	/* A thread list that does not fit one packet: E01, not truncated. */
	fk.threads = 5000;
	EXPECT("qfThreadInfo", "E01");
	fk.threads = NTHREADS;
	check_alive();
	EXPECT("qfThreadInfo", "m1,2,3");
}

static void test_bad_then_good_resume(void **state)
{
	EXPECT("cffffffffffffffffff", "E16");
	check_alive();
	EXPECT("s12;", "E16");
	check_alive();
	assert_int_equal(cmd_act("c"), GDB_ACTION_RESUME);
	assert_false(sess.resume_has_addr);
}

static void test_truncated_packets(void **state)
{
	/* Packets cut short: no checksum, one checksum digit, no '#'. */
	static const char *const cut[] = { "$?", "$?#", "$?#3", "$m10,2#" };

	for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		fk.out_len = 0;
		feed_str(cut[i]);
		expect_silence();
		/* A stray checksum digit may NAK the next packet's start. */
		fk.out_len = 0;
		feed_str("$?#3f");
		parse_output();
		if (rep.npkts == 0) {
			assert_string_equal(rep.acks, "-");
		}
		check_alive();
	}
}

/* A '-' between packets (gdb got our reply damaged) resends it. */
static void test_nak_resends_last_reply(void **state)
{
	u8 nak = '-';

	EXPECT("qC", "QC1");
	fk.out_len = 0;
	assert_int_equal(feed(&nak, 1), GDB_ACTION_NONE);
	parse_output();
	assert_int_equal(rep.npkts, 1);
	assert_string_equal(rep.pkt[0], "QC1");
	/* In no-ack mode a '-' is just noise. */
	EXPECT("QStartNoAckMode", "OK");
	fk.out_len = 0;
	assert_int_equal(feed(&nak, 1), GDB_ACTION_NONE);
	expect_silence();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		/* positive */
		T(test_nak_resends_last_reply),
		T(test_stop_reply_plain),
		T(test_stop_reply_breakpoints),
		T(test_stop_reply_watchpoints),
		T(test_qsupported),
		T(test_xfer_target_xml),
		T(test_g_layout),
		T(test_g_other_thread),
		T(test_G_round_trip),
		T(test_p_P),
		T(test_m_M),
		T(test_X_binary),
		T(test_X_large),
		T(test_m_capped),
		T(test_m_partial_at_end),
		T(test_continue_step),
		T(test_continue_step_signal),
		T(test_vcont),
		T(test_set_thread),
		T(test_thread_alive),
		T(test_thread_queries),
		T(test_many_threads),
		T(test_breakpoints),
		T(test_detach_kill),
		T(test_no_ack_mode),
		T(test_unknown_packets),
		T(test_send_packet_escapes),
		T(test_retransmitted_packets),
		T(test_acks_and_ctrl_c_between_packets),
		T(test_full_size_packet),
		/* negative */
		T(test_bad_checksum),
		T(test_non_hex_checksum),
		T(test_oversized_packet),
		T(test_oversized_escaped_packet),
		T(test_oversized_bad_checksum),
		T(test_garbage_between_packets),
		T(test_dollar_restarts_packet),
		T(test_escaped_hash_does_not_end_packet),
		T(test_dollar_in_checksum),
		T(test_numbers_too_long),
		T(test_missing_separators),
		T(test_m_unmapped),
		T(test_M_bad),
		T(test_X_length_mismatch),
		T(test_X_past_end),
		T(test_Z0_outside_text),
		T(test_hw_breakpoint_slots_exhausted),
		T(test_sw_breakpoint_slots_exhausted),
		T(test_watch_bad_length),
		T(test_p_out_of_range),
		T(test_P_bad_data),
		T(test_G_bad_data),
		T(test_target_refuses_registers),
		T(test_H_bad_thread),
		T(test_vcont_bad),
		T(test_vcont_nonexistent_thread),
		T(test_xfer_bad),
		T(test_ctrl_c_while_stopped),
		T(test_thread_bad),
		T(test_no_ack_bad_packets_silent),
		T(test_high_bit_bytes_in_fields),
		T(test_nul_bytes_in_packet),
		T(test_reply_too_long),
		T(test_bad_then_good_resume),
		T(test_truncated_packets),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
