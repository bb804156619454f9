#!/usr/bin/env bash
# `make bench`: the scorecard's figures (a measurement, never a test).
#
# A bench stack (deploy/stack.sh bench: its own PostgreSQL under var/bench,
# bin/thidua) holds one agency per size in BENCH_SIZES (staff; default
# 300,30000,1000000), generated in SQL by tests/bench/generate.sql the first
# time (the 1 000 000 one takes several minutes; later runs reuse it). For
# each size, through one bench-only nginx (tests/bench/nginx-bench.conf.in):
#   warm: GET /campaigns/{id}/scorecard and /units/scorecard on unchanged
#         data, wrk -t2 -c32 -d10s, BENCH_RUNS (3) runs, medians of
#         requests/s, p50 and p99 latency;
#   yardsticks in the same nginx: a static file of the same bytes, and the
#         minimal libfcgi program (build/plain/tools/minfcgi) answering the
#         same bytes behind the same FastCGI location settings;
#   cold: the first read after a write (a write through psql, then one
#         timed GET), BENCH_COLD (7) times, median and worst;
# then the workers' resident memory, and the cost of a 100 000-row
# attendance import with the scorecard triggers (rolled back).
# Environment: BENCH_SIZES, BENCH_RUNS, BENCH_COLD, BENCH_WRK (wrk options,
# default "-t2 -c32 -d10s"), THIDUA_HTTP_PORT / THIDUA_PG_PORT (the bench
# stack's ports; its nginx gets the next port), BENCH_KEEP=1 (leave the
# bench stack running).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

sizes=${BENCH_SIZES:-300,30000,1000000}
runs=${BENCH_RUNS:-3}
colds=${BENCH_COLD:-7}
wrk_args=${BENCH_WRK:--t2 -c32 -d10s}
say() { printf 'bench: %s\n' "$*" >&2; }

command -v wrk >/dev/null || { say "wrk is not installed (deploy/install-deps.sh)"; exit 1; }
if [ ! -x bin/thidua ] || [ ! -x build/plain/tools/minfcgi ]; then say "run make tests first"; exit 1; fi

eval "$(deploy/stack.sh env bench)"
var=$THIDUA_VAR
db=$THIDUA_TEST_DB
bench=$var/bench
http_port=${THIDUA_HTTP_PORT:-18090}
port=$((http_port + 1))

minfcgi_pid=""
cleanup() {
  if [ -f "$bench/nginx/nginx.pid" ]; then
    nginx -p "$bench/nginx" -c "$bench/nginx.conf" -e "$bench/log/nginx-error.log" -s stop 2>/dev/null || true
  fi
  if [ -n "$minfcgi_pid" ]; then kill "$minfcgi_pid" 2>/dev/null || true; fi
  if [ "${BENCH_KEEP:-0}" != 1 ]; then deploy/stack.sh stop bench >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

say "starting the bench stack (var/bench, bin/thidua)"
# The workers of this build, fresh: stop a running master first.
if [ -f "$var/run/thidua.pid" ] && kill -0 "$(cat "$var/run/thidua.pid")" 2>/dev/null; then
  pid=$(cat "$var/run/thidua.pid")
  kill -TERM "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
deploy/stack.sh start bench >&2

sql() { psql "$db" -X -v ON_ERROR_STOP=1 -Atq "$@"; }

# ---------------------------------------------------------------- data
declare -A campaign
IFS=, read -r -a size_list <<<"$sizes"
. tests/bench/agencies.sh
bench_agencies

# The reader is the installation's admin: one user reads every size's agency.
echo "bench-pass" | bin/thidua --config "$THIDUA_CONFIG_FILE" user add benchviewer --role admin >/dev/null
token=$(curl -sf -X POST -H 'Content-Type: application/json' -d '{"username":"benchviewer","password":"bench-pass"}' \
  "$THIDUA_URL/api/v1/sessions" | sed -n 's/.*"token" *: *"\([0-9a-f]*\)".*/\1/p')
[ -n "$token" ] || { say "cannot log in"; exit 1; }
auth="Authorization: Bearer $token"

# ---------------------------------------------------------------- nginx
rm -rf "$bench"
mkdir -p "$bench/nginx" "$bench/log" "$bench/static"
if [ "$(id -u)" -eq 0 ]; then user_line="user www-data;"; else user_line=""; fi
msock=$var/run/minfcgi.sock
sed -e "s|@USER_LINE@|$user_line|" -e "s|@BENCH@|$bench|g" -e "s|@PORT@|$port|g" \
    -e "s|@SOCKET@|$var/run/thidua.sock|g" -e "s|@MINFCGI@|$msock|g" -e "s|@WWW@|$root/nginx/www|g" \
    -e "s|@NGINX_DIR@|$root/nginx|g" tests/bench/nginx-bench.conf.in > "$bench/nginx.conf"
nginx -p "$bench/nginx" -c "$bench/nginx.conf" -e "$bench/log/nginx-error.log"
base=http://127.0.0.1:$port

# minfcgi BYTES: (re)starts the minimal program answering BYTES bytes.
start_minfcgi() {
  if [ -n "$minfcgi_pid" ]; then kill "$minfcgi_pid" 2>/dev/null || true; wait "$minfcgi_pid" 2>/dev/null || true; fi
  rm -f "$msock"
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$THIDUA_SVC_USER" -- build/plain/tools/minfcgi "$msock" "$1" >/dev/null 2>&1 &
  else
    build/plain/tools/minfcgi "$msock" "$1" >/dev/null 2>&1 &
  fi
  minfcgi_pid=$!
  for _ in $(seq 1 100); do [ -S "$msock" ] && return 0; sleep 0.05; done
  say "minfcgi did not start"; exit 1
}

# ---------------------------------------------------------------- measuring
to_ms() { # 1.23ms 456.00us 1.02s -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
median() { sort -g | awk '{a[NR] = $1} END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# wrk_median URL [HEADER]: "rps p50ms p99ms bad" (medians over the runs; bad:
# non-2xx answers and socket errors summed over the runs)
wrk_median() {
  local url=$1 out rps=() p50=() p99=() bad=0 h=()
  if [ -n "${2:-}" ]; then h=(-H "$2"); fi
  wrk -t2 -c8 -d1s "${h[@]}" "$url" >/dev/null
  for _ in $(seq 1 "$runs"); do
    # shellcheck disable=SC2086
    out=$(wrk $wrk_args --latency "${h[@]}" "$url")
    rps+=("$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")")
    p50+=("$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")")
    p99+=("$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")")
    bad=$((bad + $(awk '/Non-2xx or 3xx responses:/ {s += $NF}
                        /Socket errors:/ {for (i = 4; i <= NF; i += 2) {gsub(",", "", $i); s += $i}}
                        END {print s + 0}' <<<"$out")))
  done
  echo "$(printf '%s\n' "${rps[@]}" | median) $(printf '%s\n' "${p50[@]}" | median) $(printf '%s\n' "${p99[@]}" | median) $bad"
}

# cold PATH CAMPAIGN: "median worst" ms of a GET right after a write
cold() {
  local path=$1 c=$2 t=() task
  task=$(sql -c "SELECT min(id) FROM tasks WHERE campaign_id = $c")
  for _ in $(seq 1 "$colds"); do
    sql -c "UPDATE tasks SET completed_on = completed_on WHERE id = $task" >/dev/null
    t+=("$(curl -s -o /dev/null -w '%{time_total}' -H "$auth" "$base$path" | awk '{printf "%.1f", $1 * 1000}')")
  done
  echo "$(printf '%s\n' "${t[@]}" | median) $(printf '%s\n' "${t[@]}" | sort -g | tail -n 1)"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "n/a" }'; }

# The floor of any answer that asks the database once: GET /health
# (SELECT 1, no session), same nginx, same workers.
say "health (one SELECT 1, no session): warm"
read -r h_rps h_p50 h_p99 _ <<<"$(wrk_median "$base/api/v1/health")"

rows=()
row() { rows+=("$(printf '%-9s %-15s %10s %9s %9s %9s %8s %8s %6s' "$@")"); }
for n in "${size_list[@]}"; do
  c=${campaign[$n]}
  for kind in scorecard units; do
    if [ "$kind" = scorecard ]; then path=/api/v1/campaigns/$c/scorecard; else path=/api/v1/campaigns/$c/units/scorecard; fi
    bytes=$(curl -sf -H "$auth" "$base$path" | wc -c)
    [ "$bytes" -gt 2 ] || { say "GET $path failed"; exit 1; }
    source=$(curl -s -o /dev/null -D - -H "$auth" "$base$path" | awk -F': ' 'tolower($1) == "x-thidua-answer" {print $2}' | tr -d '\r')
    case $source in worker|stored) ;; *) say "warning: a repeated read of $path was '$source', not a cached answer" ;; esac
    head -c "$bytes" /dev/zero | tr '\0' ' ' > "$bench/static/$kind-$n.json"
    start_minfcgi "$bytes"
    say "$n staff, $kind ($bytes bytes): warm"
    read -r w_rps w_p50 w_p99 w_bad <<<"$(wrk_median "$base$path" "$auth")"
    say "$n staff, $kind: static file and minfcgi of the same size"
    read -r s_rps s_p50 s_p99 _ <<<"$(wrk_median "$base/bench/static/$kind-$n.json")"
    read -r m_rps m_p50 m_p99 _ <<<"$(wrk_median "$base/bench/min")"
    say "$n staff, $kind: cold"
    read -r c_med c_max <<<"$(cold "$path" "$c")"
    row "$n" "$kind" "$w_rps" "$w_p50" "$w_p99" "$(ratio "$w_rps" "$m_rps")" "$c_med" "$c_max" "$w_bad"
    row "" "  static file" "$s_rps" "$s_p50" "$s_p99" "" "" "" ""
    row "" "  minfcgi" "$m_rps" "$m_p50" "$m_p99" "" "" "" ""
  done
done

# ---------------------------------------------------------------- memory and imports
master=$(cat "$var/run/thidua.pid")
rss=$(ps -o rss= --ppid "$master" | awk '{printf "%s%.1f", sep, $1 / 1024; sep = ", "}')

largest=$(printf '%s\n' "${size_list[@]}" | sort -g | tail -n 1)
c=${campaign[$largest]}
import_rows=$(( largest < 100000 ? largest : 100000 ))
import_ms() { # import_ms with|without: ms of inserting the attendance rows (rolled back)
  local off=""
  if [ "$1" = without ]; then
    off="ALTER TABLE attendance DISABLE TRIGGER attendance_scorecard_insert;"
  fi
  sql <<SQL | awk '/^Time:/ {t = $2} END {print t}'
BEGIN;
$off
INSERT INTO study_sessions (campaign_id, topic_id, held_on)
SELECT $c, id, '2025-12-15' FROM study_topics WHERE campaign_id = $c AND required ORDER BY id LIMIT 1;
\\timing on
INSERT INTO attendance (session_id, staff_id)
SELECT currval('study_sessions_id_seq'), s.id FROM staff s
 WHERE s.agency_id = (SELECT agency_id FROM campaigns WHERE id = $c) ORDER BY s.id LIMIT $import_rows;
\\timing off
ROLLBACK;
SQL
}
say "a $import_rows-row attendance import, with and without the scorecard triggers (rolled back)"
imp_with=$(import_ms with)
imp_without=$(import_ms without)

echo
echo "scorecard bench: wrk $wrk_args, $runs runs (medians), cold = $colds reads right after a write"
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); $(ps -o pid= --ppid "$master" | wc -l) thidua workers; nginx 2 workers"
printf '%-9s %-15s %10s %9s %9s %9s %8s %8s %6s\n' staff answer "req/s" "p50 ms" "p99 ms" "/minfcgi" "cold ms" "worst" "errors"
printf '%s\n' "${rows[@]}"
printf '%-9s %-15s %10s %9s %9s\n' "" "health" "$h_rps" "$h_p50" "$h_p99"
echo "workers' RSS after the runs (MiB): $rss"
echo "attendance import of $import_rows rows into the $largest-staff campaign: ${imp_with} ms with the triggers, ${imp_without} ms without the scorecard's"
echo "health: GET /api/v1/health (one SELECT 1, no session), the floor of an answer that asks the database once"
echo "goals: warm >= 80% of minfcgi; cold < 50 ms at 30 000 staff, < 1 s at 1 000 000; worker RSS < 20 MB"
