#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a synthetic OVMF image: a UEFI firmware-volume header at the start
and, at the end, the reset-vector GUID table with an SEV metadata entry and an
SEV-ES reset block, as edk2's OvmfPkg/ResetVector lays them out (formats in
include/svsm/hw/ovmf.h). It boots nothing; it lets igvmbuilder's SEV-SNP path
run without a real OVMF (make bench; tests/unit/support/ovmf_fake.c builds
the same layout in C for the unit tests).

Usage: scripts/mkfakefw.py [--size 4M] [--no-metadata] [--fill random|zero]
                           OUTPUT
"""
import argparse
import random
import struct
import sys
import uuid

FOOTER_GUID = "96b582de-1fb2-45f7-baea-a366c55a082d"
SEV_METADATA_GUID = "dc886566-984a-4798-a75e-5585a7bf67cc"
SEV_ES_RESET_GUID = "00f771de-1a7e-4fcb-890e-68c77e2fb44e"
METADATA_FROM_END = 0x200

SEC_MEM, SECRETS, CPUID, SVSM_CAA, KERNEL_HASHES = 1, 2, 3, 4, 0x10
# The layout of an edk2 OvmfPkgX64 build with SVSM support, around 8 MiB.
DESCRIPTORS = [
    (0x800000, 0x9000, SEC_MEM),
    (0x809000, 0x3000, SEC_MEM),
    (0x80D000, 0x1000, SECRETS),
    (0x80E000, 0x1000, CPUID),
    (0x80F000, 0x1000, SVSM_CAA),
    (0x810000, 0x10000, SEC_MEM),
    (0x820000, 0x1000, KERNEL_HASHES),
]
AP_RESET = 0x80B004  # CS base 0x800000, IP 0xB004


def size_arg(text):
    units = {"K": 1 << 10, "M": 1 << 20}
    mult = units.get(text[-1:].upper(), 1)
    value = int(text[:-1] if mult > 1 else text, 0) * mult
    if value < 0x1000 or value % 0x1000 or value > 16 << 20:
        raise argparse.ArgumentTypeError(
            "%s: want a multiple of 4 KiB from 4 KiB to 16 MiB" % text)
    return value


def guid(text):
    return uuid.UUID(text).bytes_le


def entry(value, guid_text):
    """{u32 data, u16 length, GUID}: one 22-byte table entry."""
    return struct.pack("<IH", value, 22) + guid(guid_text)


def build(size, metadata, fill):
    if fill == "random":
        img = bytearray(random.Random(size).randbytes(size))
    else:
        img = bytearray(size)
    # EFI_FIRMWARE_VOLUME_HEADER: ZeroVector, FileSystemGuid, FvLength,
    # Signature "_FVH", Attributes, HeaderLength, Checksum, ExtHeaderOffset,
    # Reserved, Revision 2.
    img[0:0x38] = bytes(32) + struct.pack("<Q4sIHHHBB", size, b"_FVH", 0,
                                          0x48, 0, 0, 0, 2)
    # Entries are read downwards from the footer; their order is free.
    table = entry(AP_RESET, SEV_ES_RESET_GUID)
    if metadata:
        table += entry(METADATA_FROM_END, SEV_METADATA_GUID)
        asev = struct.pack("<4sIII", b"ASEV", 16 + 12 * len(DESCRIPTORS),
                           1, len(DESCRIPTORS))
        for base, length, kind in DESCRIPTORS:
            asev += struct.pack("<III", base, length, kind)
        at = size - METADATA_FROM_END
        img[at:at + len(asev)] = asev
    table += struct.pack("<H", len(table) + 18) + guid(FOOTER_GUID)
    end = size - 0x20
    img[end - len(table):end] = table
    # Padding, the VTF signature and the reset vector (a jmp) at the top.
    img[end:] = bytes(12) + b"VTF\0" + b"\xe9" + bytes(15)
    return bytes(img)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=size_arg, default=size_arg("4M"))
    ap.add_argument("--no-metadata", action="store_true",
                    help="a table without the SEV metadata entry")
    ap.add_argument("--fill", choices=("random", "zero"), default="random",
                    help="the body: seeded pseudo-random bytes (no two pages "
                    "alike, as in a compressed volume) or zeros")
    ap.add_argument("output")
    args = ap.parse_args()
    data = build(args.size, not args.no_metadata, args.fill)
    with open(args.output, "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
