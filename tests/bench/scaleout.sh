#!/usr/bin/env bash
# `make bench`, scale-out part (a measurement, never a test): what a read
# replica and a second worker group give, as ratios in one run.
#
# The bench stack's database (deploy/stack.sh bench, the agencies of
# BENCH_SIZES that tests/bench/run.sh generated, or generated here the same
# way) gets a streaming replica beside it (THIDUA_REPLICA=1 deploy/stack.sh:
# pg_basebackup -R into var/bench/pg-replica, port THIDUA_PG_PORT+1; made
# once, then it follows).
# Three `thidua serve` groups on TCP (plain build, bin/thidua, BENCH_GROUP_WORKERS
# workers each, default one per core) and three bench nginx instances:
#   primary  group P, no database_read_url: every read on the primary
#   replica  group R1, database_read_url = the replica
#   two      upstream of R1 and R2 (both reading from the replica)
# For each size:
#   warm: GET /campaigns/{id}/scorecard and /units/scorecard, wrk, BENCH_RUNS
#         medians, through "primary" then "replica" (Thidua-Database checked);
#   cold: the first read after a write (a write through psql on the primary;
#         for the replica, timed once the replica has replayed it),
#         BENCH_COLD times, median and worst;
# then throughput: GET /api/v1/health and the smallest size's warm scorecard
# through one group ("replica") and through two groups behind one upstream
# ("two"). Printed: the figures and the ratios replica/primary and
# two groups/one group.
# Environment: as tests/bench/run.sh (BENCH_SIZES, BENCH_RUNS, BENCH_COLD,
# BENCH_WRK, THIDUA_HTTP_PORT, THIDUA_PG_PORT, BENCH_KEEP=1), and
# BENCH_FCGI_PORT (group P's port, R1 and R2 the next; default
# THIDUA_HTTP_PORT+20), BENCH_GROUP_WORKERS.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

sizes=${BENCH_SIZES:-300,30000,1000000}
runs=${BENCH_RUNS:-3}
colds=${BENCH_COLD:-7}
wrk_args=${BENCH_WRK:--t2 -c32 -d10s}
say() { printf 'bench[scale-out]: %s\n' "$*" >&2; }

command -v wrk >/dev/null || { say "wrk is not installed (deploy/install-deps.sh)"; exit 1; }
[ -x bin/thidua ] || { say "run make first"; exit 1; }

eval "$(deploy/stack.sh env bench)"
var=$THIDUA_VAR
db=$THIDUA_TEST_DB
http_port=${THIDUA_HTTP_PORT:-18090}
pg_port=${THIDUA_PG_PORT:-15490}
replica_port=$((pg_port + 1))
fcgi_base=${BENCH_FCGI_PORT:-$((http_port + 20))}
group_workers=${BENCH_GROUP_WORKERS:-$(nproc)}
out=$var/scaleout
replica=$var/pg-replica
pg_bin=$THIDUA_PG_BIN
if [ "$(id -u)" -eq 0 ]; then
  user_line="user www-data;"
  as_svc() { runuser -u "$THIDUA_SVC_USER" -- "$@"; }
else
  user_line=""
  as_svc() { "$@"; }
fi

cleanup() {
  local f pid pids=()
  for f in "$out"/nginx-*/nginx.pid "$out"/run/serve-*.pid; do
    pid=$(cat "$f" 2>/dev/null) || continue
    kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid")
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  # deploy/stack.sh stop also stops the replica.
  if [ "${BENCH_KEEP:-0}" != 1 ]; then deploy/stack.sh stop bench >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

say "starting the bench stack (var/bench)"
deploy/stack.sh start bench >&2
sql() { psql "$db" -X -v ON_ERROR_STOP=1 -Atq "$@"; }
replica_db="postgresql:///thidua?host=$var/run&port=$replica_port&user=$THIDUA_SVC_USER"
rsql() { psql "$replica_db" -X -v ON_ERROR_STOP=1 -Atq "$@"; }

# ---------------------------------------------------------------- data
declare -A campaign
IFS=, read -r -a size_list <<<"$sizes"
. tests/bench/agencies.sh
bench_agencies

# ---------------------------------------------------------------- replica
# deploy/stack.sh's own (THIDUA_REPLICA=1): a base backup with -R into
# var/bench/pg-replica on port THIDUA_PG_PORT+1, made once and started.
# Made after the data, it copies them; made before, it streams them.
if [ ! -f "$replica/PG_VERSION" ]; then
  say "making the replica of the bench database ($(sql -c \
    "SELECT pg_size_pretty(sum(pg_database_size(datname))) FROM pg_database")): pg_basebackup -R"
fi
start=$SECONDS
THIDUA_REPLICA=1 deploy/stack.sh start bench >&2
[ -f "$replica/PG_VERSION" ] || { say "deploy/stack.sh made no replica (THIDUA_REPLICA=1)"; exit 1; }
say "  replica ready after $((SECONDS - start)) s"
# caught_up: the replica has replayed everything the primary has written.
caught_up() {
  local lsn
  lsn=$(sql -c "SELECT pg_current_wal_insert_lsn()")
  for _ in $(seq 1 6000); do
    [ "$(rsql -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn")" = t ] && return 0
    sleep 0.01
  done
  say "the replica did not replay up to $lsn in 60 s"; return 1
}
# Streaming: the primary flushes its WAL (synchronous_commit is off on the
# bench stack) and the replica catches up.
sql -c "SELECT pg_switch_wal()" >/dev/null
caught_up

# ---------------------------------------------------------------- workers and nginx
rm -rf "$out"
mkdir -p "$out/run" "$out/log"
if [ "$(id -u)" -eq 0 ]; then chown "$THIDUA_SVC_USER" "$out/run" "$out/log"; fi
read_url="postgresql:///thidua?host=$var/run&port=$replica_port&user=thidua_app"
group_port() { case $1 in P) echo "$fcgi_base" ;; R1) echo $((fcgi_base + 1)) ;; R2) echo $((fcgi_base + 2)) ;; esac; }
start_group() { # start_group NAME: a `thidua serve` on TCP, the stack's settings otherwise
  local g=$1 f=$out/serve-$1.conf
  grep -Ev '^(socket|pidfile|workers|listen|listen_allow|database_read_url) *=' "$THIDUA_CONFIG_FILE" > "$f"
  {
    echo "socket ="
    echo "listen = 127.0.0.1:$(group_port "$g")"
    echo "pidfile = $out/run/serve-$g.pid"
    echo "workers = $group_workers"
    [ "$g" = P ] || echo "database_read_url = $read_url"
  } >> "$f"
  chmod 0644 "$f"
  bin/thidua --config "$f" serve >> "$out/log/serve-$g.log" 2>&1 < /dev/null &
  for _ in $(seq 1 300); do
    [ -s "$out/run/serve-$g.pid" ] && (exec 3<>"/dev/tcp/127.0.0.1/$(group_port "$g")") 2>/dev/null && return 0
    sleep 0.1
  done
  say "worker group $g did not start (see ${out#"$root"/}/log/serve-$g.log)"; exit 1
}
start_group P
start_group R1
start_group R2

nginx_port() { case $1 in primary) echo $((http_port + 2)) ;; replica) echo $((http_port + 3)) ;; two) echo $((http_port + 4)) ;; esac; }
start_nginx() { # start_nginx NAME GROUP...: the stack's template, an upstream of those groups
  local name=$1 up="" g d=$out/nginx-$1
  shift
  for g in "$@"; do up="$up server 127.0.0.1:$(group_port "$g") max_fails=1 fail_timeout=10s;"; done
  mkdir -p "$d"
  sed -e "s|@USER_LINE@|$user_line|" -e "s|@VAR@/nginx/|$d/|g" -e "s|@VAR@/log/nginx-|$out/log/nginx-$name-|g" \
      -e "s|@PORT@|$(nginx_port "$name")|g" -e "s|server unix:@SOCKET@;|$up|" -e "s|@UPSTREAM@|$up|" \
      -e "s|@WWW@|$root/nginx/www|g" -e "s|@NGINX_DIR@|$root/nginx|g" -e "s|@LOGIN_RATE@|1000r/s|g" \
      nginx/nginx.conf.in > "$d.conf"
  sed -i "s|access_log [^;]*;|access_log off;|" "$d.conf"
  nginx -p "$d" -c "$d.conf" -e "$out/log/nginx-$name-error.log"
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$(nginx_port "$name")/api/v1/health" && return 0; sleep 0.1; done
  say "nginx $name does not answer"; exit 1
}
start_nginx primary P
start_nginx replica R1
start_nginx two R1 R2
url() { echo "http://127.0.0.1:$(nginx_port "$1")"; }

echo "bench-pass" | bin/thidua --config "$THIDUA_CONFIG_FILE" user add benchviewer --role admin >/dev/null
token=$(curl -sf -X POST -H 'Content-Type: application/json' -d '{"username":"benchviewer","password":"bench-pass"}' \
  "$(url primary)/api/v1/sessions" | sed -n 's/.*"token" *: *"\([0-9a-f]*\)".*/\1/p')
[ -n "$token" ] || { say "cannot log in"; exit 1; }
auth="Authorization: Bearer $token"
caught_up # the login's session row on the replica too

# ---------------------------------------------------------------- measuring
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
median() { sort -g | awk '{a[NR] = $1} END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# The primary's CPU time (ms), all its processes: what a replica takes off it.
primary_pid=$(head -n 1 "$var/pg/postmaster.pid")
tick=$(getconf CLK_TCK)
primary_cpu_ms() {
  local p
  for p in $primary_pid $(pgrep -P "$primary_pid"); do cat "/proc/$p/stat" 2>/dev/null || true; done |
    sed 's/^.*) //' | awk -v t="$tick" '{ s += $12 + $13 } END { printf "%.0f", s * 1000 / t }'
}
# wrk_median URL [HEADER] → "rps p50ms p99ms bad primary-cpu-us-per-request"
wrk_median() {
  local u=$1 o rps=() p50=() p99=() bad=0 h=() n=0 cpu0
  if [ -n "${2:-}" ]; then h=(-H "$2"); fi
  wrk -t2 -c8 -d1s "${h[@]}" "$u" >/dev/null
  cpu0=$(primary_cpu_ms)
  for _ in $(seq 1 "$runs"); do
    # shellcheck disable=SC2086
    o=$(wrk $wrk_args --latency "${h[@]}" "$u")
    rps+=("$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$o")")
    p50+=("$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$o")")")
    p99+=("$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$o")")")
    bad=$((bad + $(awk '/Non-2xx or 3xx responses:/ {s += $NF}
                        /Socket errors:/ {for (i = 4; i <= NF; i += 2) {gsub(",", "", $i); s += $i}}
                        END {print s + 0}' <<<"$o")))
    n=$((n + $(awk '/ requests in / {print $1; exit}' <<<"$o")))
  done
  echo "$(printf '%s\n' "${rps[@]}" | median) $(printf '%s\n' "${p50[@]}" | median) $(printf '%s\n' "${p99[@]}" | median) $bad" \
    "$(awk -v c="$(($(primary_cpu_ms) - cpu0))" -v n="$n" 'BEGIN { if (n > 0) printf "%.0f", c * 1000 / n; else print "n/a" }')"
}
served_by() { # served_by BASE PATH: the Thidua-Database header of one read
  curl -s -o /dev/null -D - -H "$auth" "$1$2" | awk -F': ' 'tolower($1) == "thidua-database" {print $2}' | tr -d '\r'
}
# cold BASE PATH CAMPAIGN WAIT: "median worst" ms of a GET right after a write
# (WAIT=1: once the replica has replayed the write)
# and the primary's CPU ms per read (the writes' and waits' psql sessions
# end before it is read, so only the workers' connections count)
cold() {
  local base=$1 path=$2 c=$3 wait=$4 t=() task cpu=0 c0
  task=$(sql -c "SELECT min(id) FROM tasks WHERE campaign_id = $c")
  for _ in $(seq 1 "$colds"); do
    sql -c "UPDATE tasks SET completed_on = completed_on WHERE id = $task" >/dev/null
    if [ "$wait" = 1 ]; then caught_up; fi
    c0=$(primary_cpu_ms)
    t+=("$(curl -s -o /dev/null -w '%{time_total}' -H "$auth" "$base$path" | awk '{printf "%.1f", $1 * 1000}')")
    cpu=$((cpu + $(primary_cpu_ms) - c0))
  done
  echo "$(printf '%s\n' "${t[@]}" | median) $(printf '%s\n' "${t[@]}" | sort -g | tail -n 1)" \
    "$(awk -v c="$cpu" -v n="$colds" 'BEGIN { printf "%.1f", c / n }')"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

rows=()
row() { rows+=("$(printf '%-9s %-10s %-8s %9s %8s %8s %8s %8s %8s %8s %6s' "$@")"); }
ratios=()
for n in "${size_list[@]}"; do
  c=${campaign[$n]}
  for kind in scorecard units; do
    if [ "$kind" = scorecard ]; then path=/api/v1/campaigns/$c/scorecard; else path=/api/v1/campaigns/$c/units/scorecard; fi
    declare -A r=()
    for where in primary replica; do
      base=$(url "$where")
      curl -sf -o /dev/null -H "$auth" "$base$path" || { say "GET $path through $where failed"; exit 1; }
      got=$(served_by "$base" "$path")
      case $where:$got in primary:primary | replica:replica*) ;;
        *) say "warning: $n staff, $kind through '$where' was served by '${got:-?}' (Thidua-Database)" ;;
      esac
      say "$n staff, $kind, $where: warm"
      read -r w_rps w_p50 w_p99 w_bad w_cpu <<<"$(wrk_median "$base$path" "$auth")"
      say "$n staff, $kind, $where: cold"
      read -r c_med c_max c_cpu <<<"$(cold "$base" "$path" "$c" "$([ "$where" = replica ] && echo 1 || echo 0)")"
      row "$n" "$kind" "$where" "$w_rps" "$w_p50" "$w_p99" "$w_cpu" "$c_med" "$c_max" "$c_cpu" "$w_bad"
      r[$where]="$w_rps $c_med $w_cpu $c_cpu"
    done
    read -r p_rps p_cold p_cpu p_ccpu <<<"${r[primary]}"
    read -r q_rps q_cold q_cpu q_ccpu <<<"${r[replica]}"
    ratios+=("$(printf '%-9s %-10s warm req/s %5s, primary CPU %5s;  cold ms %5s, primary CPU %5s' \
      "$n" "$kind" "$(ratio "$q_rps" "$p_rps")" "$(ratio "$q_cpu" "$p_cpu")" "$(ratio "$q_cold" "$p_cold")" \
      "$(ratio "$q_ccpu" "$p_ccpu")")")
    unset r
  done
done

smallest=$(printf '%s\n' "${size_list[@]}" | sort -g | head -n 1)
tp_path=/api/v1/campaigns/${campaign[$smallest]}/scorecard
tput=()
for what in health scorecard; do
  if [ "$what" = health ]; then p=/api/v1/health; hdr=""; else p=$tp_path; hdr=$auth; fi
  say "throughput, $what: one worker group, then two behind one upstream"
  read -r one_rps one_p50 one_p99 one_bad _ <<<"$(wrk_median "$(url replica)$p" "$hdr")"
  read -r two_rps two_p50 two_p99 two_bad _ <<<"$(wrk_median "$(url two)$p" "$hdr")"
  tput+=("$(printf '%-28s %9s %8s %8s %6s   %9s %8s %8s %6s   %5s' "$what$([ "$what" = scorecard ] && echo " ($smallest staff)")" \
    "$one_rps" "$one_p50" "$one_p99" "$one_bad" "$two_rps" "$two_p50" "$two_p99" "$two_bad" "$(ratio "$two_rps" "$one_rps")")")
done
served_two=$(for _ in 1 2 3 4 5 6; do curl -s -o /dev/null -w '%{http_code}\n' "$(url two)/api/v1/health"; done | sort | uniq -c | tr -s ' \n' ' ')
lag=$(sql -c "SELECT coalesce(max(pg_wal_lsn_diff(sent_lsn, replay_lsn)), -1) FROM pg_stat_replication")

echo
echo "scale-out bench: wrk $wrk_args, $runs runs (medians); cold = $colds reads right after a write (on the replica: once replayed)"
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); each worker group: $group_workers thidua workers; nginx 2 workers;"
echo "one machine: the replica, the primary, the groups, nginx and wrk share the same cores"
printf '%-9s %-10s %-8s %9s %8s %8s %8s %8s %8s %8s %6s\n' staff answer "served" "req/s" "p50 ms" "p99 ms" "prim. us" "cold ms" "worst" "prim. ms" "errors"
printf '%s\n' "${rows[@]}"
echo "prim. us / prim. ms: CPU time of the primary's PostgreSQL processes per warm read (us) and per cold read (ms)"
echo "ratios replica/primary (1.00 = the same; warm req/s above 1: the replica group answers more per second;"
echo "primary CPU below 1: the primary does that share of the work it did; cold ms above 1: slower):"
printf '  %s\n' "${ratios[@]}"
echo "throughput: one group vs two groups behind one upstream (both reading from the replica)"
printf '  %-28s %9s %8s %8s %6s   %9s %8s %8s %6s   %5s\n' "" "one req/s" "p50" "p99" "errors" "two req/s" "p50" "p99" "errors" "two/one"
printf '  %s\n' "${tput[@]}"
echo "replication: ${lag} bytes between sent and replayed at the end; six GETs through the two-group upstream answered: $served_two"
