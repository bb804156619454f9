#!/usr/bin/env bash
# `make bench`, after run.sh: the year-end report of each bench agency (a
# measurement, never a test; no test depends on these times).
#
# The bench stack (deploy/stack.sh bench, bin/thidua) with ONE worker, so
# that the worker's peak memory is the renderer's; the agencies of
# BENCH_SIZES (staff; default 300,30000,1000000) as run.sh generates and
# keeps them (tests/bench/generate.sql; generated here when absent). Through
# the bench's own nginx (tests/bench/nginx-bench.conf.in, on the bench
# HTTP port + 2) with fastcgi_read_timeout raised to an hour, so that a
# slow render is measured rather than cut: the stack's nginx gives up after
# 60 s (answering 503), and the table says when a time is over that. For
# each size, one draft year_end report:
#   generate  POST /campaigns/{id}/reports {"kind":"year_end"} (the figures,
#             the per-unit table among them, computed and stored);
#   pdf, xlsx GET /reports/{id}?format=pdf|xlsx (a draft is rendered on the
#             fly: load the JSON, lay out, render);
#   approve   POST /reports/{id}/approve (freeze, SHA-256, queue the
#             deliveries: one short transaction, nothing rendered);
#   store     the first GET /reports/{id}?format=pdf of the approved report
#             (report_files_ensure: render both from the frozen content and
#             store them, what the deliverer does when it comes first);
#   stored    the next GET of the PDF (the stored bytes);
# each timed by curl (time_total), with the worker restarted (SIGTERM; the
# master replaces it) before each step so that the step's peak resident
# memory is /proc/<worker>/status VmHWM after it, against the fresh
# worker's after one GET /health. The reports made here are deleted at the
# end (as the database superuser, triggers off: the bench database only),
# so the kept database does not grow from run to run.
# Environment: BENCH_SIZES, THIDUA_HTTP_PORT / THIDUA_PG_PORT (the bench
# stack's ports, as run.sh), BENCH_KEEP=1 (leave the bench stack running),
# BENCH_REPORT_KIND (year_end).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

sizes=${BENCH_SIZES:-300,30000,1000000}
kind=${BENCH_REPORT_KIND:-year_end}
say() { printf 'bench reports: %s\n' "$*" >&2; }
[ -x bin/thidua ] || { say "run make first"; exit 1; }

eval "$(deploy/stack.sh env bench)"
var=$THIDUA_VAR
db=$THIDUA_TEST_DB
work=$var/bench-reports
http_port=${THIDUA_HTTP_PORT:-18090}
port=$((http_port + 2))

made=()
sql() { psql "$db" -X -v ON_ERROR_STOP=1 -Atq "$@"; }
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  if [ "${#made[@]}" -gt 0 ]; then
    local ids
    ids=$(IFS=,; echo "${made[*]}")
    sql >/dev/null 2>&1 <<SQL || say "could not delete the bench's reports ($ids)"
BEGIN;
SET LOCAL session_replication_role = replica;
DELETE FROM report_delivery_attempts WHERE delivery_id IN (SELECT id FROM report_deliveries WHERE report_id IN ($ids));
DELETE FROM report_deliveries WHERE report_id IN ($ids);
DELETE FROM report_files WHERE report_id IN ($ids);
DELETE FROM reports WHERE id IN ($ids);
COMMIT;
SQL
  fi
  if [ -f "$work/nginx/nginx.pid" ]; then
    nginx -p "$work/nginx" -c "$work/nginx.conf" -e "$work/log/nginx-error.log" -s stop 2>/dev/null || true
  fi
  if [ "${BENCH_KEEP:-0}" != 1 ]; then deploy/stack.sh stop bench >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

say "starting the bench stack with one worker (var/bench, bin/thidua)"
if [ -f "$var/run/thidua.pid" ] && kill -0 "$(cat "$var/run/thidua.pid")" 2>/dev/null; then
  pid=$(cat "$var/run/thidua.pid")
  kill -TERM "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
THIDUA_WORKERS=1 deploy/stack.sh start bench >&2
master=$(cat "$var/run/thidua.pid")

# ---------------------------------------------------------------- data
declare -A campaign
IFS=, read -r -a size_list <<<"$sizes"
. tests/bench/agencies.sh
bench_agencies

echo "bench-pass" | bin/thidua --config "$THIDUA_CONFIG_FILE" user add benchviewer --role admin \
  --name "Nguyễn Văn Đo" >/dev/null
token=$(curl -sf -X POST -H 'Content-Type: application/json' -d '{"username":"benchviewer","password":"bench-pass"}' \
  "$THIDUA_URL/api/v1/sessions" | sed -n 's/.*"token" *: *"\([0-9a-f]*\)".*/\1/p')
[ -n "$token" ] || { say "cannot log in"; exit 1; }
auth="Authorization: Bearer $token"

# ---------------------------------------------------------------- nginx
rm -rf "$work"
mkdir -p "$work/nginx" "$work/log" "$work/static"
if [ "$(id -u)" -eq 0 ]; then user_line="user www-data;"; else user_line=""; fi
sed -e "s|@USER_LINE@|$user_line|" -e "s|@BENCH@|$work|g" -e "s|@PORT@|$port|g" \
    -e "s|@SOCKET@|$var/run/thidua.sock|g" -e "s|@MINFCGI@|$var/run/minfcgi-unused.sock|g" -e "s|@WWW@|$root/nginx/www|g" \
    -e "s|@NGINX_DIR@|$root/nginx|g" -e "s|^\( *\)sendfile on;|&\n\1fastcgi_read_timeout 3600s;|" \
    tests/bench/nginx-bench.conf.in > "$work/nginx.conf"
grep -q 'fastcgi_read_timeout 3600s' "$work/nginx.conf" || { say "could not raise nginx's read timeout"; exit 1; }
nginx -p "$work/nginx" -c "$work/nginx.conf" -e "$work/log/nginx-error.log"
base=http://127.0.0.1:$port

# ---------------------------------------------------------------- measuring
worker() { ps -o pid= --ppid "$master" | tr -d ' ' | head -n 1; }
hwm() { awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
# fresh_worker: restarts the worker, warms it with GET /health; prints its pid
fresh_worker() {
  local old new
  old=$(worker)
  kill -TERM "$old"
  for _ in $(seq 1 200); do
    new=$(worker)
    if [ -n "$new" ] && [ "$new" != "$old" ]; then break; fi
    sleep 0.05
  done
  if [ -z "$new" ] || [ "$new" = "$old" ]; then say "the master did not replace its worker"; exit 1; fi
  curl -sf -o /dev/null "$base/api/v1/health" || { say "the new worker does not answer"; exit 1; }
  echo "$new"
}
# step NAME METHOD PATH [JSON]: times one request on a fresh worker; sets
# t (s), code, size (bytes), base_mb and peak_mb; the body in $work/NAME
step() {
  local name=$1 method=$2 path=$3 body=${4:-} w out
  w=$(fresh_worker)
  base_mb=$(hwm "$w")
  if [ -n "$body" ]; then
    out=$(curl -s -o "$work/$name" -w '%{http_code} %{time_total} %{size_download}' -X "$method" -H "$auth" \
      -H 'Content-Type: application/json' -d "$body" "$base$path")
  else
    out=$(curl -s -o "$work/$name" -w '%{http_code} %{time_total} %{size_download}' -X "$method" -H "$auth" "$base$path")
  fi
  read -r code t size <<<"$out"
  peak_mb=$(hwm "$w")
  t=$(awk -v t="$t" 'BEGIN {printf "%.2f", t}')
}
mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }
over() { awk -v t="$1" 'BEGIN {if (t + 0 > 60) printf "!"}'; } # over the stack's nginx's 60 s

rows=()
baseline=""
stamp=$(date +%s)
for n in "${size_list[@]}"; do
  c=${campaign[$n]}
  units=$(sql -c "SELECT count(*) FROM units u JOIN campaigns c ON c.agency_id = u.agency_id WHERE c.id = $c")
  say "$n staff ($units units): generating a $kind report"
  step "gen-$n.json" POST "/api/v1/campaigns/$c/reports" "{\"kind\":\"$kind\"}"
  [ -n "$baseline" ] || baseline=$base_mb
  if [ "$code" != 201 ]; then
    # a failure is a figure too (at 1 000 000 staff, say): the row says it
    say "POST /campaigns/$c/reports: HTTP $code: $(head -c 300 "$work/gen-$n.json")"
    rows+=("$(printf '%-9s %7s %9s   generation failed: HTTP %s after %s s (peak RSS %s MiB; %s)' "$n" "$units" "-" \
      "$code" "$t" "$peak_mb" "$(grep -o '"detail":"[^"]*"' "$work/gen-$n.json" | head -n 1)")")
    continue
  fi
  t_gen=$t
  rep=$(sed -n 's/^{"id" *: *\([0-9]*\).*/\1/p' "$work/gen-$n.json")
  [ -n "$rep" ] || rep=$(grep -o '"id" *: *[0-9]*' "$work/gen-$n.json" | head -n 1 | grep -o '[0-9]*$')
  made+=("$rep")
  json_mb=$(mib "$(wc -c < "$work/gen-$n.json")")
  curl -sf -o /dev/null -X PATCH -H "$auth" -H 'Content-Type: application/json' \
    -d '{"sections":{"strengths":"Các đơn vị hoàn thành 98,73 % chỉ tiêu.\nPhong trào được duy trì đều.","next_steps":"Tiếp tục phát động thi đua năm sau."}}' \
    "$base/api/v1/reports/$rep" || { say "PATCH /reports/$rep failed"; exit 1; }

  say "$n staff: PDF of the draft"
  step "report-$n.pdf" GET "/api/v1/reports/$rep?format=pdf"
  t_pdf=$t
  pdf_mb=$(mib "$size") m_pdf=$peak_mb
  [ "$code" = 200 ] || t_pdf="HTTP$code"
  pages=$(pdfinfo "$work/report-$n.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
  say "$n staff: workbook of the draft"
  step "report-$n.xlsx" GET "/api/v1/reports/$rep?format=xlsx"
  t_xlsx=$t
  xlsx_mb=$(mib "$size") m_xlsx=$peak_mb
  [ "$code" = 200 ] || t_xlsx="HTTP$code"
  say "$n staff: approval (freeze and queue, one short transaction)"
  step "approve-$n.json" POST "/api/v1/reports/$rep/approve" "{\"number\":\"$stamp-$n/BC-BENCH\"}"
  t_app=$t
  [ "$code" = 200 ] || { say "POST /reports/$rep/approve: HTTP $code: $(head -c 300 "$work/approve-$n.json")"; t_app="HTTP$code"; }
  m_app=$peak_mb
  say "$n staff: first GET of the approved PDF (render both, store)"
  step "store-$n.pdf" GET "/api/v1/reports/$rep?format=pdf"
  t_store=$t m_store=$peak_mb
  [ "$code" = 200 ] || t_store="HTTP$code"
  step "stored-$n.pdf" GET "/api/v1/reports/$rep?format=pdf"
  t_stored=$t
  [ "$code" = 200 ] || t_stored="HTTP$code"
  rows+=("$(printf '%-9s %7s %9s %8s %9s %6s %8s %9s %8s %9s %8s %8s   %s / %s / %s / %s' "$n" "$units" \
    "$t_gen" "$json_mb" "$t_pdf$(over "$t_pdf")" "${pages:-?}" "$pdf_mb" "$t_xlsx$(over "$t_xlsx")" "$xlsx_mb" \
    "$t_app$(over "$t_app")" "$t_store$(over "$t_store")" "$t_stored" "$m_pdf" "$m_xlsx" "$m_app" "$m_store")")
done

echo
echo "report bench: a $kind report per size through nginx, one worker (bin/thidua) restarted before each step;"
echo "  $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
printf '%-9s %7s %9s %8s %9s %6s %8s %9s %8s %9s %8s %8s   %s\n' staff units "generate" "JSON MB" "pdf s" pages \
  "PDF MB" "xlsx s" "XLSX MB" "approve s" "store s" "stored s" "worker peak RSS MiB: pdf / xlsx / approve / store"
printf '%s\n' "${rows[@]}"
echo "generate: POST /campaigns/{id}/reports (s); pdf, xlsx: GET /reports/{id}?format= of the draft (rendered);"
echo "approve: POST /reports/{id}/approve (freeze, SHA-256, queue; renders nothing); store: the first GET of the"
echo "  approved PDF (render both, store: report_files_ensure); stored: the next GET (the stored bytes);"
echo "  peak RSS: the worker's VmHWM after the step"
echo "  (a fresh worker after GET /health: ${baseline:-?} MiB); ! over 60 s, the stack's nginx would answer 503"
