#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Captures the fw_cfg files QEMU gives the firmware (etc/acpi/rsdp,
# etc/acpi/tables, etc/e820, etc/table-loader) as the test data of
# tests/unit/test_acpi.c, test_acpi_loader.c and test_e820.c, and the fuzz
# seeds in tests/fuzz/corpus/{acpi,acpi_loader,e820}.
#
# Usage (from the repo root): scripts/capture-acpi-blobs.sh [OUTDIR [SEEDDIR]]
#   OUTDIR defaults to tests/data/acpi, SEEDDIR to tests/fuzz/corpus;
#   QEMU=path overrides the binary. Writes
#   OUTDIR/<name>/{rsdp,tables,e820,table-loader} for each machine below,
#   OUTDIR/<name>/dir.txt (the fw_cfg file directory, for reference), and
#   fuzz seeds in SEEDDIR/{acpi,acpi_loader,e820}/ in the input formats
#   described at the top of tests/fuzz/fuzz_{acpi,acpi_loader,e820}.c.
#
# No guest runs: QEMU starts with its vCPUs stopped (-S) and the qtest
# protocol on stdin/stdout does the port I/O a guest would do (select a
# fw_cfg item on port 0x510, read it byte by byte on 0x511; QEMU
# docs/specs/fw_cfg.rst), then a reset through port 0xCF9 with -no-reboot
# makes QEMU exit. The blobs are exactly what fw_cfg serves, i.e. before
# the firmware runs etc/table-loader (QEMU's linker/loader script, also
# captured), so the pointers inside the ACPI tables are offsets into the
# etc/acpi/tables blob and the checksums are zero. The output only depends
# on the QEMU version and the machine options, so reruns are reproducible.
set -euo pipefail

QEMU=${QEMU:-qemu-system-x86_64}
OUT=${1:-tests/data/acpi}
SEEDS=${2:-tests/fuzz/corpus}
FILES="etc/acpi/rsdp etc/acpi/tables etc/e820 etc/table-loader"
# name  -smp  -m  [-device]. q35-smp4-max6-sparse has hot-pluggable CPUs,
# which QEMU lists in the MADT as disabled, and 3 cores per socket, which
# leaves a hole in the APIC IDs (0 1 2 4, then 5 6 disabled). The vmgenid
# device adds a file to etc/table-loader that is not an ACPI blob
# (etc/vmgenid_guid), pointed to from an SSDT, and a WRITE_POINTER command.
MACHINES="
q35-smp1-512m 1 512M
q35-smp2-512m 2 512M
q35-smp4-512m 4 512M
q35-smp8-512m 8 512M
q35-smp2-3g 2 3G
q35-smp2-8g 2 8G
q35-smp4-max6-sparse 4,maxcpus=6,sockets=2,cores=3,threads=1 512M
q35-smp2-vmgenid 2 512M vmgenid
"

for tool in "$QEMU" xxd awk od dd; do
	if ! command -v "$tool" >/dev/null; then
		echo "$0: $tool not found" >&2
		exit 1
	fi
done

# Runs QEMU (-smp $1 -m $2, and -device $3 if set) with the qtest commands
# on stdin; prints one hex byte per line for every "inb". Any qtest failure
# stops the script.
qtest() {
	"$QEMU" -machine q35 -accel tcg -cpu max -smp "$1" -m "$2" -S \
		${3:+-device "$3"} \
		-display none -serial null -monitor none -no-reboot \
		-qtest stdio -qtest-log /dev/null |
		awk '$1 != "OK" { print "qtest: " $0 > "/dev/stderr"; exit 1 }
		     NF == 2 { print substr($2, 5, 2) }'
}

# Reads the selected item's first $1 bytes.
inb_cmds() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) print "inb 0x511" }'
}

reset_cmd() {
	echo "outb 0xcf9 0x6"
}

# fw_cfg file directory (item 0x19): u32 BE count, then 64-byte entries
# {u32 BE size, u16 BE select, u16 reserved, char name[56]}.
# Prints "name select size" lines; at most 128 files are read.
read_dir() {
	{ echo "outw 0x510 0x19"; inb_cmds $((4 + 64 * 128)); reset_cmd; } |
		qtest "$1" "$2" "$3" |
		awk 'function h(i) {
			return index(X, substr(b[i], 1, 1)) * 16 - 17 + \
			       index(X, substr(b[i], 2, 1))
		     }
		     function be(i, n,   v, k) {
			v = 0
			for (k = 0; k < n; k++) {
				v = v * 256 + h(i + k)
			}
			return v
		     }
		     BEGIN { X = "0123456789abcdef" }
		     { b[NR - 1] = $1 }
		     END {
			n = be(0, 4)
			if (n > 128) {
				n = 128
			}
			for (e = 0; e < n; e++) {
				o = 4 + 64 * e
				name = ""
				for (i = o + 8; i < o + 64; i++) {
					if (!h(i)) {
						break
					}
					name = name sprintf("%c", h(i))
				}
				printf "%s 0x%x %d\n", name, be(o + 4, 2),
				       be(o, 4)
			}
		     }'
}

capture() {
	local name=$1 smp=$2 mem=$3 dev=$4 dir=$OUT/$1 f sel size cmds=""
	local sizes=""

	mkdir -p "$dir"
	read_dir "$smp" "$mem" "$dev" >"$dir/dir.txt"
	for f in $FILES; do
		read -r sel size < <(awk -v f="$f" '$1 == f { print $2, $3 }' \
			"$dir/dir.txt")
		if [ -z "${sel:-}" ]; then
			echo "$0: $name: no fw_cfg file $f" >&2
			exit 1
		fi
		cmds+="outw 0x510 $sel"$'\n'"$(inb_cmds "$size")"$'\n'
		sizes+="$size "
	done
	printf '%s%s\n' "$cmds" "$(reset_cmd)" | qtest "$smp" "$mem" "$dev" \
		>"$dir/hex"
	# Split the byte stream back into the files, in $FILES order.
	for f in $FILES; do
		size=${sizes%% *}
		sizes=${sizes#* }
		head -n "$size" "$dir/hex" | tr -d '\n' | xxd -r -p \
			>"$dir/$(basename "$f")"
		tail -n +"$((size + 1))" "$dir/hex" >"$dir/hex.rest"
		mv "$dir/hex.rest" "$dir/hex"
		if [ "$(stat -c %s "$dir/$(basename "$f")")" != "$size" ]; then
			echo "$0: $name: short read of $f" >&2
			exit 1
		fi
	done
	rm -f "$dir/hex"
	echo "$name: -smp $smp -m $mem${dev:+ -device $dev} -> $dir"
}

# Little-endian unsigned integers: reading $3 bytes of file $1 at $2, and
# printing $1 as $2 bytes.
rdle() {
	od -An -tu"$3" -j "$2" -N "$3" "$1" | tr -d ' '
}

# $3 bytes of file $1 from offset $2.
bytes() {
	dd if="$1" iflag=skip_bytes,count_bytes skip="$2" count="$3" bs=4096 \
		status=none
}

le() {
	local v=$1 i

	for ((i = 0; i < $2; i++)); do
		printf '\\x%02x' $((v & 255))
		v=$((v >> 8))
	done
}

# fuzz_acpi input: mode, rsdp length, max CPUs, rsdp, tables. The tables
# blob is cut after the last table the RSDT reaches (QEMU pads it with
# zeros to 128 KiB), and the MADT is also given alone (modes 2 and 3).
acpi_seeds() {
	local dir=$1 name=$2 out=$SEEDS/acpi/$2 t=$1/tables rsdt len end i e tl
	local madt=0 mlen=0

	rsdt=$(rdle "$dir/rsdp" 16 4)
	len=$(rdle "$dir/tables" $((rsdt + 4)) 4)
	end=$((rsdt + len))
	for ((i = 36; i < len; i += 4)); do
		e=$(rdle "$dir/tables" $((rsdt + i)) 4)
		tl=$(rdle "$dir/tables" $((e + 4)) 4)
		if ((e + tl > end)); then
			end=$((e + tl))
		fi
		if [ "$(bytes "$dir/tables" "$e" 4)" = APIC ]; then
			madt=$e
			mlen=$tl
		fi
	done
	mkdir -p "$SEEDS/acpi"
	{ printf '\x04\x14\x40'; cat "$dir/rsdp"; bytes "$t" 0 "$end"; } \
		>"$out-unpatched"
	{ printf '\x01\x14\x40'; cat "$dir/rsdp"; bytes "$t" 0 "$end"; } \
		>"$out-fixsum"
	{ printf '\x02\x00\x40'; bytes "$t" $((madt + 36)) $((mlen - 36)); } \
		>"$out-madt-body"
	{ printf '\x07\x00\x40'; bytes "$t" "$madt" "$mlen"; } \
		>"$out-bare-madt"
	xsdt_seed "$dir" "$out-xsdt" "$rsdt" "$len" "$end"
}

# QEMU's x86 RSDP is revision 0 (RSDT only), so this seed adds what a
# revision 2 RSDP would: an XSDT after the tables, with the RSDT's entries
# widened to 64 bits. Its checksums are left to the fuzzer (mode 1).
xsdt_seed() {
	local dir=$1 rsdt=$3 end=$5 i e n=$((($4 - 36) / 4))

	{
		printf '\x01\x24\x40'
		bytes "$dir/rsdp" 0 15
		printf '%b' "\\x02$(le "$rsdt" 4)$(le 36 4)$(le "$end" 8)"
		printf '\0\0\0\0'
		bytes "$dir/tables" 0 "$end"
		printf '%b' "XSDT$(le $((36 + 8 * n)) 4)"
		bytes "$dir/tables" $((rsdt + 8)) 28
		for ((i = 0; i < n; i++)); do
			e=$(rdle "$dir/tables" $((rsdt + 36 + 4 * i)) 4)
			printf '%b' "$(le "$e" 8)"
		done
	} >"$2"
}

# fuzz_acpi_loader input: flags, max CPUs, rsdp length, script length (u16
# LE), rsdp, script, tables. The script is cut after its last command (QEMU
# pads it with zero commands to 4 KiB) and the tables blob after the RSDT,
# the last table, as above.
loader_seeds() {
	local dir=$1 out=$SEEDS/acpi_loader/$2 s=$1/table-loader
	local len=0 off rsdt end

	for ((off = 0; off < $(stat -c %s "$s"); off += 128)); do
		if [ "$(rdle "$s" "$off" 4)" != 0 ]; then
			len=$((off + 128))
		fi
	done
	rsdt=$(rdle "$dir/rsdp" 16 4)
	end=$((rsdt + $(rdle "$dir/tables" $((rsdt + 4)) 4)))
	mkdir -p "$SEEDS/acpi_loader"
	{
		printf '%b' "\\x00\\x40\\x14$(le "$len" 2)"
		cat "$dir/rsdp"
		bytes "$s" 0 "$len"
		bytes "$dir/tables" 0 "$end"
	} >"$out"
}

# fuzz_e820 input: max regions, a range to subtract (the 16 MiB at 256 MiB,
# like a kernel region), then the map: the e820 blob, and the same RAM as
# an IGVM memory map.
e820_seeds() {
	local dir=$1 out=$SEEDS/e820/$2 pre off size i

	pre="\\x10$(le $((0x10000000)) 8)$(le $((0x11000000)) 8)"
	size=$(stat -c %s "$dir/e820")
	mkdir -p "$SEEDS/e820"
	{ printf '%b' "$pre"; cat "$dir/e820"; } >"$out-e820"
	{
		printf '%b' "$pre"
		for ((off = 0; off < size; off += 20)); do
			if [ "$(rdle "$dir/e820" $((off + 16)) 4)" = 1 ]; then
				i=$(rdle "$dir/e820" "$off" 8)
				printf '%b' "$(le $((i >> 12)) 8)"
				i=$(rdle "$dir/e820" $((off + 8)) 8)
				printf '%b' "$(le $((i >> 12)) 8)"
				printf '\0\0\0\0\0\0\0\0'
			fi
		done
	} >"$out-igvm"
}

echo "$MACHINES" | while read -r name smp mem dev; do
	if [ -n "$name" ]; then
		capture "$name" "$smp" "$mem" "${dev:-}"
		acpi_seeds "$OUT/$name" "$name"
		loader_seeds "$OUT/$name" "$name"
		e820_seeds "$OUT/$name" "$name"
	fi
done
