#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench: prints the project's performance figures in one run.

- guest instructions from reset to the ready line (QEMU -icount shift=0,
  where the TSC counts instructions; deterministic)
- wall time of that boot, and its ratio to QEMU starting and exiting a
  trivial firmware (so the figure is comparable across machines)
- section sizes of stage2 and the kernel, free memory after init
- host instruction counts (valgrind callgrind) per page alloc/free pair and
  per heap alloc/free pair, from tests/bench/bench_mm
- host instruction counts per SVSM protocol call and per PVALIDATE entry,
  from tests/bench/bench_protocol (make bench-protocol), split into the
  SVSM's own work, the page zeroing and the platform's instructions
- igvmbuilder and igvmmeasure on the QEMU preset with a 4 MiB synthetic
  firmware that has SEV metadata (so the SEV-SNP path runs): wall time,
  peak memory, and the IGVM file's overhead over its payloads
"""
import os
import re
import statistics
import struct
import subprocess
import sys
import tempfile
import time

QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
READY = "SVSM initialization complete, ready"


def qemu(image, log, extra=()):
    return [QEMU, "-machine", "q35", "-accel", "tcg", "-cpu", "max",
            "-m", "512M", "-bios", image, "-display", "none", "-monitor",
            "none", "-serial", "file:" + log, "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4", *extra]


def boot_until_ready(image, extra=()):
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        start = time.monotonic()
        p = subprocess.Popen(qemu(image, log, extra),
                             stderr=subprocess.DEVNULL)
        text = ""
        while time.monotonic() - start < 60:
            if os.path.exists(log):
                with open(log, errors="replace") as f:
                    text = f.read()
                if READY in text:
                    break
            time.sleep(0.005)
        elapsed = time.monotonic() - start
        p.kill()
        p.wait()
    if READY not in text:
        sys.exit("bench: the SVSM did not reach the ready line")
    return text, elapsed


def trivial_firmware_time(tmp):
    """QEMU start-up and exit with a ROM that exits at the reset vector."""
    rom = bytearray(b"\xf4" * 0x10000)
    rom[-16:-12] = b"\xb0\x10\xe6\xf4"  # mov al, 0x10; out 0xf4, al
    path = os.path.join(tmp, "exit.rom")
    with open(path, "wb") as f:
        f.write(rom)
    log = os.path.join(tmp, "exit.log")
    start = time.monotonic()
    subprocess.run(qemu(path, log), stderr=subprocess.DEVNULL)
    return time.monotonic() - start


def sizes(elf):
    out = subprocess.run(["size", "-A", elf], capture_output=True,
                         text=True, check=True).stdout
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in (".text", ".rodata", ".data",
                                            ".bss"):
            found[parts[0]] = int(parts[1])
    return found


def callgrind_total(cmd, inside=()):
    """Instructions cmd executes; with inside, only those executed in
    the named functions and what they call (callgrind --toggle-collect)."""
    only = ["--collect-atstart=no"] if inside else []
    only += ["--toggle-collect=" + f for f in inside]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        r = subprocess.run(["valgrind", "--tool=callgrind",
                            "--callgrind-out-file=" + out] + only + cmd,
                           capture_output=True, text=True)
        m = re.search(r"Collected : (\d+)", r.stderr)
        if r.returncode or not m:
            sys.exit("bench: callgrind failed:\n" + r.stderr)
        return int(m.group(1))


def per_op(binary, mode, n, inside=()):
    """Instructions per operation: difference between runs of n and 2n
    operations, so set-up and tear-down cancel out."""
    a = callgrind_total([binary, mode, str(n)], inside)
    b = callgrind_total([binary, mode, str(2 * n)], inside)
    return (b - a) / n


def main():
    svsm_bin = "bin/svsm.bin"
    obj = sys.argv[1] if len(sys.argv) > 1 else "build/qemu-target-debug"
    text, _ = boot_until_ready(svsm_bin, ["-icount", "shift=0,sleep=off"])
    m = re.search(r"Boot took (\d+) TSC cycles", text)
    instr = int(m.group(1))
    walls = [boot_until_ready(svsm_bin)[1] for _ in range(5)]
    with tempfile.TemporaryDirectory() as tmp:
        base = statistics.median(trivial_firmware_time(tmp) for _ in range(5))
    wall = statistics.median(walls)
    free = re.search(r"\[SVSM\] Total memory: (\d+)KiB free memory: (\d+)KiB",
                     text)
    print("boot: %d guest instructions from reset to the ready line "
          "(-icount shift=0)" % instr)
    print("boot: wall time %.3f s to the ready line (median of 5), %.2fx the "
          "%.3f s QEMU needs to start and exit a trivial firmware"
          % (wall, wall / base, base))
    for name, path in (("stage2", obj + "/stage2.elf"),
                       ("kernel", obj + "/kernel.elf")):
        s = sizes(path)
        print("size: %-6s .text %6d  .rodata %6d  .data %6d  .bss %6d bytes"
              % (name, s.get(".text", 0), s.get(".rodata", 0),
                 s.get(".data", 0), s.get(".bss", 0)))
    print("memory: %s KiB free of %s KiB after init" % (free.group(2),
                                                       free.group(1)))
    bench_mm = "build/host/tests/bench_mm"
    if os.path.exists(bench_mm):
        for mode, label in (
                ("pages", "page alloc/free pair (order 0, warm)"),
                ("pages-split", "page alloc/free pair (5 splits, 5 merges)"),
                ("heap", "heap alloc/free pair (64 bytes, warm slab)"),
                ("heap-cold", "heap alloc/free pair (64 bytes, new slab)"),
                ("heap-large", "heap alloc/free pair (8 KiB, pages)")):
            print("host: %.1f instructions per %s (callgrind)"
                  % (per_op(bench_mm, mode, 20000), label))
    machine_figures()
    igvm_figures(obj)
    protocol_figures()


def test_kernel_log(extra):
    """Boots the test kernel (its tests print the 'bench:' lines) to its
    QEMU exit and returns the serial log."""
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        subprocess.run(qemu("bin/svsm-test.bin", log, ["-smp", "2", *extra]),
                       stderr=subprocess.DEVNULL, timeout=300)
        with open(log, errors="replace") as f:
            return f.read()


def machine_figures():
    """AP bring-up in guest instructions (icount: the TSC counts every
    vCPU's instructions, the BSP's waiting loop included) and fw_cfg DMA
    against port I/O for the ACPI tables blob (host TSC cycles)."""
    if not os.path.exists("bin/svsm-test.bin"):
        print("machine: bin/svsm-test.bin missing (make test-in-svsm builds it)")
        return
    text = test_kernel_log(["-icount", "shift=0,sleep=off"])
    m = re.search(r"bench: AP bring-up took (\d+) TSC cycles", text)
    if m:
        print("smp: %s guest instructions to bring up one AP, INIT to "
              "online, both vCPUs counted (-icount shift=0)" % m.group(1))
    ratios = []
    for _ in range(3):
        m = re.search(r"bench: fw_cfg read of (\d+) bytes \(([^)]*)\): DMA "
                      r"(\d+) TSC cycles, port I/O (\d+) TSC cycles",
                      test_kernel_log([]))
        if m:
            size, name, dma, pio = m.groups()
            ratios.append((int(pio) / int(dma), int(size), name))
    if ratios:
        ratio, size, name = sorted(ratios)[len(ratios) // 2]
        print("fw_cfg: reading %s (%d bytes) by DMA is %.1fx the throughput "
              "of port I/O (TSC cycles, median of 3 boots)" % (name, size,
                                                               ratio))


def run_measured(cmd):
    """Runs cmd; returns (wall seconds, peak RSS in KiB) of that process.
    The peak comes from GNU time, which forks cmd from a small process.
    Without it, os.wait4 gives cmd's own figure, but Linux floors that at
    this script's RSS when it forked (the high-water mark survives fork and
    exec), so it is an upper bound."""
    start = time.monotonic()
    if os.path.exists("/usr/bin/time"):
        with tempfile.NamedTemporaryFile("r") as rep:
            subprocess.run(["/usr/bin/time", "-o", rep.name, "-f", "%M"]
                           + cmd, stdout=subprocess.DEVNULL, check=True)
            return time.monotonic() - start, int(rep.read().split()[-1])
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode:
        sys.exit("bench: %s failed" % " ".join(cmd))
    return time.monotonic() - start, usage.ru_maxrss


def loaded_bytes(elf):
    """Sum of p_filesz over the PT_LOAD segments of an ELF64 file: what the
    IGVM file carries of it (bss is zero-page directives, no data)."""
    with open(elf, "rb") as f:
        data = f.read()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    total = 0
    for i in range(phnum):
        p_type, = struct.unpack_from("<I", data, phoff + i * phentsize)
        p_filesz, = struct.unpack_from("<Q", data, phoff + i * phentsize + 32)
        total += p_filesz if p_type == 1 else 0
    return total


def igvm_figures(obj):
    """igvmbuilder and igvmmeasure on the QEMU preset with a synthetic 4 MiB
    firmware that has SEV metadata (scripts/mkfakefw.py, pseudo-random so no
    two pages are alike and none is stored once for two); the payloads are
    stage2's loaded bytes, the kernel ELF, the firmware, the VMSA and the
    CPUID page, and everything else in the file is overhead."""
    fw = "build/bench-ovmf-4m.fd"
    out = "build/bench-coconut-qemu.igvm"
    stage2, kernel = obj + "/stage2.elf", obj + "/kernel-stripped.elf"
    subprocess.run([sys.executable, "scripts/mkfakefw.py", "--size", "4M",
                    fw], check=True)
    build = ["bin/igvmbuilder", "--config", "configs/qemu-target.json",
             "--stage2", stage2, "--kernel", kernel, "--firmware", fw,
             "--output", out]
    measure = ["bin/igvmmeasure", out, "measure", "--check-kvm"]
    runs = {"igvmbuilder": [run_measured(build) for _ in range(5)],
            "igvmmeasure --check-kvm": [run_measured(measure)
                                        for _ in range(5)]}
    for name, r in runs.items():
        print("igvm: %s %.3f s (median of 5), peak %d KiB, QEMU preset "
              "with a 4 MiB firmware with SEV metadata"
              % (name, statistics.median(t for t, _ in r),
                 max(m for _, m in r)))
    parts = (("stage2", loaded_bytes(stage2)),
             ("kernel ELF", os.path.getsize(kernel)),
             ("firmware", os.path.getsize(fw)), ("VMSA", 4096),
             ("CPUID page", 4096))
    payload = sum(n for _, n in parts)
    size = os.path.getsize(out)
    print("igvm: file %d bytes, payloads %d (%s): overhead %d bytes "
          "(%.2f%%)" % (size, payload, ", ".join("%s %d" % p for p in parts),
                        size - payload, 100.0 * (size - payload) / payload))


# tests/bench/bench_protocol.c on the protocol tests' stack (SNP platform
# code on the simulated machine), built by make (tests/unit/protocol.mk).
PROTOCOL_BENCH = "build/host/tests/bench_protocol"
PVAL_BATCH = 510
# The platform's PVALIDATE and RMPADJUST as the protocol code calls them
# (SNP platform code, its simulator glue, the simulated instruction), the
# simulated instructions alone, and the page zeroing's store instruction.
PLATFORM_OPS = ("platform_pvalidate", "platform_rmpadjust")
INSNS = ("arch_pvalidate", "arch_rmpadjust")
ZEROING = ("arch_try_zero",)


def protocol_figures():
    """Instructions per SVSM call and per PVALIDATE entry (callgrind), the
    SVSM's own work apart from the platform's instructions and the page
    zeroing. The simulator's guestmem backend runs bare: a mapping is
    pointer arithmetic, an access a plain load, store or zeroing."""
    subprocess.run(["make", "-s", "--no-print-directory", "bench-protocol"],
                   stdout=subprocess.DEVNULL, check=True)
    query = per_op(PROTOCOL_BENCH, "query", 2000)
    handler = per_op(PROTOCOL_BENCH, "query", 2000,
                     ("request_loop_handle_exit",))
    sim_query = per_op(PROTOCOL_BENCH, "sim-query", 2000)
    n = 20
    entry = per_op(PROTOCOL_BENCH, "pval", n) / PVAL_BATCH
    ops = per_op(PROTOCOL_BENCH, "pval", n, PLATFORM_OPS) / PVAL_BATCH
    insns = per_op(PROTOCOL_BENCH, "pval", n, INSNS) / PVAL_BATCH
    zero = per_op(PROTOCOL_BENCH, "pval", n, ZEROING) / PVAL_BATCH
    print("protocol: %.1f instructions per QUERY_PROTOCOL call: "
          "request_loop_handle_exit() (VMSA registers, calling area, "
          "dispatch, write-back) with the bare simulator backend, plus the "
          "guest's stores that re-arm the call; %.1f inside "
          "request_loop_handle_exit() alone; %.1f with the backend's checks "
          "and log (callgrind)" % (query, handler, sim_query))
    print("protocol: %.1f instructions per 4 KiB entry of a 510-entry "
          "PVALIDATE request (validate, ignore-CF), excluding the "
          "instruction and the page zeroing: decode, checks, registry lock, "
          "the zeroing's mapping, and the guest resetting `next` per "
          "request; not the platform's PVALIDATE/RMPADJUST ops"
          % (entry - ops - zero))
    print("protocol: %.1f instructions per entry zeroing the page "
          "(arch_try_zero(): rep stosq, which callgrind counts once per "
          "8 bytes)" % zero)
    print("protocol: %.1f instructions per entry in the platform's "
          "PVALIDATE and RMPADJUST: %.1f the simulated instructions (RMP "
          "model), %.1f the SNP platform code around them "
          "(kernel/platform/snp/pvalidate.c: temporary mapping, validation "
          "bitmap) and its simulator glue; %.1f per entry in all"
          % (ops, insns, ops - insns, entry))


if __name__ == "__main__":
    main()
