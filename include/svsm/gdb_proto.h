/* SPDX-License-Identifier: MIT */
/*
 * GDB remote serial protocol, target side: packet framing, acknowledgement,
 * and the commands the SVSM's stub supports. It knows nothing about the
 * kernel: it calls struct gdb_target_ops for registers, memory, breakpoints
 * and threads, and writes bytes through ops->putc. The kernel stub
 * (kernel/debug/gdb_stub.c) feeds it the bytes it reads from COM2; host
 * tests and the fuzzer feed it arbitrary input.
 *
 * Every field of a packet is untrusted: numbers are parsed with overflow
 * checks, lengths are capped to the packet buffer, and any malformed packet
 * gets an "Exx" answer (or "-" for a bad checksum) while the stub keeps
 * serving.
 */
#ifndef SVSM_GDB_PROTO_H
#define SVSM_GDB_PROTO_H

#include <svsm/types.h>

#define GDB_PACKET_MAX 4096 /* advertised as PacketSize */

/* Register numbers in the order of our x86-64 target description. */
enum gdb_reg {
	GDB_REG_RAX, GDB_REG_RBX, GDB_REG_RCX, GDB_REG_RDX,
	GDB_REG_RSI, GDB_REG_RDI, GDB_REG_RBP, GDB_REG_RSP,
	GDB_REG_R8, GDB_REG_R9, GDB_REG_R10, GDB_REG_R11,
	GDB_REG_R12, GDB_REG_R13, GDB_REG_R14, GDB_REG_R15,
	GDB_REG_RIP, GDB_REG_EFLAGS,
	GDB_REG_CS, GDB_REG_SS, GDB_REG_DS, GDB_REG_ES, GDB_REG_FS, GDB_REG_GS,
	GDB_REG_ST0, /* st0..st7: 10 bytes each */
	GDB_REG_FCTRL = GDB_REG_ST0 + 8, /* fctrl..fop: 4 bytes each */
	GDB_REG_FS_BASE = GDB_REG_FCTRL + 8,
	GDB_REG_GS_BASE,
	GDB_NUM_REGS,
};

/* Breakpoint kinds, as in the Z/z packets. */
enum gdb_bp_type {
	GDB_BP_SOFTWARE = 0,
	GDB_BP_HARDWARE = 1,
	GDB_WATCH_WRITE = 2,
	GDB_WATCH_READ = 3,
	GDB_WATCH_ACCESS = 4,
};

enum gdb_resume {
	GDB_RESUME_CONTINUE,
	GDB_RESUME_STEP,
};

/* What the stub should do after a byte was processed. */
enum gdb_action {
	GDB_ACTION_NONE,   /* keep reading */
	GDB_ACTION_RESUME, /* continue or step (see session resume fields) */
	GDB_ACTION_DETACH, /* remove breakpoints, resume everything */
	GDB_ACTION_KILL,
};

struct gdb_target_ops {
	void (*putc)(void *ctx, u8 c);
	/* Memory: return the number of bytes done before a fault (0..len). */
	size_t (*read_mem)(void *ctx, u32 tid, u64 addr, void *buf, size_t len);
	size_t (*write_mem)(void *ctx, u32 tid, u64 addr, const void *buf,
			    size_t len);
	/* Registers of thread tid (1-based); value is little-endian. */
	int (*read_reg)(void *ctx, u32 tid, u32 regno, u64 *value);
	int (*write_reg)(void *ctx, u32 tid, u32 regno, u64 value);
	/*
	 * Inserts or removes a breakpoint/watchpoint. Returns 0,
	 * -SVSM_EINVAL (address or length not allowed), -SVSM_ENOMEM (no free
	 * slot) or -SVSM_ENOTSUP.
	 */
	int (*breakpoint)(void *ctx, enum gdb_bp_type type, u64 addr, u32 len,
			  bool insert);
	u32 (*thread_count)(void *ctx); /* threads are 1..count */
	void *ctx;
};

/* Why the target stopped, for the stop reply. */
struct gdb_stop {
	u32 tid;
	u8 signal; /* 2 SIGINT, 5 SIGTRAP, 11 SIGSEGV */
	enum { GDB_STOP_PLAIN, GDB_STOP_SWBREAK, GDB_STOP_HWBREAK,
	       GDB_STOP_WATCH, GDB_STOP_RWATCH, GDB_STOP_AWATCH } reason;
	u64 watch_addr;
};

struct gdb_session {
	const struct gdb_target_ops *ops;
	bool no_ack;
	u32 g_tid; /* thread for g/G/p/P/m/M (Hg) */
	u32 c_tid; /* thread for c/s (Hc); 0 = any */
	struct gdb_stop stop;
	/* Set when the action is GDB_ACTION_RESUME. */
	enum gdb_resume resume;
	u32 resume_tid;
	bool resume_has_addr;
	u64 resume_addr;
	/* Receive state machine. */
	enum { RX_IDLE, RX_BODY, RX_ESCAPE, RX_CSUM1, RX_CSUM2 } rx;
	size_t rx_len;
	bool rx_overflow;
	u8 rx_sum;
	u8 rx_csum;
	bool rx_csum_bad;
	u8 rx_buf[GDB_PACKET_MAX];
	u8 tx_buf[GDB_PACKET_MAX]; /* last packet sent, for a resend on '-' */
	size_t tx_len;
	/* Statistics, for tests. */
	u64 packets;
	u64 bad_checksums;
};

void gdb_session_init(struct gdb_session *s, const struct gdb_target_ops *ops);

/* Records why the target stopped (used by '?' and the stop reply). */
void gdb_session_stopped(struct gdb_session *s, const struct gdb_stop *stop);
/* Sends the stop reply packet for the current stop. */
void gdb_send_stop_reply(struct gdb_session *s);

/* Processes one received byte. */
enum gdb_action gdb_feed(struct gdb_session *s, u8 byte);

/* Sends a packet with the given payload (escaped and checksummed). */
void gdb_send_packet(struct gdb_session *s, const char *data, size_t len);

#endif
