#!/usr/bin/env bash
# `make fuzz`: runs each libFuzzer harness (build/fuzz/bin/NAME) for SECONDS
# on its seed corpus (tests/fuzz/corpus/NAME, read only). New inputs go to
# var/fuzz/NAME/corpus, kept from run to run; a finding (crash-*, leak-*,
# timeout-*, oom-*) and the log go to var/fuzz/NAME/. Prints per harness the
# executions, the inputs it keeps and what it found; exits 1 when any
# harness found something. Usage: tests/fuzz/run.sh SECONDS NAME...
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

seconds=${1:?usage: tests/fuzz/run.sh SECONDS NAME...}
shift
found=0
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
printf '%-12s %12s %8s  %s\n' harness executions inputs finding
for name in "$@"; do
  out="var/fuzz/$name"
  mkdir -p "$out/corpus"
  before=$(find "$out" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
  dict=()
  [ -f "tests/fuzz/$name.dict" ] && dict=("-dict=tests/fuzz/$name.dict")
  "build/fuzz/bin/$name" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$out/" "${dict[@]}" "$out/corpus" "tests/fuzz/corpus/$name" >"$out/log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log" | tail -n 1)
  after=$(find "$out" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
  new=$(comm -13 <(echo "$before") <(echo "$after") | sed '/^$/d')
  finding=none
  if [ "$rc" -ne 0 ] || [ -n "$new" ]; then
    found=1
    finding="FOUND ${new:-(exit $rc)}; log: $out/log"
  fi
  printf '%-12s %12s %8s  %s\n' "$name" "${runs:-?}" "$(find "$out/corpus" -type f | wc -l)" "$finding"
  if [ "$rc" -ne 0 ]; then
    grep -m 1 -A 14 -E '^==[0-9]+==ERROR|runtime error|check failed' "$out/log" | sed 's/^/    /'
  fi
done
if [ "$found" -ne 0 ]; then
  echo "fuzz: findings above; copy each input to tests/fuzz/corpus/NAME/ (as crash-*) so that make test replays it"
fi
exit "$found"
