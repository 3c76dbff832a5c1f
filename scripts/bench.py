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
"""
import os
import re
import statistics
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


def callgrind_total(cmd):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        r = subprocess.run(["valgrind", "--tool=callgrind",
                            "--callgrind-out-file=" + out] + cmd,
                           capture_output=True, text=True)
        m = re.search(r"Collected : (\d+)", r.stderr)
        if r.returncode or not m:
            sys.exit("bench: callgrind failed:\n" + r.stderr)
        return int(m.group(1))


def per_op(binary, mode, n):
    """Instructions per operation: difference between runs of n and 2n
    operations, so set-up and tear-down cancel out."""
    a = callgrind_total([binary, mode, str(n)])
    b = callgrind_total([binary, mode, str(2 * n)])
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


if __name__ == "__main__":
    main()
