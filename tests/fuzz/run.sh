#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every fuzz target built by build.sh for SECONDS each: first over
# its regression inputs (tests/fuzz/regressions/<target>/), then fuzzing
# from a temporary copy of its seed corpus (tests/fuzz/corpus/<target>/)
# so that the tree is not modified.
#
#   tests/fuzz/run.sh SECONDS [BUILD_DIR]
#
# Prints one line per target and a summary; exits non-zero when any
# target crashed, leaked, timed out or is missing. Crash inputs are kept
# in BUILD_DIR/artifacts/<target>/ (copy a minimised one into
# regressions/<target>/ once the bug is fixed). Extra libFuzzer flags
# can be given in FUZZ_FLAGS (e.g. FUZZ_FLAGS=-jobs=2).
set -u

here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-}
build=${2:-$here/build}

if ! [[ "$secs" =~ ^[0-9]+$ ]] || [ "$secs" -lt 1 ]; then
	echo "usage: $0 SECONDS [BUILD_DIR]" >&2
	exit 2
fi
if [ ! -d "$build" ]; then
	echo "run.sh: $build does not exist: run tests/fuzz/build.sh first" >&2
	exit 2
fi
build=$(cd "$build" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/pt-fuzz.XXXXXX")
# Scratch files the targets write per input (fuzz_cache_entry): in
# memory when /dev/shm is there; removed at the end even after a crash.
scratch=$(mktemp -d /dev/shm/pt-fuzz.XXXXXX 2>/dev/null || mktemp -d "$work/scratch.XXXXXX")
trap 'rm -rf "$work" "$scratch"' EXIT
export PT_FUZZ_TMPDIR="$scratch"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Inputs longer than this are not tried: above the parsers' own limits
# where they have one (ini line 4096, cache entry 8192).
max_len_for() {
	case "$1" in
	fuzz_range) echo 256 ;;
	fuzz_extra_opts | fuzz_cache_entry) echo 12288 ;;
	*) echo 8192 ;;
	esac
}

# The useful part of a crash log: the sanitizer's or the invariant's
# message and the stack frames in our code (not libFuzzer's or libc's).
excerpt() {
	grep -a -E '^fuzz: |ERROR|SUMMARY|runtime error|Running:|READ of|WRITE of|^    #[0-9]' "$1" |
		grep -a -v -E 'in fuzzer::|in __sanitizer|in __asan|in __ubsan|in __interceptor|libc\.so|libc-start|pthread_kill|raise\.c|abort\.c| in _start ' |
		head -n "${2:-25}" | sed 's/^/    /'
}

# Pulls "stat::number_of_executed_units: N" from libFuzzer's log.
runs_in() {
	sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$1" | tail -n 1
}

passed=0
failed=0
for src in "$here"/fuzz_*.c; do
	name=$(basename "$src" .c)
	bin="$build/$name"
	log="$work/$name.log"
	if [ ! -x "$bin" ]; then
		echo "$name: not built ($bin missing)"
		failed=$((failed + 1))
		continue
	fi
	artifacts="$build/artifacts/$name"
	mkdir -p "$artifacts" "$work/$name/corpus"
	if [ -d "$here/corpus/$name" ]; then
		cp -R "$here/corpus/$name/." "$work/$name/corpus/"
	fi
	common=(-timeout=10 -rss_limit_mb=2048 -max_len="$(max_len_for "$name")"
		-artifact_prefix="$artifacts/")
	if [ -f "$here/dict/$name.dict" ]; then
		common+=(-dict="$here/dict/$name.dict")
	fi

	# 1. Regression inputs: each must run clean.
	regs=()
	if [ -d "$here/regressions/$name" ]; then
		while IFS= read -r -d '' f; do
			regs+=("$f")
		done < <(find "$here/regressions/$name" -type f ! -name '.*' -print0 | sort -z)
	fi
	if [ "${#regs[@]}" -gt 0 ]; then
		if ! "$bin" "${common[@]}" "${regs[@]}" >"$log" 2>&1; then
			echo "$name: 0 runs, regression input fails (log below)"
			excerpt "$log" 40
			failed=$((failed + 1))
			continue
		fi
	fi

	# 2. Fuzzing.
	# shellcheck disable=SC2086
	"$bin" "${common[@]}" -max_total_time="$secs" -print_final_stats=1 ${FUZZ_FLAGS:-} \
		"$work/$name/corpus" >"$log" 2>&1
	rc=$?
	runs=$(runs_in "$log")
	runs=${runs:-0}
	if [ "$rc" -eq 0 ]; then
		echo "$name: $runs runs, 0 crashes (${#regs[@]} regression inputs)"
		passed=$((passed + 1))
	else
		kind=$(grep -a -o -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer): [a-z-]+|ERROR: libFuzzer: [a-z -]+|runtime error|invariant failed' "$log")
		echo "$name: $runs runs, 1 crash (${kind:-exit $rc}); input in $artifacts/"
		excerpt "$log" 25
		cp "$log" "$artifacts/last.log"
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
