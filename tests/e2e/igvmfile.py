# SPDX-License-Identifier: MIT
"""Just enough of the IGVM format to corrupt files on purpose in tests."""
import struct
import zlib

PAGE_DATA = 0x302
VP_CONTEXT = 0x304
REQUIRED_MEMORY = 0x305


class IgvmFile:
    def __init__(self, data):
        self.data = bytearray(data)
        (self.magic, self.version, self.vh_off, self.vh_size, self.total,
         self.checksum) = struct.unpack_from("<6I", self.data, 0)
        self.fixed_size = 32 if self.version == 2 else 24

    def records(self):
        """Yields (offset of the TLV, type, length) for each record."""
        off = self.vh_off
        while off < self.vh_off + self.vh_size:
            rtype, length = struct.unpack_from("<II", self.data, off)
            yield off, rtype, length
            off += 8 + ((length + 7) & ~7)

    def page_data(self):
        """Yields (record offset, gpa, file_offset) for each PAGE_DATA."""
        for off, rtype, _ in self.records():
            if rtype == PAGE_DATA:
                gpa, _mask, foff = struct.unpack_from("<QII", self.data,
                                                      off + 8)
                yield off, gpa, foff

    def set_u32(self, off, value):
        struct.pack_into("<I", self.data, off, value)

    def set_u64(self, off, value):
        struct.pack_into("<Q", self.data, off, value)

    def fix_checksum(self):
        hdr = bytearray(self.data[:self.fixed_size])
        struct.pack_into("<I", hdr, 20, 0)
        crc = zlib.crc32(bytes(hdr))
        crc = zlib.crc32(bytes(self.data[self.vh_off:self.vh_off +
                                         self.vh_size]), crc)
        struct.pack_into("<I", self.data, 20, crc & 0xffffffff)
        return self

    def bytes(self):
        return bytes(self.data)
