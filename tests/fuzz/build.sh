#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds every libFuzzer target tests/fuzz/fuzz_*.c with clang into
# BUILD_DIR (default tests/fuzz/build), compiling the library sources
# lib/**/*.c directly (once, shared by all targets).
#
#   tests/fuzz/build.sh [BUILD_DIR]
#
# Environment: CC (default clang), JOBS (parallel compiles, default 2),
# PT_BUILDDIR (where config.h is, default the repository root; run
# ./configure first), FUZZ_CFLAGS (added when compiling the targets).
# Exits non-zero on any failure.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$here/build}
cfgdir=${PT_BUILDDIR:-$root}
CC=${CC:-clang}
JOBS=${JOBS:-2}

if [ ! -f "$cfgdir/config.h" ]; then
	echo "build.sh: $cfgdir/config.h is missing: run ./configure first" >&2
	exit 1
fi
if ! command -v "$CC" >/dev/null 2>&1; then
	echo "build.sh: $CC not found (libFuzzer needs clang)" >&2
	exit 1
fi
deps_cflags=$(pkg-config --cflags libcurl json-c libssl libcrypto)
deps_libs=$(pkg-config --libs libcurl json-c libssl libcrypto)

san="-fsanitize=address,undefined -fno-sanitize-recover=all"
common="-g -O1 -fno-omit-frame-pointer -I$root/lib -I$cfgdir $deps_cflags"
lib_cflags="$common $san -fsanitize=fuzzer-no-link"
fuzz_cflags="$common $san -fsanitize=fuzzer -Wall -Wextra -I$here ${FUZZ_CFLAGS:-}"

mkdir -p "$out/obj"
out=$(cd "$out" && pwd)

# Library objects: all rebuilt when any library file, config.h or this
# script is newer than the last build.
stamp="$out/obj/.stamp"
flags_file="$out/obj/.flags"
printf '%s\n' "$CC $lib_cflags" >"$flags_file.new"
if [ ! -f "$stamp" ] || ! cmp -s "$flags_file" "$flags_file.new" ||
	[ -n "$(find "$root/lib" "$cfgdir/config.h" "$here/build.sh" -newer "$stamp" \
		\( -name '*.c' -o -name '*.h' -o -name build.sh \) -print | head -n 1)" ]; then
	rm -f "$out"/obj/*.o "$stamp"
	mv "$flags_file.new" "$flags_file"
	echo "build.sh: compiling lib/ with $CC"
	# shellcheck disable=SC2016 # the sh -c script expands its own variables
	(cd "$root" && find lib -name '*.c' | sort) |
		CC="$CC" FLAGS="$lib_cflags" ROOT="$root" OUT="$out/obj" \
			xargs -P "$JOBS" -I{} sh -c \
			'o="$OUT/$(echo "{}" | tr / _ | sed "s/\.c\$/.o/")"; $CC $FLAGS -c "$ROOT/{}" -o "$o" || { echo "build.sh: failed: {}" >&2; exit 255; }'
	touch "$stamp"
else
	rm -f "$flags_file.new"
fi
objs=$(ls "$out"/obj/*.o)

n=0
for src in "$here"/fuzz_*.c; do
	name=$(basename "$src" .c)
	echo "build.sh: $name"
	# shellcheck disable=SC2086 # flag lists are meant to split
	$CC $fuzz_cflags "$src" $objs $deps_libs -lm -o "$out/$name"
	n=$((n + 1))
done
if [ "$n" -eq 0 ]; then
	echo "build.sh: no fuzz_*.c in $here" >&2
	exit 1
fi
echo "build.sh: $n targets in $out"
