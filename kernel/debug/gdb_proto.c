/* SPDX-License-Identifier: MIT */
/*
 * GDB remote serial protocol, target side (see include/svsm/gdb_proto.h).
 * Packet format and commands from the GDB manual, "Remote Protocol".
 */
#include <svsm/errno.h>
#include <svsm/gdb_proto.h>
#include <svsm/lib/string.h>

#define HEX_DIGITS "0123456789abcdef"
#define MAX_MEM_XFER ((GDB_PACKET_MAX - 8) / 2)

static const char target_xml[] =
	"<?xml version=\"1.0\"?>"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
	"<target version=\"1.0\"><architecture>i386:x86-64</architecture>"
	"<feature name=\"org.gnu.gdb.i386.core\">"
	"<reg name=\"rax\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"rbx\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"rcx\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"rdx\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"rsi\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"rdi\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"rbp\" bitsize=\"64\" type=\"data_ptr\"/>"
	"<reg name=\"rsp\" bitsize=\"64\" type=\"data_ptr\"/>"
	"<reg name=\"r8\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"r9\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"r10\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"r11\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"r12\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"r13\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"r14\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"r15\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\"/>"
	"<reg name=\"eflags\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>"
	"<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>"
	"<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>"
	"<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>"
	"<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>"
	"<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>"
	"<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>"
	"<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>"
	"<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
	"<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
	"<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
	"<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
	"<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
	"<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
	"<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
	"<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
	"</feature>"
	"<feature name=\"org.gnu.gdb.i386.segments\">"
	"<reg name=\"fs_base\" bitsize=\"64\" type=\"int\"/>"
	"<reg name=\"gs_base\" bitsize=\"64\" type=\"int\"/>"
	"</feature></target>";

/* Bytes of register regno in the 'g' packet. */
static size_t reg_size(u32 regno)
{
	if (regno <= GDB_REG_RIP || regno == GDB_REG_FS_BASE ||
	    regno == GDB_REG_GS_BASE)
		return 8;
	if (regno >= GDB_REG_ST0 && regno < GDB_REG_FCTRL)
		return 10;
	return 4;
}

/* ---- output ---------------------------------------------------------- */

struct out {
	char *buf;
	size_t len;
	bool overflow;
};

static void out_char(struct out *o, char c)
{
	if (o->len < GDB_PACKET_MAX - 1)
		o->buf[o->len++] = c;
	else
		o->overflow = true;
}

static void out_str(struct out *o, const char *s)
{
	while (*s)
		out_char(o, *s++);
}

static void out_hex8(struct out *o, u8 v)
{
	out_char(o, HEX_DIGITS[v >> 4]);
	out_char(o, HEX_DIGITS[v & 0xf]);
}

static void out_hex_bytes(struct out *o, const u8 *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out_hex8(o, p[i]);
}

/* A number in big-endian hex without leading zeros (thread ids, addrs). */
static void out_hex_num(struct out *o, u64 v)
{
	int shift = 60;

	while (shift > 0 && !((v >> shift) & 0xf))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		out_char(o, HEX_DIGITS[(v >> shift) & 0xf]);
}

static void put_raw(struct gdb_session *s, const u8 *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s->ops->putc(s->ops->ctx, p[i]);
}

/* Keeps the last packet so that a '-' from gdb can be answered by resending. */
static void remember_packet(struct gdb_session *s, const char *data,
			    size_t len)
{
	if (data != (const char *)s->tx_buf && len <= sizeof(s->tx_buf)) {
		memcpy(s->tx_buf, data, len);
		s->tx_len = len;
	}
}

void gdb_send_packet(struct gdb_session *s, const char *data, size_t len)
{
	u8 sum = 0;
	u8 tail[3];

	remember_packet(s, data, len);

	s->ops->putc(s->ops->ctx, '$');
	for (size_t i = 0; i < len; i++) {
		u8 c = (u8)data[i];

		if (c == '$' || c == '#' || c == '}' || c == '*') {
			s->ops->putc(s->ops->ctx, '}');
			sum += '}';
			c ^= 0x20;
		}
		s->ops->putc(s->ops->ctx, c);
		sum += c;
	}
	tail[0] = '#';
	tail[1] = (u8)HEX_DIGITS[sum >> 4];
	tail[2] = (u8)HEX_DIGITS[sum & 0xf];
	put_raw(s, tail, sizeof(tail));
}

static void reply(struct gdb_session *s, struct out *o)
{
	if (o->overflow)
		gdb_send_packet(s, "E01", 3);
	else
		gdb_send_packet(s, o->buf, o->len);
}

static void reply_str(struct gdb_session *s, const char *str)
{
	gdb_send_packet(s, str, strlen(str));
}

static void reply_error(struct gdb_session *s, int err)
{
	char e[4] = { 'E', HEX_DIGITS[(err >> 4) & 0xf], HEX_DIGITS[err & 0xf],
		      0 };

	reply_str(s, e);
}

/* ---- input parsing --------------------------------------------------- */

struct in {
	const char *p;
	const char *end;
};

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses a hex number of at most 16 digits. */
static bool parse_hex(struct in *in, u64 *out)
{
	u64 v = 0;
	int digits = 0;

	while (in->p < in->end && hex_val(*in->p) >= 0) {
		if (++digits > 16)
			return false;
		v = (v << 4) | (u64)hex_val(*in->p++);
	}
	*out = v;
	return digits > 0;
}

static bool expect(struct in *in, char c)
{
	if (in->p < in->end && *in->p == c) {
		in->p++;
		return true;
	}
	return false;
}

static bool at_end(const struct in *in)
{
	return in->p == in->end;
}

static bool starts_with(const struct in *in, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(in->end - in->p) >= n && !memcmp(in->p, prefix, n);
}

/* Parses a thread id: hex, "-1" (all) or "0" (any). */
static bool parse_tid(struct in *in, s64 *tid)
{
	u64 v;

	if (expect(in, '-')) {
		if (!expect(in, '1'))
			return false;
		*tid = -1;
		return true;
	}
	if (!parse_hex(in, &v) || v > 0xffffffffULL)
		return false;
	*tid = (s64)v;
	return true;
}

static bool thread_exists(struct gdb_session *s, u64 tid)
{
	return tid >= 1 && tid <= s->ops->thread_count(s->ops->ctx);
}

/* ---- commands --------------------------------------------------------- */

static void cmd_read_regs(struct gdb_session *s)
{
	char buf[GDB_PACKET_MAX];
	struct out o = { buf, 0, false };

	for (u32 r = 0; r < GDB_NUM_REGS; r++) {
		u64 v = 0;
		u8 bytes[10] = { 0 };

		if (reg_size(r) != 10 && s->ops->read_reg(s->ops->ctx, s->g_tid,
							   r, &v) == 0)
			memcpy(bytes, &v, reg_size(r));
		out_hex_bytes(&o, bytes, reg_size(r));
	}
	reply(s, &o);
}

/* Decodes one little-endian register value of n bytes from hex. */
static bool take_reg_hex(struct in *in, size_t n, u64 *v)
{
	u8 bytes[10] = { 0 };

	if ((size_t)(in->end - in->p) < 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		int hi = hex_val(in->p[2 * i]), lo = hex_val(in->p[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		bytes[i] = (u8)(hi << 4 | lo);
	}
	in->p += 2 * n;
	*v = 0;
	memcpy(v, bytes, n < 8 ? n : 8);
	return true;
}

static void cmd_write_regs(struct gdb_session *s, struct in *in)
{
	u64 values[GDB_NUM_REGS];

	for (u32 r = 0; r < GDB_NUM_REGS; r++) {
		if (!take_reg_hex(in, reg_size(r), &values[r]))
			return reply_error(s, 0x16);
	}
	if (!at_end(in))
		return reply_error(s, 0x16);
	for (u32 r = 0; r < GDB_NUM_REGS; r++) {
		if (reg_size(r) != 10 &&
		    s->ops->write_reg(s->ops->ctx, s->g_tid, r, values[r]))
			return reply_error(s, 0x01);
	}
	reply_str(s, "OK");
}

static void cmd_read_reg(struct gdb_session *s, struct in *in)
{
	char buf[32];
	struct out o = { buf, 0, false };
	u8 bytes[10] = { 0 };
	u64 r, v = 0;

	if (!parse_hex(in, &r) || !at_end(in) || r >= GDB_NUM_REGS)
		return reply_error(s, 0x16);
	if (reg_size((u32)r) != 10 &&
	    s->ops->read_reg(s->ops->ctx, s->g_tid, (u32)r, &v))
		return reply_error(s, 0x01);
	memcpy(bytes, &v, reg_size((u32)r) < 8 ? reg_size((u32)r) : 8);
	out_hex_bytes(&o, bytes, reg_size((u32)r));
	reply(s, &o);
}

static void cmd_write_reg(struct gdb_session *s, struct in *in)
{
	u64 r, v;

	if (!parse_hex(in, &r) || !expect(in, '=') || r >= GDB_NUM_REGS ||
	    !take_reg_hex(in, reg_size((u32)r), &v) || !at_end(in))
		return reply_error(s, 0x16);
	if (reg_size((u32)r) != 10 &&
	    s->ops->write_reg(s->ops->ctx, s->g_tid, (u32)r, v))
		return reply_error(s, 0x01);
	reply_str(s, "OK");
}

static bool parse_addr_len(struct in *in, u64 *addr, u64 *len)
{
	return parse_hex(in, addr) && expect(in, ',') && parse_hex(in, len);
}

static void cmd_read_mem(struct gdb_session *s, struct in *in)
{
	char buf[GDB_PACKET_MAX];
	struct out o = { buf, 0, false };
	u8 data[MAX_MEM_XFER];
	u64 addr, len;
	size_t done;

	if (!parse_addr_len(in, &addr, &len) || !at_end(in))
		return reply_error(s, 0x16);
	if (len > MAX_MEM_XFER)
		len = MAX_MEM_XFER; /* gdb asks again for the rest */
	done = len ? s->ops->read_mem(s->ops->ctx, s->g_tid, addr, data, len)
		   : 0;
	if (len && !done)
		return reply_error(s, 0x14);
	out_hex_bytes(&o, data, done);
	reply(s, &o);
}

static void cmd_write_mem(struct gdb_session *s, struct in *in, bool binary)
{
	u8 data[GDB_PACKET_MAX];
	u64 addr, len;
	size_t n = 0;

	if (!parse_addr_len(in, &addr, &len) || !expect(in, ':') ||
	    len > sizeof(data))
		return reply_error(s, 0x16);
	if (binary) {
		n = (size_t)(in->end - in->p);
		memcpy(data, in->p, n);
	} else {
		while (in->end - in->p >= 2 && n < sizeof(data)) {
			int hi = hex_val(in->p[0]), lo = hex_val(in->p[1]);

			if (hi < 0 || lo < 0)
				return reply_error(s, 0x16);
			data[n++] = (u8)(hi << 4 | lo);
			in->p += 2;
		}
		if (!at_end(in))
			return reply_error(s, 0x16);
	}
	if (n != len)
		return reply_error(s, 0x16);
	if (len && s->ops->write_mem(s->ops->ctx, s->g_tid, addr, data, n) != n)
		return reply_error(s, 0x14);
	reply_str(s, "OK");
}

static void cmd_breakpoint(struct gdb_session *s, struct in *in, bool insert)
{
	u64 type, addr, kind;
	int ret;

	if (!parse_hex(in, &type) || !expect(in, ',') ||
	    !parse_addr_len(in, &addr, &kind))
		return reply_error(s, 0x16);
	/* Conditions and commands (";X...") are not supported: ignore them. */
	if (type > GDB_WATCH_ACCESS)
		return reply_str(s, "");
	ret = s->ops->breakpoint(s->ops->ctx, (enum gdb_bp_type)type, addr,
				 (u32)MIN(kind, 0xffffffffULL), insert);
	if (ret == -SVSM_ENOTSUP)
		return reply_str(s, "");
	if (ret)
		return reply_error(s, ret == -SVSM_ENOMEM ? 0x1c : 0x16);
	reply_str(s, "OK");
}

static enum gdb_action resume(struct gdb_session *s, enum gdb_resume how,
			      u32 tid, struct in *in)
{
	u64 addr;

	s->resume = how;
	s->resume_tid = tid ? tid : (s->c_tid ? s->c_tid : s->stop.tid);
	s->resume_has_addr = false;
	if (!at_end(in)) {
		if (!parse_hex(in, &addr) || !at_end(in)) {
			reply_error(s, 0x16);
			return GDB_ACTION_NONE;
		}
		s->resume_has_addr = true;
		s->resume_addr = addr;
	}
	return GDB_ACTION_RESUME;
}

/* 'C sig[;addr]' / 'S sig[;addr]': the signal is not delivered. */
static enum gdb_action resume_signal(struct gdb_session *s,
				     enum gdb_resume how, struct in *in)
{
	u64 sig;

	if (!parse_hex(in, &sig) || (!at_end(in) && !expect(in, ';'))) {
		reply_error(s, 0x16);
		return GDB_ACTION_NONE;
	}
	return resume(s, how, 0, in);
}

/*
 * vCont;action[:tid];... All-stop: a step action for one thread means that
 * thread steps and the others stay stopped; otherwise everything continues.
 */
static enum gdb_action cmd_vcont(struct gdb_session *s, struct in *in)
{
	enum gdb_resume how = GDB_RESUME_CONTINUE;
	u32 step_tid = 0;

	while (expect(in, ';')) {
		char act = at_end(in) ? 0 : *in->p++;
		u64 sig;
		s64 tid = 0;

		if ((act == 'C' || act == 'S') && !parse_hex(in, &sig))
			act = 0;
		if (act != 'c' && act != 's' && act != 'C' && act != 'S')
			goto bad;
		/* A thread that does not exist must not become resume_tid. */
		if (expect(in, ':') &&
		    (!parse_tid(in, &tid) || tid == 0 ||
		     (tid > 0 && !thread_exists(s, (u64)tid))))
			goto bad;
		if ((act == 's' || act == 'S') && how != GDB_RESUME_STEP) {
			how = GDB_RESUME_STEP;
			step_tid = tid > 0 ? (u32)tid : 0;
		}
	}
	if (!at_end(in))
		goto bad;
	return resume(s, how, step_tid, in);
bad:
	reply_error(s, 0x16);
	return GDB_ACTION_NONE;
}

static void cmd_set_thread(struct gdb_session *s, struct in *in)
{
	char op = at_end(in) ? 0 : *in->p++;
	s64 tid;

	if ((op != 'g' && op != 'c') || !parse_tid(in, &tid) || !at_end(in))
		return reply_error(s, 0x16);
	if (tid > 0 && !thread_exists(s, (u64)tid))
		return reply_error(s, 0x02);
	if (op == 'g')
		s->g_tid = tid > 0 ? (u32)tid : s->stop.tid;
	else
		s->c_tid = tid > 0 ? (u32)tid : 0;
	reply_str(s, "OK");
}

static void cmd_thread_alive(struct gdb_session *s, struct in *in)
{
	s64 tid;

	if (!parse_tid(in, &tid) || !at_end(in) || tid <= 0)
		return reply_error(s, 0x16);
	reply_str(s, thread_exists(s, (u64)tid) ? "OK" : "E02");
}

static void cmd_thread_list(struct gdb_session *s)
{
	char buf[GDB_PACKET_MAX];
	struct out o = { buf, 0, false };
	u32 n = s->ops->thread_count(s->ops->ctx);

	out_char(&o, 'm');
	for (u32 t = 1; t <= n; t++) {
		if (t > 1)
			out_char(&o, ',');
		out_hex_num(&o, t);
	}
	reply(s, &o);
}

static void cmd_thread_extra(struct gdb_session *s, struct in *in)
{
	char buf[64], digits[10];
	struct out o = { buf, 0, false };
	s64 tid;
	u64 cpu;
	int n = 0;

	if (!parse_tid(in, &tid) || !at_end(in) || tid <= 0 ||
	    !thread_exists(s, (u64)tid))
		return reply_error(s, 0x16);
	/* Every decimal digit: "CPU 123", not just the last two. */
	cpu = (u64)tid - 1;
	do {
		digits[n++] = (char)('0' + cpu % 10);
		cpu /= 10;
	} while (cpu && n < (int)sizeof(digits));
	out_hex_bytes(&o, (const u8 *)"CPU ", 4);
	while (n > 0)
		out_hex8(&o, (u8)digits[--n]);
	reply(s, &o);
}

/* qXfer:features:read:target.xml:offset,length */
static void cmd_xfer_features(struct gdb_session *s, struct in *in)
{
	char buf[GDB_PACKET_MAX];
	struct out o = { buf, 0, false };
	u64 off, len, total = sizeof(target_xml) - 1;

	if (!starts_with(in, "target.xml:"))
		return reply_error(s, 0x00);
	in->p += strlen("target.xml:");
	if (!parse_addr_len(in, &off, &len) || !at_end(in))
		return reply_error(s, 0x16);
	if (off >= total)
		return reply_str(s, "l");
	len = MIN(len, MIN(total - off, (u64)(GDB_PACKET_MAX / 2)));
	out_char(&o, off + len < total ? 'm' : 'l');
	for (u64 i = 0; i < len; i++)
		out_char(&o, target_xml[off + i]);
	reply(s, &o);
}

static void cmd_query(struct gdb_session *s, struct in *in)
{
	char buf[32];
	struct out o = { buf, 0, false };

	if (starts_with(in, "qSupported")) {
		reply_str(s, "PacketSize=1000;qXfer:features:read+;swbreak+;"
			     "hwbreak+;QStartNoAckMode+;vContSupported+");
	} else if (starts_with(in, "qXfer:features:read:")) {
		in->p += strlen("qXfer:features:read:");
		cmd_xfer_features(s, in);
	} else if (starts_with(in, "qfThreadInfo")) {
		cmd_thread_list(s);
	} else if (starts_with(in, "qsThreadInfo")) {
		reply_str(s, "l");
	} else if (starts_with(in, "qThreadExtraInfo,")) {
		in->p += strlen("qThreadExtraInfo,");
		cmd_thread_extra(s, in);
	} else if (starts_with(in, "qC") && in->end - in->p == 2) {
		out_str(&o, "QC");
		out_hex_num(&o, s->stop.tid);
		reply(s, &o);
	} else if (starts_with(in, "qAttached")) {
		reply_str(s, "1");
	} else {
		reply_str(s, "");
	}
}

static void stop_reason(struct out *o, const struct gdb_stop *st)
{
	static const char *const watch[] = { "watch", "rwatch", "awatch" };

	switch (st->reason) {
	case GDB_STOP_SWBREAK:
		out_str(o, "swbreak:;");
		break;
	case GDB_STOP_HWBREAK:
		out_str(o, "hwbreak:;");
		break;
	case GDB_STOP_WATCH:
	case GDB_STOP_RWATCH:
	case GDB_STOP_AWATCH:
		out_str(o, watch[st->reason - GDB_STOP_WATCH]);
		out_char(o, ':');
		out_hex_num(o, st->watch_addr);
		out_char(o, ';');
		break;
	default:
		break;
	}
}

void gdb_send_stop_reply(struct gdb_session *s)
{
	char buf[96];
	struct out o = { buf, 0, false };

	out_char(&o, 'T');
	out_hex8(&o, s->stop.signal);
	out_str(&o, "thread:");
	out_hex_num(&o, s->stop.tid);
	out_char(&o, ';');
	stop_reason(&o, &s->stop);
	reply(s, &o);
}

static enum gdb_action dispatch_v(struct gdb_session *s, struct in *in)
{
	if (starts_with(in, "vCont?")) {
		reply_str(s, "vCont;c;C;s;S");
		return GDB_ACTION_NONE;
	}
	if (starts_with(in, "vCont;")) {
		in->p += strlen("vCont");
		return cmd_vcont(s, in);
	}
	reply_str(s, ""); /* vMustReplyEmpty, vKill, vRun...: unsupported */
	return GDB_ACTION_NONE;
}

static enum gdb_action dispatch(struct gdb_session *s, struct in *in)
{
	char c = *in->p++;

	switch (c) {
	case '?': gdb_send_stop_reply(s); break;
	case 'g': cmd_read_regs(s); break;
	case 'G': cmd_write_regs(s, in); break;
	case 'p': cmd_read_reg(s, in); break;
	case 'P': cmd_write_reg(s, in); break;
	case 'm': cmd_read_mem(s, in); break;
	case 'M': cmd_write_mem(s, in, false); break;
	case 'X': cmd_write_mem(s, in, true); break;
	case 'Z': cmd_breakpoint(s, in, true); break;
	case 'z': cmd_breakpoint(s, in, false); break;
	case 'H': cmd_set_thread(s, in); break;
	case 'T': cmd_thread_alive(s, in); break;
	case 'c': return resume(s, GDB_RESUME_CONTINUE, 0, in);
	case 's': return resume(s, GDB_RESUME_STEP, 0, in);
	case 'C': return resume_signal(s, GDB_RESUME_CONTINUE, in);
	case 'S': return resume_signal(s, GDB_RESUME_STEP, in);
	case 'v': in->p--; return dispatch_v(s, in);
	case 'q': in->p--; cmd_query(s, in); break;
	case 'Q':
		in->p--;
		if (starts_with(in, "QStartNoAckMode")) {
			reply_str(s, "OK");
			s->no_ack = true;
		} else {
			reply_str(s, "");
		}
		break;
	case 'D': reply_str(s, "OK"); return GDB_ACTION_DETACH;
	case 'k': return GDB_ACTION_KILL;
	default: reply_str(s, ""); break;
	}
	return GDB_ACTION_NONE;
}

static enum gdb_action packet_done(struct gdb_session *s)
{
	struct in in = { (const char *)s->rx_buf,
			 (const char *)s->rx_buf + s->rx_len };

	if (s->rx_csum_bad || s->rx_sum != s->rx_csum) {
		s->bad_checksums++;
		if (!s->no_ack)
			s->ops->putc(s->ops->ctx, '-');
		return GDB_ACTION_NONE;
	}
	if (!s->no_ack)
		s->ops->putc(s->ops->ctx, '+');
	s->packets++;
	if (s->rx_overflow) {
		reply_error(s, 0x01);
		return GDB_ACTION_NONE;
	}
	if (!s->rx_len) {
		reply_str(s, "");
		return GDB_ACTION_NONE;
	}
	return dispatch(s, &in);
}

static void rx_store(struct gdb_session *s, u8 c)
{
	if (s->rx_len < sizeof(s->rx_buf))
		s->rx_buf[s->rx_len++] = c;
	else
		s->rx_overflow = true;
}

static void rx_start(struct gdb_session *s)
{
	s->rx = RX_BODY;
	s->rx_len = 0;
	s->rx_overflow = false;
	s->rx_sum = 0;
}

enum gdb_action gdb_feed(struct gdb_session *s, u8 c)
{
	int v;

	if (c == '$' && s->rx != RX_CSUM1 && s->rx != RX_CSUM2) {
		rx_start(s); /* a '$' always starts over: resynchronise */
		return GDB_ACTION_NONE;
	}
	switch (s->rx) {
	case RX_IDLE:
		/* gdb NAKs a reply it received damaged: send it again. */
		if (c == '-' && !s->no_ack && s->tx_len)
			gdb_send_packet(s, (const char *)s->tx_buf, s->tx_len);
		return GDB_ACTION_NONE; /* acks, ^C while stopped, garbage */
	case RX_BODY:
		if (c == '#') {
			s->rx = RX_CSUM1;
			return GDB_ACTION_NONE;
		}
		s->rx_sum += c;
		if (c == '}')
			s->rx = RX_ESCAPE;
		else
			rx_store(s, c);
		return GDB_ACTION_NONE;
	case RX_ESCAPE:
		s->rx_sum += c;
		rx_store(s, c ^ 0x20);
		s->rx = RX_BODY;
		return GDB_ACTION_NONE;
	case RX_CSUM1:
		v = hex_val((char)c);
		s->rx_csum_bad = v < 0;
		s->rx_csum = (u8)(v < 0 ? 0 : v << 4);
		s->rx = RX_CSUM2;
		return GDB_ACTION_NONE;
	case RX_CSUM2:
		v = hex_val((char)c);
		s->rx_csum_bad |= v < 0;
		s->rx_csum |= (u8)(v < 0 ? 0 : v);
		s->rx = RX_IDLE;
		return packet_done(s);
	}
	return GDB_ACTION_NONE;
}

void gdb_session_init(struct gdb_session *s, const struct gdb_target_ops *ops)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->rx = RX_IDLE;
	s->g_tid = 1;
}

void gdb_session_stopped(struct gdb_session *s, const struct gdb_stop *stop)
{
	s->stop = *stop;
	s->g_tid = stop->tid;
	s->c_tid = 0;
}
