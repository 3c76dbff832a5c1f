#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests: boot bin/svsm.bin under QEMU and check the serial log.

Usage: tests/e2e/run.py [--svsm-bin P] [--igvm P] [-k SUBSTRING]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import igvmfile  # noqa: E402

QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
READY = "[SVSM] SVSM initialization complete, ready"
LOADER_BAD_IMAGE_EXIT = (0x12 << 1) | 1
KERNEL_FAIL_EXIT = (0x11 << 1) | 1
BOOT_TIMEOUT = 90


class TestFailure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def qemu_cmd(image, log, mem="512M", smp=1, extra=()):
    return [QEMU, "-machine", "q35", "-accel", "tcg", "-cpu", "max",
            "-m", mem, "-smp", str(smp), "-bios", image, "-display", "none",
            "-monitor", "none", "-serial", "file:" + log, "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4", *extra]


def read_log(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace").replace("\r", "")


def boot(image, until=READY, mem="512M", smp=1, extra=()):
    """Boots until `until` appears or QEMU exits. Returns (log, exit code or
    None if QEMU was stopped by us)."""
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "serial.log")
        proc = subprocess.Popen(qemu_cmd(image, log, mem, smp, extra),
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        deadline = time.time() + BOOT_TIMEOUT
        rc = None
        while time.time() < deadline:
            rc = proc.poll()
            text = read_log(log) if os.path.exists(log) else ""
            if rc is not None or (until and until in text):
                break
            time.sleep(0.1)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        text = read_log(log) if os.path.exists(log) else ""
        if rc is None and until and until not in text:
            raise TestFailure("timeout after %ds; log:\n%s" %
                              (BOOT_TIMEOUT, text))
        return text, rc


def lines_in_order(text, patterns):
    """Checks each regex matches a line after the previous match; returns
    the match objects."""
    lines = text.splitlines()
    pos, found = 0, []
    for pat in patterns:
        rx = re.compile(pat)
        for i in range(pos, len(lines)):
            m = rx.search(lines[i])
            if m:
                found.append(m)
                pos = i + 1
                break
        else:
            raise TestFailure("line /%s/ missing (in order) from log:\n%s"
                              % (pat, text))
    return found


def order_table(text, prefix):
    """Returns (blocks, free) lists and the Total line numbers for prefix."""
    rx = re.compile(r"^\[%s\] Order-(\d\d): total pages: +(\d+) free pages: +(\d+)$"
                    % prefix)
    total_rx = re.compile(r"^\[%s\] Total memory: (\d+)KiB free memory: (\d+)KiB$"
                          % prefix)
    blocks, free, totals = {}, {}, None
    for line in text.splitlines():
        m = rx.match(line)
        if m:
            blocks[int(m.group(1))] = int(m.group(2))
            free[int(m.group(1))] = int(m.group(3))
        m = total_rx.match(line)
        if m and totals is None:
            totals = (int(m.group(1)), int(m.group(2)))
    return blocks, free, totals


def check_order_table(text, prefix):
    blocks, free, totals = order_table(text, prefix)
    check(sorted(blocks) == list(range(6)),
          "%s: Order-00..05 lines missing" % prefix)
    check(totals is not None, "%s: Total memory line missing" % prefix)
    total_kib, free_kib = totals
    check(free_kib <= total_kib, "%s: free memory above total" % prefix)
    for o in range(6):
        check(free[o] <= blocks[o], "%s: order %d free > total" % (prefix, o))
    free_sum = sum(free[o] << o for o in range(6)) * 4
    check(free_sum == free_kib, "%s: free blocks (%d KiB) disagree with "
          "free memory (%d KiB)" % (prefix, free_sum, free_kib))
    return total_kib, free_kib


def test_boot_log(args):
    text, rc = boot(args.svsm_bin)
    check(rc is None, "QEMU exited (code %s) instead of idling" % rc)
    m = lines_in_order(text, [
        r"^\[Stage2\] COCONUT Secure Virtual Machine Service Module \(SVSM\) Stage 2 Loader$",
        r"^\[Stage2\] Mapping kernel region (0x[0-9a-f]{16})-(0x[0-9a-f]{16}) to (0x[0-9a-f]{16})$",
        r"^\[Stage2\] Order-00: total pages: +\d+ free pages: +\d+$",
        r"^\[Stage2\] Order-05: ",
        r"^\[Stage2\] Total memory: \d+KiB free memory: \d+KiB$",
        r"^\[Stage2\]   kernel_physical_start = (0x[0-9a-f]{16})$",
        r"^\[Stage2\]   kernel_physical_end   = (0x[0-9a-f]{16})$",
        r"^\[Stage2\]   kernel_virtual_base   = (0x[0-9a-f]{16})$",
        r"^\[Stage2\]   cpuid_page            = 0x[0-9a-f]{16}$",
        r"^\[Stage2\]   secrets_page          = 0x[0-9a-f]{16}$",
        r"^\[Stage2\] Launching SVSM kernel\.\.\.$",
        r"^\[SVSM\] COCONUT Secure Virtual Machine Service Module \(SVSM\)$",
        r"^\[SVSM\] Order-00: ",
        r"^\[SVSM\] Order-05: ",
        r"^\[SVSM\] Total memory: \d+KiB free memory: \d+KiB$",
        r"^\[SVSM\] Boot stack starts        @ (0x[0-9a-f]{16})$",
        r"^\[SVSM\] BSP Runtime stack starts @ (0x[0-9a-f]{16})$",
        "^" + re.escape(READY) + "$",
    ])
    vstart, vend, pstart = (int(x, 16) for x in m[1].groups())
    kstart, kend, vbase = (int(m[i].group(1), 16) for i in (5, 6, 7))
    check(vbase == 0xffffff8000000000, "kernel_virtual_base %#x" % vbase)
    check(vstart == vbase, "mapping starts at %#x" % vstart)
    check(pstart == kstart, "mapped to %#x, physical start %#x" %
          (pstart, kstart))
    check(kend > kstart and kend - kstart == vend - vstart,
          "kernel region bounds disagree")
    check(kstart % (2 << 20) == 0 and kend % (2 << 20) == 0,
          "kernel region not 2 MiB aligned")
    boot_stack = int(m[15].group(1), 16)
    check(vbase < boot_stack <= vend, "boot stack outside the kernel region")
    check_order_table(text, "Stage2")
    total, _ = check_order_table(text, "SVSM")
    check(total * 1024 <= kend - kstart, "SVSM manages more memory than "
          "its region")
    check("ERROR" not in text and "WARN" not in text,
          "errors or warnings in a clean boot:\n" + text)


def wrap(args, igvm_bytes, tmp):
    igvm = os.path.join(tmp, "bad.igvm")
    image = os.path.join(tmp, "bad.bin")
    with open(igvm, "wb") as f:
        f.write(igvm_bytes)
    subprocess.run([args.mksvsmbin, "--loader", args.loader, "--igvm", igvm,
                    "--output", image], check=True)
    return image


def expect_loader_error(args, igvm_bytes, reason_rx, mem="512M"):
    with tempfile.TemporaryDirectory() as tmp:
        text, rc = boot(wrap(args, igvm_bytes, tmp), until=None, mem=mem)
    check(rc == LOADER_BAD_IMAGE_EXIT,
          "exit code %s, expected %d; log:\n%s" % (rc, LOADER_BAD_IMAGE_EXIT,
                                                   text))
    lines = [l for l in text.splitlines() if l.startswith("IGVM: ")]
    check(len(lines) == 1, "expected one 'IGVM: ' line, log:\n" + text)
    check(re.search(reason_rx, lines[0]), "'%s' does not match /%s/" %
          (lines[0], reason_rx))
    check("[Stage2]" not in text, "stage2 ran on a bad image")


def load_igvm(args):
    with open(args.igvm, "rb") as f:
        return igvmfile.IgvmFile(f.read())


def test_bad_magic(args):
    f = load_igvm(args)
    f.set_u32(0, 0x12345678)
    expect_loader_error(args, f.bytes(), r"magic")


def test_bad_checksum(args):
    f = load_igvm(args)
    off, _, _ = next(f.page_data())
    f.data[off + 8] ^= 0x10  # a GPA bit, checksum left stale
    expect_loader_error(args, f.bytes(), r"checksum")


def test_truncated(args):
    f = load_igvm(args)
    expect_loader_error(args, f.bytes()[:len(f.data) // 2], r"size|truncat")


def test_header_outside_file(args):
    f = load_igvm(args)
    off = next(o for o, _, foff in f.page_data() if foff)
    f.set_u32(off + 8 + 12, len(f.data) + 0x1000)
    expect_loader_error(args, f.fix_checksum().bytes(), r"outside")


def test_overlapping_pages(args):
    f = load_igvm(args)
    pages = list(f.page_data())
    first_gpa = pages[0][1]
    f.set_u64(pages[1][0] + 8, first_gpa)
    expect_loader_error(args, f.fix_checksum().bytes(), r"overlap")


def test_page_in_loader_memory(args):
    f = load_igvm(args)
    off = next(f.page_data())[0]
    f.set_u64(off + 8, 0x2000)
    expect_loader_error(args, f.fix_checksum().bytes(), r"loader")


def test_not_enough_memory(args):
    text, rc = boot(args.svsm_bin, until=None, mem="192M")
    check(rc == KERNEL_FAIL_EXIT, "exit code %s; log:\n%s" % (rc, text))
    lines_in_order(text, [
        r"^\[Stage2\] ERROR: no RAM range can hold the 0x10000000-byte "
        r"kernel region; give the VM more memory$"])
    check("Launching SVSM kernel" not in text, "the kernel was launched")


def test_loader_checks_required_memory(args):
    """A preset with a fixed kernel region adds REQUIRED_MEMORY; the loader
    must refuse to start when that memory is not RAM."""
    f = load_igvm(args)
    # Turn the first parameter-area directive into REQUIRED_MEMORY
    # 0x40000000+16 MiB: same body length (24 bytes) as PAGE_DATA, so use a
    # page-data record instead and rewrite it in place.
    off = next(f.page_data())[0]
    f.set_u32(off, igvmfile.REQUIRED_MEMORY)
    f.set_u64(off + 8, 0x40000000)      # gpa
    f.set_u32(off + 16, 0x2)            # mask: native
    f.set_u32(off + 20, 0x1000000)      # number_of_bytes
    f.set_u32(off + 24, 0)              # flags
    f.set_u32(off + 28, 0)              # reserved
    expect_loader_error(args, f.fix_checksum().bytes(),
                        r"required memory 0x40000000-0x41000000 is not "
                        r"guest RAM", mem="512M")


def test_kernel_segment_outside_region(args):
    f = load_igvm(args)
    elf_page = next(foff for _, gpa, foff in f.page_data()
                    if gpa == 0x100000)
    phoff = int.from_bytes(f.data[elf_page + 32:elf_page + 40], "little")
    # First program header's p_vaddr: below the kernel virtual base.
    f.set_u64(elf_page + phoff + 16, 0xffffff7000000000)
    with tempfile.TemporaryDirectory() as tmp:
        text, rc = boot(wrap(args, f.bytes(), tmp), until=None)
    check(rc == KERNEL_FAIL_EXIT, "exit code %s; log:\n%s" % (rc, text))
    lines_in_order(text, [
        r"^\[Stage2\] ERROR: kernel segment 0xffffff7000000000-0x[0-9a-f]+ "
        r"is outside the kernel region 0xffffff8000000000-0xffffff80[0-9a-f]+$"])
    check("Launching SVSM kernel" not in text, "the kernel was launched")


GIB = 1 << 30
MIB = 1 << 20
SVSM_REGION = 256 * MIB


def expected_regions(mem):
    """Guest RAM QEMU's q35 gives for -m mem (below 4 GiB up to 2 GiB when
    the memory exceeds 2.75 GiB, the rest above 4 GiB), minus the SVSM's
    256 MiB at the top of the highest range."""
    low = mem if mem < 0xb0000000 else 2 * GIB
    ranges = [[0, low]] + ([[4 * GIB, 4 * GIB + mem - low]] if mem > low
                           else [])
    ranges[-1][1] -= SVSM_REGION
    return [tuple(r) for r in ranges if r[1] > r[0]]


def check_machine(args, mem_str, mem, smp):
    text, _ = boot(args.svsm_bin, mem=mem_str, smp=smp)
    rx = re.compile(r"^\[SVSM\]   ([0-9a-f]{18})-([0-9a-f]{18})$")
    regions = [(int(m.group(1), 16), int(m.group(2), 16))
               for m in map(rx.match, text.splitlines()) if m]
    check(regions == expected_regions(mem),
          "-m %s: regions %s, expected %s" % (mem_str, [tuple(map(hex, r))
                                                       for r in regions],
                                             [tuple(map(hex, r)) for r in
                                              expected_regions(mem)]))
    lines_in_order(text, [r"^\[SVSM\] Guest Memory Regions:$",
                          r"^\[SVSM\] %d CPU\(s\) present$" % smp,
                          "^" + re.escape(READY) + "$"])
    online = re.findall(r"^\[SVSM\] CPU (\d+) \(APIC ID (\d+)\) is online$",
                        text, re.M)
    check(sorted(int(c) for c, _ in online) == list(range(1, smp)),
          "-smp %d: APs online %s" % (smp, online))


def test_smp_1_2_4_8(args):
    for smp in (1, 2, 4, 8):
        check_machine(args, "512M", 512 * MIB, smp)


def test_memory_512m_3g_8g(args):
    for mem_str, mem in (("512M", 512 * MIB), ("3G", 3 * GIB),
                         ("8G", 8 * GIB)):
        check_machine(args, mem_str, mem, 2)


def test_guide_regions_with_8g(args):
    text, _ = boot(args.svsm_bin, mem="8G", smp=8)
    lines_in_order(text, [
        r"^\[SVSM\] Guest Memory Regions:$",
        r"^\[SVSM\]   000000000000000000-000000000080000000$",
        r"^\[SVSM\]   000000000100000000-000000000270000000$",
        r"^\[SVSM\] 8 CPU\(s\) present$"])


def test_acpi_tables_missing(args):
    """A build reading ACPI from a fw_cfg file that does not exist stops
    with the installation guide's message."""
    out = "build/e2e-acpi-missing"
    subprocess.run(["make", "-s", "BUILD=" + out, "BIN=" + out + "/bin",
                    "ACPI_TABLES_PATH=etc/does-not-exist", out + "/bin/svsm.bin"],
                   check=True, stdout=subprocess.DEVNULL)
    text, _ = boot(out + "/bin/svsm.bin",
                   until="Failed to load ACPI tables: FwCfg(FileNotFound)")
    lines_in_order(text, [
        r"^\[SVSM\] ERROR: Panic on CPU\[0\]! COCONUT-SVSM Version: ",
        r"^\[SVSM\] ERROR: Info: panicked at kernel/base/machine.c:\d+:$",
        r"^\[SVSM\] ERROR: Failed to load ACPI tables: FwCfg\(FileNotFound\)$"])
    check(READY not in text, "boot went on without ACPI tables")


def boot_test_kernel(args, fw_cfg_opts, smp=2):
    extra = []
    for name, value in fw_cfg_opts:
        extra += ["-fw_cfg", "name=opt/svsm/%s,string=%s" % (name, value)]
    return boot(args.test_bin, until=None, smp=smp, extra=extra)


def crash_report(args, what):
    text, rc = boot_test_kernel(args, [("crash", what)])
    check(rc == KERNEL_FAIL_EXIT, "crash %s: exit code %s; log:\n%s" %
          (what, rc, text))
    check("running " not in text, "tests ran after the crash")
    return text


def test_exception_report_page_fault(args):
    text = crash_report(args, "pagefault")
    m = lines_in_order(text, [
        r"^\[SVSM\] ERROR: Fatal exception on CPU\[0\]: unhandled exception$",
        r"^\[SVSM\] ERROR:   Vector 14 \(#PF\), error code 0x2$",
        r"^\[SVSM\] ERROR:   RIP (0x[0-9a-f]{16}) RSP 0x[0-9a-f]{16} RFLAGS 0x[0-9a-f]{16}$",
        r"^\[SVSM\] ERROR:   CR2 0xfffffe003f000008 CS 0x8 SS 0x10$",
        r"^\[SVSM\] ERROR:   RAX 0x[0-9a-f]{16} RBX 0x[0-9a-f]{16} RCX 0x[0-9a-f]{16}$",
        r"^\[SVSM\] ERROR:   R13 0x[0-9a-f]{16} R14 0x[0-9a-f]{16} R15 0x[0-9a-f]{16}$",
        r"^\[SVSM\] ERROR: Backtrace:$",
        r"^\[SVSM\] ERROR:   #0 (0x[0-9a-f]{16}) crash_page_fault\+0x[0-9a-f]+$",
        r"^\[SVSM\] ERROR:   #1 0x[0-9a-f]{16} kernel_main_runtime\+0x[0-9a-f]+$"])
    check(m[2].group(1) == m[7].group(1), "backtrace #0 is not RIP")


def test_exception_report_stack_overflow(args):
    text = crash_report(args, "stack-overflow")
    m = lines_in_order(text, [
        r"^\[SVSM\] ERROR:   Vector 14 \(#PF\), error code 0x2$",
        r"^\[SVSM\] ERROR:   CR2 (0x[0-9a-f]{16}) ",
        r"^\[SVSM\] ERROR:   #0 0x[0-9a-f]{16} crash_stack_overflow\+"])
    cr2 = int(m[1].group(1), 16)
    # The BSP's runtime stack sits right above the guard page at
    # PERCPU_VIRT_BASE + 2 MiB (docs/memory-map.md).
    guard = 0xffffff0000200000
    check(guard <= cr2 < guard + 0x1000, "CR2 %#x is not in the guard page"
          % cr2)


def test_exception_report_invalid_opcode(args):
    text = crash_report(args, "ud")
    lines_in_order(text, [r"^\[SVSM\] ERROR:   Vector 6 \(#UD\), error code 0x0$",
                          r"^\[SVSM\] ERROR:   #0 0x[0-9a-f]{16} svsm_test_crash_hook(\.cold)?\+"])


def test_exception_report_divide_error(args):
    text = crash_report(args, "divide")
    lines_in_order(text, [r"^\[SVSM\] ERROR:   Vector 0 \(#DE\), error code 0x0$",
                          r"^\[SVSM\] ERROR:   #0 0x[0-9a-f]{16} crash_divide\+"])


def test_panic_report(args):
    text = crash_report(args, "panic")
    lines_in_order(text, [
        r"^\[SVSM\] ERROR: Panic on CPU\[0\]! COCONUT-SVSM Version: \S+$",
        r"^\[SVSM\] ERROR: Info: panicked at tests/in-svsm/hooks.c:\d+:$",
        r"^\[SVSM\] ERROR: crash test panic 42$",
        r"^\[SVSM\] ERROR:   #0 0x[0-9a-f]{16} svsm_test_crash_hook\+"])


def test_absent_ap_is_reported(args):
    text, rc = boot_test_kernel(args, [("extra-apic-id", "77")], smp=2)
    check(rc == (0x10 << 1) | 1, "exit code %s; log:\n%s" % (rc, text))
    lines_in_order(text, [
        r"^\[SVSM\] 2 CPU\(s\) present$",
        r"^\[SVSM\] test: added absent CPU with APIC ID 77$",
        r"^\[SVSM\] CPU 1 \(APIC ID 1\) is online$",
        r"^\[SVSM\] ERROR: CPU with APIC ID 77 did not come up; continuing without it$",
        r"^\[SVSM\] \d+ passed, 0 failed$"])


def make_fails(args, make_args, message_rx, build_dir="build/e2e-build"):
    r = subprocess.run(["make", "-s", "BUILD=" + build_dir,
                        "BIN=" + build_dir + "/bin"] + make_args + ["all"],
                       capture_output=True, text=True)
    check(r.returncode != 0, "make %s succeeded" % " ".join(make_args))
    check(re.search(message_rx, r.stderr + r.stdout, re.M),
          "make %s: no /%s/ in:\n%s" % (" ".join(make_args), message_rx,
                                       r.stderr + r.stdout))


def test_build_rejects_bad_variables(args):
    make_fails(args, ["FW_FILE=/nonexistent/OVMF.fd"],
               r"^igvmbuilder: firmware FW_FILE=/nonexistent/OVMF.fd: "
               r"No such file or directory$")
    make_fails(args, ["FW_FILE=/etc/hostname"],
               r"^igvmbuilder: firmware /etc/hostname is not a UEFI firmware "
               r"volume")
    make_fails(args, ["FEATURES=log-debug,no-such-feature"],
               r"unknown feature\(s\): no-such-feature \(known: ")
    make_fails(args, ["CONFIG=configs/no-such.json"],
               r"CONFIG=configs/no-such.json: no such file")
    make_fails(args, ["RELEASE=yes"], r"RELEASE must be 1 or unset")


def test_build_is_reproducible_and_measured(args):
    """Two builds from the same inputs give byte-identical images, and make
    prints the SNP launch digest that igvmmeasure computes."""
    digests = []
    for n in (1, 2):
        out = "build/e2e-repro%d" % n
        shutil.rmtree(out, ignore_errors=True)  # two builds from scratch
        r = subprocess.run(["make", "BUILD=" + out, "BIN=" + out + "/bin",
                            out + "/bin/coconut-qemu.igvm"],
                           capture_output=True, text=True)
        check(r.returncode == 0, "build %d failed:\n%s" % (n, r.stderr))
        m = re.search(r"^  Launch digest: ([0-9a-f]{96})$", r.stdout, re.M)
        check(m, "make did not print the launch digest:\n" + r.stdout)
        digests.append(m.group(1))
    with open("build/e2e-repro1/bin/coconut-qemu.igvm", "rb") as a, \
            open("build/e2e-repro2/bin/coconut-qemu.igvm", "rb") as b:
        check(a.read() == b.read(), "two builds differ")
    check(digests[0] == digests[1], "launch digests differ")
    r = subprocess.run(["build/e2e-repro1/bin/igvmmeasure",
                        "build/e2e-repro1/bin/coconut-qemu.igvm", "measure"],
                       capture_output=True, text=True, check=True)
    check(r.stdout.strip() == digests[0], "igvmmeasure disagrees with make")


def test_build_rejects_bad_config(args):
    with tempfile.TemporaryDirectory() as tmp:
        for name, mutate, rx in (
                ("key", lambda c: c["igvm"].update(bogus=1),
                 r'key "bogus": unknown key in "igvm"'),
                ("platform", lambda c: c["igvm"].update(platforms=["tdx"]),
                 r'key "platforms": unknown platform "tdx"'),
                ("comport", lambda c: c["igvm"].update(comport=9),
                 r'key "comport": must be 1, 2, 3 or 4'),
                ("region", lambda c: c["igvm"].update(
                    kernel_region={"size": "0x123"}),
                 r'key "kernel_region": size must be 2 MiB aligned')):
            with open("configs/qemu-target.json") as f:
                cfg = json.load(f)
            mutate(cfg)
            path = os.path.join(tmp, "bad-%s.json" % name)
            with open(path, "w") as f:
                json.dump(cfg, f)
            make_fails(args, ["CONFIG=" + path],
                       r"igvmbuilder: %s: %s" % (re.escape(path), rx))


GDB_BUILD = "build/e2e-gdb"


def build_gdb_image():
    subprocess.run(["make", "-s", "BUILD=" + GDB_BUILD, "BIN=" + GDB_BUILD +
                    "/bin", "FEATURES=enable-gdb", "all"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return GDB_BUILD + "/bin/svsm.bin", GDB_BUILD + "/bin/svsm-kernel.elf"


def free_port():
    import socket
    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        return sk.getsockname()[1]


class GdbVm:
    """QEMU with COM2 as a TCP server and a boot-time break."""

    def __init__(self, image, smp=2):
        self.tmp = tempfile.TemporaryDirectory()
        self.log = os.path.join(self.tmp.name, "serial.log")
        self.port = free_port()
        self.proc = subprocess.Popen(
            qemu_cmd(image, self.log, smp=smp, extra=[
                "-serial", "tcp:127.0.0.1:%d,server=on,wait=off" % self.port,
                "-fw_cfg", "name=opt/svsm/gdb-break,string=1"]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wait_for("* Waiting for connection from GDB *")

    def text(self):
        return read_log(self.log) if os.path.exists(self.log) else ""

    def wait_for(self, what, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if what in self.text():
                return
            time.sleep(0.05)
        raise TestFailure("'%s' not seen; log:\n%s" % (what, self.text()))

    def close(self):
        self.proc.kill()
        self.proc.wait()
        self.tmp.cleanup()


def test_gdb_default_build_has_no_stub(args):
    out = subprocess.run(["nm", args.kernel_elf], capture_output=True,
                         text=True, check=True).stdout
    gdb_syms = [l for l in out.splitlines() if "gdb" in l.lower()]
    check(not gdb_syms, "default kernel contains GDB symbols: %s" % gdb_syms)
    image, elf = build_gdb_image()
    out = subprocess.run(["nm", elf], capture_output=True, text=True,
                         check=True).stdout
    check("gdb_feed" in out and "gdb_init" in out,
          "FEATURES=enable-gdb did not compile the stub in")


def test_gdb_session(args):
    image, elf = build_gdb_image()
    vm = GdbVm(image)
    script = """set pagination off
set confirm off
symbol-file %s
target extended-remote 127.0.0.1:%d
info registers rip rsp cs ss eflags
x/4gx &gdb_boot_pattern
bt
info threads
break gdb_boot_marker
continue
bt
print $rip
stepi
print $rip
watch gdb_boot_counter
continue
detach
""" % (elf, vm.port)
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".gdb") as f:
            f.write(script)
            f.flush()
            r = subprocess.run(["gdb", "-batch", "-nx", "-x", f.name],
                               capture_output=True, text=True, timeout=90)
        out = r.stdout + r.stderr
        vm.wait_for(READY)
        lines_in_order(vm.text(), [
            r"^\[SVSM\] \*{35}$",
            r"^\[SVSM\] \* Waiting for connection from GDB \*$",
            r"^\[SVSM\] \*{35}$",
            r"^\[SVSM\] gdb: boot continues$",
            "^" + re.escape(READY) + "$"])
    finally:
        vm.close()
    m = lines_in_order(out, [
        r"^rip +(0xffffff80[0-9a-f]{8}) .*<gdb_boot_break\+\d+>",
        r"^rsp +0xffffff00[0-9a-f]{8}",
        r"^cs +0x8 ",
        r"^ss +0x10 ",
        r"<gdb_boot_pattern>:\s+0x1122334455667788\s+0x99aabbccddeeff00$",
        r"<gdb_boot_pattern\+16>:\s+0x0123456789abcdef\s+0xfedcba9876543210$",
        r"^#0 +gdb_boot_break \(\) at kernel/debug/gdb_stub.c",
        r"^#1 +0x[0-9a-f]+ in kernel_main_runtime ",
        r"^\* 1 +Thread 1 \(CPU 0\)",
        r"^  2 +Thread 2 \(CPU 1\)",
        r"^Breakpoint 1 at 0x[0-9a-f]+: file kernel/debug/gdb_stub.c",
        r"^Thread 1 hit Breakpoint 1, gdb_boot_marker \(\)",
        r"^#0 +gdb_boot_marker \(\)",
        r"^#1 +0x[0-9a-f]+ in gdb_boot_break \(\)",
        r"^\$1 = \(void \(\*\)\(\)\) (0x[0-9a-f]+) <gdb_boot_marker>",
        r"^\$2 = \(void \(\*\)\(\)\) (0x[0-9a-f]+) <gdb_boot_marker\+\d+>",
        r"^Hardware watchpoint 2: gdb_boot_counter$",
        r"^Thread 1 hit Hardware watchpoint 2: gdb_boot_counter$",
        r"^Old value = 0$",
        r"^New value = 1$",
        r"^\[Inferior 1 \(Remote target\) detached\]$"])
    check(int(m[15].group(1), 16) > int(m[14].group(1), 16),
          "stepi did not advance rip")


def rsp_packet(data):
    raw = data.encode("latin-1")
    return b"$" + raw + b"#%02x" % (sum(raw) & 0xff)


def rsp_reply(sock, timeout=20):
    """Reads one reply packet (skipping acks), acknowledges it."""
    sock.settimeout(timeout)
    buf = b""
    while True:
        chunk = sock.recv(1)
        if not chunk:
            raise TestFailure("stub closed the connection")
        buf += chunk
        start = buf.find(b"$")
        end = buf.find(b"#", start + 1) if start >= 0 else -1
        if end >= 0 and len(buf) >= end + 3:
            body = buf[start + 1:end]
            check(int(buf[end + 1:end + 3], 16) == sum(body) & 0xff,
                  "bad checksum from the stub")
            sock.sendall(b"+")
            return body.decode("latin-1")


def test_gdb_ctrl_c_and_bad_input(args):
    import socket
    image, _ = build_gdb_image()
    vm = GdbVm(image)
    try:
        sock = socket.create_connection(("127.0.0.1", vm.port))
        sock.sendall(b"garbage+-" + rsp_packet("?"))
        check(rsp_reply(sock).startswith("T05thread:1;"), "no stop reply")
        sock.sendall(b"$m0,8#00")  # bad checksum
        sock.settimeout(5)
        check(sock.recv(1) == b"-", "bad checksum not refused")
        for pkt, want in (("m0,8", "E14"),  # unmapped address
                          ("m1000,8", "E14"),
                          ("M1000,2:abcd", "E14"),
                          ("Z0,1000,1", "E16"),  # outside kernel text
                          ("m" + "f" * 17 + ",8", "E16"),
                          ("p999", "E16"),
                          ("Hg99", "E02"),
                          ("x" * 5000, "E01")):  # oversized
            sock.sendall(rsp_packet(pkt))
            got = rsp_reply(sock)
            check(got == want, "%s -> %s, expected %s" % (pkt[:20], got, want))
        answers = []
        for i in range(5):
            sock.sendall(rsp_packet("Z2,%x,8" % (0xffffff8000100000 + 8 * i)))
            answers.append(rsp_reply(sock))
        check(answers == ["OK"] * 4 + ["E1c"],
              "watchpoints beyond the 4 debug registers: %s" % answers)
        for i in range(4):
            sock.sendall(rsp_packet("z2,%x,8" % (0xffffff8000100000 + 8 * i)))
            check(rsp_reply(sock) == "OK", "z2 failed")
        sock.sendall(rsp_packet("c"))
        vm.wait_for(READY)
        time.sleep(0.5)
        sock.sendall(b"\x03")
        check(rsp_reply(sock).startswith("T02thread:1;"),
              "Ctrl-C did not stop the running kernel")
        sock.sendall(rsp_packet("qC"))
        check(rsp_reply(sock) == "QC1", "qC after the interrupt")
        sock.sendall(rsp_packet("D"))
        check(rsp_reply(sock) == "OK", "detach")
        sock.close()
    finally:
        vm.close()


TESTS = [v for k, v in sorted(globals().items()) if k.startswith("test_")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--svsm-bin", default="bin/svsm.bin")
    ap.add_argument("--igvm", default="bin/coconut-qemu.igvm")
    ap.add_argument("--loader", default="bin/svsm-loader.bin")
    ap.add_argument("--mksvsmbin", default="bin/mksvsmbin")
    ap.add_argument("--test-bin", default="bin/svsm-test.bin")
    ap.add_argument("--kernel-elf", default="bin/svsm-kernel.elf")
    ap.add_argument("-k", default="")
    args = ap.parse_args()
    failed = 0
    run = [t for t in TESTS if args.k in t.__name__]
    for t in run:
        start = time.time()
        try:
            t(args)
            print("e2e %s ... ok (%.1fs)" % (t.__name__, time.time() - start))
        except TestFailure as e:
            failed += 1
            print("e2e %s ... FAILED: %s" % (t.__name__, e))
    print("e2e: %d passed, %d failed" % (len(run) - failed, failed))
    return 1 if failed or not run else 0


if __name__ == "__main__":
    sys.exit(main())
