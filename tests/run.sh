#!/usr/bin/env bash
# Every test suite: unit tests (plain and ASan/UBSan builds), then a fresh
# test stack (its own ports, served by the ASan/UBSan build) and the API
# tests through the real nginx and PostgreSQL, then the browser tests.
# Ends with "N passed, N failed"; exits non-zero on any failure or any
# sanitizer report. Called by `make test` after the build. Its ports:
# THIDUA_HTTP_PORT and THIDUA_PG_PORT (deploy/stack.sh), five from
# THIDUA_TEST_PORTAL_PORTS for the push tests' stand-in portals (18161), and
# from THIDUA_TEST_SMTP_PORTS the SMTP servers of the stack and of the mail
# tests (18170 and the next ones). Then the scale-out tests (tests/scale/)
# against the stack `scale` (deploy/stack.sh: a streaming replica, two serve
# hosts on TCP) on THIDUA_SCALE_HTTP_PORT (18120), THIDUA_SCALE_PG_PORT
# (18133, and the next for the replica) and THIDUA_SCALE_FCGI_PORT (18140
# and the next).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

passed=0
failed=0
failures=()

run_suite() { # run_suite NAME COMMAND...
  local name=$1
  shift
  local log="$var/log/tests/${name//\//_}.log"
  local start=$SECONDS
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    printf '  ok    %-44s %3ss\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1))
    failures+=("$name")
    printf '  FAIL  %-44s %3ss  (log: %s)\n' "$name" $((SECONDS - start)) "${log#$root/}"
    tail -n 40 "$log" | sed 's/^/        /'
  fi
}

deploy/stack.sh stop test >/dev/null 2>&1 || true
rm -rf var/test
eval "$(deploy/stack.sh env test)"
var=$THIDUA_VAR
mkdir -p "$var/log/tests"
asan_log="$var/log/sanitizer"
mkdir -p "$asan_log"
if [ "$(id -u)" -eq 0 ]; then chown thidua "$asan_log"; fi
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

echo "code rules and the OpenAPI document"
run_suite lint/code tests/lint/code.sh
run_suite lint/openapi tests/lint/openapi.sh

echo "unit tests"
for t in build/plain/tests/test_* build/asan/tests/test_*; do
  [ -x "$t" ] || continue
  run_suite "${t#build/}" "$t"
done
for c in tests/fuzz/corpus/*/; do n=$(basename "$c"); run_suite "fuzz/$n" "build/asan/fuzz/$n" "$c"*; done

echo "starting the test stack"
# Exported: a test that stops `thidua serve` starts it again the same way.
export THIDUA_BIN="$root/build/asan/thidua" THIDUA_ASAN_LOG="$asan_log/thidua"
deploy/stack.sh start test || {
  echo "the test stack did not start"; tail -n 50 "$var"/log/*.log
  deploy/stack.sh stop test >/dev/null 2>&1; exit 1; }
export THIDUA_URL THIDUA_TEST_DB THIDUA_VAR THIDUA_CONFIG_FILE THIDUA_PG_BIN THIDUA_SVC_USER
export THIDUA_BIN_PATH="$THIDUA_BIN"
export THIDUA_ROOT="$root"

echo "API tests (through nginx on $THIDUA_URL)"
# Tests that stop workers or the database run last (names test_zz_*).
for t in build/asan/api/test_*; do
  [ -x "$t" ] || continue
  run_suite "${t#build/asan/}" "$t"
done

if [ -d tests/browser ] && ls tests/browser/*.test.mjs >/dev/null 2>&1; then
  echo "browser tests (headless Chromium)"
  for t in tests/browser/*.test.mjs; do
    run_suite "$t" node "$t"
  done
  for a in "$var"/artifacts/*; do
    [ -e "$a" ] && echo "        artifact: ${a#$root/}"
  done
fi

echo "stopping the test stack"
deploy/stack.sh stop test >/dev/null

echo "scale-out tests (a streaming replica, two serve hosts on TCP behind nginx's upstream)"
(
  export THIDUA_HTTP_PORT=${THIDUA_SCALE_HTTP_PORT:-18120} THIDUA_PG_PORT=${THIDUA_SCALE_PG_PORT:-18133}
  export THIDUA_FCGI_PORT=${THIDUA_SCALE_FCGI_PORT:-18140}
  unset THIDUA_REPLICA THIDUA_SERVE_HOSTS THIDUA_WORKERS
  deploy/stack.sh stop scale >/dev/null 2>&1 || true
  rm -rf var/scale
  eval "$(deploy/stack.sh env scale)"
  export THIDUA_URL THIDUA_TEST_DB THIDUA_VAR THIDUA_CONFIG_FILE THIDUA_PG_BIN THIDUA_SVC_USER THIDUA_REPLICA_DB
  mkdir -p "$THIDUA_VAR/log"
  if deploy/stack.sh start scale >"$var/log/tests/scale-stack.log" 2>&1; then
    for t in build/asan/scale/test_*; do
      [ -x "$t" ] || continue
      run_suite "${t#build/asan/}" "$t"
    done
  else
    echo "  FAIL  the scale stack did not start (log: ${var#$root/}/log/tests/scale-stack.log)"
    tail -n 30 "$var/log/tests/scale-stack.log" | sed 's/^/        /'
    failed=$((failed + 1))
    failures+=("scale-stack")
  fi
  deploy/stack.sh stop scale >/dev/null 2>&1
  printf '%s %s %s\n' "$passed" "$failed" "${failures[*]}" > "$var/log/tests/scale-counts"
)
read -r passed failed scale_failures < "$var/log/tests/scale-counts"
[ -z "$scale_failures" ] || failures=($scale_failures)
# Workers flush LeakSanitizer reports when they exit.
reports=$(find "$asan_log" -type f 2>/dev/null)
if [ -n "$reports" ]; then
  failed=$((failed + 1))
  failures+=("sanitizer reports from the served binary")
  echo "  FAIL  sanitizer reports from the served binary:"
  for f in $reports; do sed 's/^/        /' "$f" | head -n 60; done
else
  passed=$((passed + 1))
  echo "  ok    no sanitizer report from the served binary"
fi

echo
if [ "$failed" -gt 0 ]; then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
