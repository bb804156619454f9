#!/usr/bin/env bash
# The platform's own figures, printed as a small table (a measurement, never
# a test; it fails only when it cannot measure):
#   - requests/s of GET /api/v1/health through nginx and `thidua serve`,
#   - beside nginx serving a static file of the same bytes (nginx alone),
#   - beside the minimal libfcgi program (tests/bench/minfcgi.c) answering
#     the same number of bytes: the ceiling of any FastCGI program here,
#   - the resident memory of each worker at idle (before and after load).
# All three go through one bench-only nginx rendered from the stack's own
# template (nginx/nginx.conf.in + locations.conf), so they differ only in
# what answers. Load: wrk -t2 -c32 -d10s (THIDUA_BENCH_WRK overrides).
# Standalone: starts the test stack (plain build, bin/thidua) when it is not
# running and stops it again at the end; a running stack is used as it is.
# Environment: THIDUA_HTTP_PORT, THIDUA_PG_PORT (the test stack's ports),
# THIDUA_BIN (binary to serve with when starting), THIDUA_BENCH_PORT.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

wrk_args=${THIDUA_BENCH_WRK:--t2 -c32 -d10s}
bin=${THIDUA_BIN:-$root/bin/thidua}
say() { printf 'bench[platform]: %s\n' "$*" >&2; }

command -v wrk >/dev/null || { say "wrk is not installed (deploy/install-deps.sh)"; exit 1; }
[ -x "$bin" ] || { say "$bin is missing: run make first"; exit 1; }

eval "$(deploy/stack.sh env test)"
var=$THIDUA_VAR
bench=$var/bench
http_url=$THIDUA_URL

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

started_stack=0
if running "$var/run/thidua.pid" && running "$var/nginx/nginx.pid"; then
  say "using the running test stack ($http_url)"
else
  say "starting the test stack with $bin"
  THIDUA_BIN=$bin deploy/stack.sh start test >&2
  started_stack=1
fi
master=$(cat "$var/run/thidua.pid")
served=$(readlink "/proc/$master/exe" 2>/dev/null || echo "?")
case $served in
  */build/asan/*) say "warning: the stack serves the sanitizer build ($served): figures are not representative" ;;
esac

minfcgi_pid=""
cleanup() {
  if [ -f "$bench/nginx/nginx.pid" ]; then
    nginx -p "$bench/nginx" -c "$bench/nginx.conf" -e "$bench/log/nginx-error.log" -s stop 2>/dev/null || true
  fi
  if [ -f "$bench/nginx-min/nginx.pid" ]; then
    nginx -p "$bench/nginx-min" -c "$bench/nginx-min.conf" -e "$bench/log/nginx-error.log" -s stop 2>/dev/null || true
  fi
  if [ -n "$minfcgi_pid" ]; then kill "$minfcgi_pid" 2>/dev/null || true; fi
  if [ "$started_stack" = 1 ]; then deploy/stack.sh stop test >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# The bytes to compare with: the health answer itself.
health_body=$(curl -sf "$http_url/api/v1/health") || { say "GET /api/v1/health failed"; exit 1; }
rm -rf "$bench"
mkdir -p "$bench/www" "$bench/log" "$bench/nginx" "$bench/nginx-min" "$bench/run"
printf '%s' "$health_body" > "$bench/www/health.json"
body_bytes=$(stat -c %s "$bench/www/health.json")
if [ "$(id -u)" -eq 0 ]; then
  user_line="user www-data;"
  chown "$THIDUA_SVC_USER:www-data" "$bench/run"
  chmod 0750 "$bench/run"
else
  user_line=""
fi

free_port() { # free_port START
  local p=$1
  while ss -ltnH "sport = :$p" 2>/dev/null | grep -q .; do p=$((p + 1)); done
  echo "$p"
}

# render_nginx NAME PORT SOCKET: a bench nginx from the stack's template.
render_nginx() {
  local name=$1 port=$2 sock=$3
  sed -e "s|@USER_LINE@|$user_line|" -e "s|@VAR@/nginx/nginx.pid|$bench/$name/nginx.pid|" \
      -e "s|@VAR@/log/nginx-|$bench/log/$name-|g" -e "s|@VAR@/nginx/|$bench/$name/|g" \
      -e "s|@PORT@|$port|g" -e "s|@UPSTREAM@|server unix:$sock;|" -e "s|@WWW@|$bench/www|g" \
      -e "s|@NGINX_DIR@|$root/nginx|g" -e "s|@LOGIN_RATE@|1000r/s|g" \
      "$root/nginx/nginx.conf.in" > "$bench/$name.conf"
  nginx -p "$bench/$name" -c "$bench/$name.conf" -e "$bench/log/nginx-error.log"
}

wait_url() {
  for _ in $(seq 1 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  say "no answer from $1"; return 1
}

port=$(free_port "${THIDUA_BENCH_PORT:-$((${THIDUA_HTTP_PORT:-18080} + 1000))}")
render_nginx nginx "$port" "$var/run/thidua.sock"
base=http://127.0.0.1:$port
wait_url "$base/health.json"
wait_url "$base/api/v1/health"

# kib_of PID: "RSS PSS" in KiB (PSS: the worker's fair share of pages it
# shares with the others, from smaps_rollup).
mem_of() {
  local rss pss
  rss=$(ps -o rss= -p "$1" | tr -d ' ')
  pss=$(awk '/^Pss:/ {print $2; exit}' "/proc/$1/smaps_rollup" 2>/dev/null || echo "?")
  echo "$rss ${pss:-?}"
}
workers() { ps -o pid= --ppid "$master" | tr -d ' '; }

declare -A rss_before
for w in $(workers); do rss_before[$w]=$(mem_of "$w"); done

# run_wrk URL: prints "req/s avg-latency non2xx errors"
run_wrk() {
  local out rps lat non2xx errs
  # shellcheck disable=SC2086
  out=$(wrk $wrk_args --latency "$1")
  rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
  lat=$(awk '/^    Latency/ {print $2; exit}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
  errs=$(awk '/Socket errors:/ {s=0; for (i=4;i<=NF;i+=2) {gsub(",","",$i); s+=$i}; print s}' <<<"$out")
  echo "${rps:-0} ${lat:-?} ${non2xx:-0} ${errs:-0}"
}

say "warming up"
wrk -t2 -c32 -d2s "$base/api/v1/health" >/dev/null
wrk -t2 -c32 -d2s "$base/health.json" >/dev/null
say "measuring GET /api/v1/health through nginx + thidua (wrk $wrk_args)"
read -r h_rps h_lat h_bad h_err <<<"$(run_wrk "$base/api/v1/health")"
say "measuring the static file through the same nginx"
read -r s_rps s_lat s_bad s_err <<<"$(run_wrk "$base/health.json")"

m_rps=""
minfcgi=$root/build/plain/tools/minfcgi
if [ -x "$minfcgi" ]; then
  msock=$bench/run/minfcgi.sock
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$THIDUA_SVC_USER" -- "$minfcgi" "$msock" "$body_bytes" >/dev/null 2>&1 &
  else
    "$minfcgi" "$msock" "$body_bytes" >/dev/null 2>&1 &
  fi
  minfcgi_pid=$!
  for _ in $(seq 1 100); do [ -S "$msock" ] && break; sleep 0.05; done
  mport=$(free_port $((port + 1)))
  render_nginx nginx-min "$mport" "$msock"
  wait_url "http://127.0.0.1:$mport/api/v1/health"
  wrk -t2 -c32 -d2s "http://127.0.0.1:$mport/api/v1/health" >/dev/null
  say "measuring the minimal libfcgi program (one process) through the same nginx configuration"
  read -r m_rps m_lat m_bad m_err <<<"$(run_wrk "http://127.0.0.1:$mport/api/v1/health")"
else
  say "build/plain/tools/minfcgi not built (make tests): no ceiling row"
fi

sleep 1 # let the workers settle before reading their memory
nworkers=0
mem_rows=()
for w in $(workers); do
  nworkers=$((nworkers + 1))
  read -r rss pss <<<"$(mem_of "$w")"
  before=${rss_before[$w]:-}
  b_rss=${before%% *}
  mem_rows+=("$(printf '  worker %-8s %7s KiB RSS before load, %7s KiB RSS after (PSS %s KiB)' \
    "$w" "${b_rss:-n/a}" "$rss" "$pss")")
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f %%", 100 * a / b; else print "n/a" }'; }

echo
echo "platform bench: wrk $wrk_args through nginx (2 nginx workers), $nworkers thidua workers, $(nproc) cores"
echo "served binary: ${served#"$root"/}; body: $body_bytes bytes"
printf '  %-46s %10s %9s %8s %7s\n' "what" "req/s" "latency" "non-2xx" "errors"
printf '  %-46s %10s %9s %8s %7s\n' "GET /api/v1/health (thidua, SELECT 1)" "$h_rps" "$h_lat" "$h_bad" "$h_err"
printf '  %-46s %10s %9s %8s %7s\n' "static file of the same bytes (nginx alone)" "$s_rps" "$s_lat" "$s_bad" "$s_err"
if [ -n "$m_rps" ]; then
  printf '  %-46s %10s %9s %8s %7s\n' "minimal libfcgi program, same bytes" "$m_rps" "$m_lat" "$m_bad" "$m_err"
fi
echo "  health / static: $(ratio "$h_rps" "$s_rps")${m_rps:+; health / minimal libfcgi: $(ratio "$h_rps" "$m_rps")}"
echo "worker memory at idle:"
printf '%s\n' "${mem_rows[@]}"
if [ "$h_bad" != 0 ] || [ "$h_err" != 0 ]; then
  say "warning: health answered non-2xx or failed during the run: its figure is not a throughput"
fi
