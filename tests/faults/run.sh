#!/usr/bin/env bash
# `make faults`: what faults cost under load (a measurement, like make bench,
# except that two of its figures must be 0).
#
# A fresh faults stack (deploy/stack.sh faults: its own PostgreSQL under
# var/faults with PostgreSQL's durable defaults, bin/thidua, nginx on
# 18100), then two phases:
#
# 1. Writes. build/plain/tools/faultload POSTs /api/v1/staff with unique
#    codes (F-1, F-2, ...) through nginx for FAULTS_SECONDS (60),
#    FAULTS_CONCURRENCY (16) at a time, never retrying, and writes down every
#    answer. Meanwhile a random worker gets SIGKILL every FAULTS_KILL_EVERY
#    (3) seconds (the master replaces it), and PostgreSQL is restarted once
#    per word of FAULTS_PG_RESTARTS ("fast immediate": pg_ctl restart -m
#    fast, then -m immediate, a crash and its recovery), evenly over the
#    run. Then the codes in the database are compared with the answers:
#    acknowledged (201) but absent is lost.
# 2. Publications. The stand-in portal (tests/portal/standin.c) answers 500
#    to FAULTS_PORTAL_FLAKY (30) % of requests, half of them after storing;
#    FAULTS_PUSHERS (2) `thidua push` processes drain the outbox while
#    faultload approves FAULTS_PUBLICATIONS (500) exemplars through the API
#    (propose, forward, approve), spread over FAULTS_BURST_SECONDS (40). At
#    FAULTS_DOWN_AT (10) seconds into the burst the portal goes down
#    (connections refused) for FAULTS_PORTAL_DOWN (60) seconds, then fails
#    30 % again. Once the outbox is drained (at most FAULTS_DRAIN_WAIT, 180
#    s) the portal's record is compared with the outbox, row by row:
#    stored under one key and answered 2xx once is sent once; stored under
#    two keys, or answered 2xx again for a key it had already acknowledged
#    (a send after a success), is sent twice; not stored is lost.
#
# Prints the figures; exits 1 when a write or a publication was lost or a
# publication was sent twice. Other settings: FAULTS_WORKERS (4),
# FAULTS_PORTAL_PORT (18110; its control port is the next), THIDUA_HTTP_PORT
# and THIDUA_PG_PORT (the stack's), FAULTS_KEEP=1 (leave the stack running).
# The pushers use short timeouts and backoff (1 to 8 s, 100 attempts) so
# that the outbox drains within the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

seconds=${FAULTS_SECONDS:-60}
concurrency=${FAULTS_CONCURRENCY:-16}
kill_every=${FAULTS_KILL_EVERY:-3}
pg_restarts=${FAULTS_PG_RESTARTS-fast immediate}
workers=${FAULTS_WORKERS:-4}
npubs=${FAULTS_PUBLICATIONS:-500}
burst=${FAULTS_BURST_SECONDS:-40}
down_at=${FAULTS_DOWN_AT:-10}
down_for=${FAULTS_PORTAL_DOWN:-60}
flaky=${FAULTS_PORTAL_FLAKY:-30}
drain_wait=${FAULTS_DRAIN_WAIT:-180}
npushers=${FAULTS_PUSHERS:-2}
portal_port=${FAULTS_PORTAL_PORT:-18110}
control_port=$((portal_port + 1))

say() { printf 'faults: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

load=build/plain/tools/faultload
standin=build/plain/tools/standin
for f in bin/thidua "$load" "$standin"; do
  [ -x "$f" ] || die "$f is not built (make faults builds it)"
done

eval "$(deploy/stack.sh env faults)"
var=$THIDUA_VAR
db=$THIDUA_TEST_DB
base=$THIDUA_URL
work=$var/faults
if [ "$(id -u)" -eq 0 ]; then
  as_svc() { runuser -u "$THIDUA_SVC_USER" -- "$@"; }
else
  as_svc() { "$@"; }
fi

# Everything this script starts in the background, stopped on the way out;
# a process is forgotten once waited for (its pid may then be another's).
bg_pids=()
pusher_pids=()
forget() { # forget PID: waited for, no longer ours
  local keep=() p
  for p in "${bg_pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  bg_pids=("${keep[@]}")
}
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  local p
  if [ -f "$work/portal.pid" ]; then
    kill "$(cat "$work/portal.pid")" 2>/dev/null || true
  fi
  for p in "${pusher_pids[@]}" "${bg_pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${pusher_pids[@]}" "${bg_pids[@]}"; do
    wait "$p" 2>/dev/null || true
  done
  if [ "${FAULTS_KEEP:-0}" != 1 ]; then
    deploy/stack.sh stop faults >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- a fresh stack
say "starting a fresh faults stack (var/faults, bin/thidua, $workers workers, $base)"
deploy/stack.sh stop faults >/dev/null 2>&1 || true
rm -rf "$var"
THIDUA_WORKERS=$workers deploy/stack.sh start faults >&2
mkdir -p "$work"
chmod 0755 "$work"
[ "$(id -u)" -ne 0 ] || chown "$THIDUA_SVC_USER" "$work" # the stand-in writes its pid file there

sql() { psql "$db" -X -v ON_ERROR_STOP=1 -Atq -F ' ' "$@"; }
master=$(cat "$var/run/thidua.pid")

login() { # login USER: the session token
  curl -sf -X POST -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"password\":\"faults-pass-1\"}" \
    "$base/api/v1/sessions" | sed -n 's/.*"token" *: *"\([0-9a-f]*\)".*/\1/p'
}
user_add() { # user_add NAME ROLE [--agency CODE]
  local name=$1 role=$2
  shift 2
  echo "faults-pass-1" | bin/thidua --config "$THIDUA_CONFIG_FILE" user add "$name" --role "$role" "$@" >/dev/null
}
post_id() { # post_id PATH TOKEN JSON: the id of what was created
  local out
  out=$(curl -sf -X POST -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "$3" "$base$1") ||
    die "POST $1 failed"
  grep -o '"id" *: *[0-9]*' <<<"$out" | head -n 1 | grep -o '[0-9]*$'
}

user_add faults_admin admin
admin=$(login faults_admin)
[ -n "$admin" ] || die "cannot log in"
agency=$(post_id /api/v1/units "$admin" '{"code":"FLT","name":"Sở thử lỗi","kind":"agency"}')
unit=$(post_id /api/v1/units "$admin" "{\"code\":\"VP\",\"name\":\"Văn phòng Sở\",\"kind\":\"division\",\"parent_id\":$agency}")
user_add faults_office office --agency FLT
user_add faults_director director --agency FLT
office=$(login faults_office)
director=$(login faults_director)
year=$(date +%Y)
campaign=$(post_id /api/v1/campaigns "$office" "{\"agency_id\":$agency,\"year\":$year,\"code\":\"TD$year\",\
\"name\":\"Phong trào thi đua năm $year\",\"starts_on\":\"$year-01-01\",\"ends_on\":\"$year-12-31\",\"closes_on\":\"$((year + 1))-06-30\"}")
staff=$(post_id /api/v1/staff "$office" "{\"code\":\"NV001\",\"full_name\":\"Nguyễn Thị Hồng Nhung\",\"unit_id\":$unit,\
\"category\":\"cong_chuc\",\"joined_on\":\"2020-03-01\"}")
if [ -z "$agency" ] || [ -z "$unit" ] || [ -z "$campaign" ] || [ -z "$staff" ]; then
  die "could not set up the agency"
fi

metric() { curl -s "$base/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
restarts_before=$(metric thidua_worker_restarts_total)
reconnects_before=$(metric thidua_db_reconnects_total)

# ---------------------------------------------------------------- 1. writes
killer() { # SIGKILL a random worker every kill_every seconds; one line per kill
  while :; do
    sleep "$kill_every"
    local w
    w=$(ps -o pid= --ppid "$master" | tr -d ' ' | shuf -n 1)
    [ -n "$w" ] && kill -KILL "$w" 2>/dev/null && echo "$(date +%s.%N) $w"
  done
}
pg_restarter() { # restart PostgreSQL once per mode, evenly over the run
  local modes i=0 n
  read -r -a modes <<<"$pg_restarts"
  n=${#modes[@]}
  for m in "${modes[@]}"; do
    i=$((i + 1))
    sleep "$(awk -v s="$seconds" -v n="$n" 'BEGIN { printf "%.1f", s / (n + 1) }')"
    local t0=$SECONDS
    as_svc "$THIDUA_PG_BIN/pg_ctl" -D "$var/pg" -l "$var/log/postgresql.log" -w -t 60 -m "$m" restart >/dev/null
    echo "restart -m $m: back after $((SECONDS - t0)) s"
  done
}

say "writes: POST /api/v1/staff for $seconds s, $concurrency at a time; SIGKILL a worker every $kill_every s;" \
    "PostgreSQL restarts: ${pg_restarts:-none}"
killer > "$work/kills.log" &
killer_pid=$!
bg_pids+=("$killer_pid")
pg_restarter > "$work/pg-restarts.log" 2>&1 &
restarter_pid=$!
bg_pids+=("$restarter_pid")
"$load" writes --url "$base" --token "$office" --unit "$unit" --seconds "$seconds" --concurrency "$concurrency" \
  --prefix F- --out "$work/writes.txt"
kill "$killer_pid" 2>/dev/null || true
wait "$killer_pid" 2>/dev/null || true
forget "$killer_pid"
restarted=0
wait "$restarter_pid" || restarted=$?
forget "$restarter_pid"
[ "$restarted" = 0 ] || die "a PostgreSQL restart failed (var/faults/log/postgresql.log)"
sed 's/^/faults:   /' "$work/pg-restarts.log" >&2

# The stack is whole again before anything is counted.
for _ in $(seq 1 300); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/health")" = 200 ] && break
  sleep 0.2
done
kills=$(wc -l < "$work/kills.log")
restarts=$(( $(metric thidua_worker_restarts_total) - restarts_before ))
reconnects=$(( $(metric thidua_db_reconnects_total) - reconnects_before ))

read -r w_requests w_acked w_lost w_unacked w_503 w_503db w_503nginx w_503other w_none w_other <<<"$(sql <<SQL
CREATE TEMP TABLE answers (code text, status int, origin text);
\\copy answers FROM '$work/writes.txt' WITH (FORMAT text, DELIMITER ' ')
CREATE TEMP TABLE present AS SELECT code FROM staff WHERE agency_id = $agency AND code LIKE 'F-%';
SELECT count(*),
       count(*) FILTER (WHERE a.status = 201),
       count(*) FILTER (WHERE a.status = 201 AND p.code IS NULL),
       count(*) FILTER (WHERE a.status <> 201 AND p.code IS NOT NULL),
       count(*) FILTER (WHERE a.status = 503),
       count(*) FILTER (WHERE a.status = 503 AND a.origin = 'db'),
       count(*) FILTER (WHERE a.status = 503 AND a.origin = 'nginx'),
       count(*) FILTER (WHERE a.status = 503 AND a.origin NOT IN ('db', 'nginx')),
       count(*) FILTER (WHERE a.status = 0),
       count(*) FILTER (WHERE a.status NOT IN (0, 201, 503))
  FROM answers a LEFT JOIN present p USING (code);
SQL
)"
w_strays=$(sql -c "SELECT count(*) FROM staff WHERE agency_id = $agency AND code LIKE 'F-%'
                   AND substr(code, 3)::bigint > $w_requests")
# The details behind the figures: every status with how many of its writes are present.
sql > "$work/writes-by-status.txt" <<SQL
CREATE TEMP TABLE answers (code text, status int, origin text);
\\copy answers FROM '$work/writes.txt' WITH (FORMAT text, DELIMITER ' ')
SELECT a.status || ' ' || a.origin || ': ' || count(*) || ' answers, ' || count(s.code) || ' present'
  FROM answers a LEFT JOIN staff s ON s.agency_id = $agency AND s.code = a.code
 GROUP BY a.status, a.origin ORDER BY a.status, a.origin;
\\echo lost (201, absent):
SELECT a.code FROM answers a LEFT JOIN staff s ON s.agency_id = $agency AND s.code = a.code
 WHERE a.status = 201 AND s.code IS NULL ORDER BY 1;
SQL

# ---------------------------------------------------------------- 2. publications
say "publications: stand-in portal on 127.0.0.1:$portal_port failing $flaky %, $npushers pushers;" \
    "$npubs approvals over $burst s; portal down at $down_at s for $down_for s"
(umask 022; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/portal.secret")
as_svc "$standin" --port "$portal_port" --control "$control_port" --secret-file "$work/portal.secret" \
  --pidfile "$work/portal.pid" >> "$work/standin.log" 2>&1 < /dev/null &
bg_pids+=("$!")
control() { # control METHOD PATH [JSON]
  curl -sf -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "http://127.0.0.1:$control_port$2"
}
for _ in $(seq 1 100); do control GET /health >/dev/null 2>&1 && break; sleep 0.1; done
standin_pid=$(control GET /health | sed -n 's/.*"pid" *: *\([0-9]*\).*/\1/p')
[ "$standin_pid" = "$(cat "$work/portal.pid" 2>/dev/null)" ] || die "port $control_port is not our stand-in portal"
control POST /mode "{\"mode\":\"flaky\",\"percent\":$flaky}" >/dev/null

{
  cat "$THIDUA_CONFIG_FILE"
  cat <<CONF
# make faults: the stand-in portal, short timeouts and backoff
portal_url = http://127.0.0.1:$portal_port/api/thidua/publications
portal_secret_file = $work/portal.secret
portal_connect_timeout = 2
portal_timeout = 5
push_interval = 1
push_backoff_min = 1
push_backoff_max = 8
push_max_attempts = 100
CONF
} > "$work/push.conf"
chmod 0644 "$work/push.conf"
for i in $(seq 1 "$npushers"); do
  bin/thidua --config "$work/push.conf" push >> "$work/push-$i.log" 2>&1 < /dev/null &
  pusher_pids+=("$!")
done

t0=$SECONDS
"$load" publish --url "$base" --office "$office" --director "$director" --campaign "$campaign" --unit "$unit" \
  --staff "$staff" --count "$npubs" --seconds "$burst" --concurrency 4 --out "$work/approvals.txt" &
publisher_pid=$!
bg_pids+=("$publisher_pid")
sleep "$down_at"
control POST /mode '{"mode":"down"}' >/dev/null
say "  portal down at $((SECONDS - t0)) s"
sleep "$down_for"
control POST /mode '{"mode":"up"}' >/dev/null
control POST /mode "{\"mode\":\"flaky\",\"percent\":$flaky}" >/dev/null
say "  portal up again at $((SECONDS - t0)) s, failing $flaky %"
published=0
wait "$publisher_pid" || published=$?
forget "$publisher_pid"
[ "$published" = 0 ] || die "faultload publish failed"

deadline=$((SECONDS + drain_wait))
while [ "$SECONDS" -lt "$deadline" ]; do
  pending=$(sql -c "SELECT count(*) FROM publications WHERE campaign_id = $campaign AND state IN ('queued', 'sending')")
  [ "$pending" = 0 ] && break
  sleep 1
done
drained=$((SECONDS - t0))
say "  outbox drained (or gave up) at $drained s; $pending still queued or sending"
for p in "${pusher_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
for p in "${pusher_pids[@]}"; do wait "$p" 2>/dev/null || true; done
pusher_pids=()
control GET /received > "$work/received.json" || die "the stand-in portal does not answer"

read -r p_approved p_queued p_unqueued p_extra p_once p_twice p_lost p_unconfirmed p_strangers p_requests p_500 \
  p_retries p_attempts p_badsig <<<"$(sql <<SQL
\\set received \`cat '$work/received.json'\`
CREATE TEMP TABLE approvals (exemplar text, status int, step text);
\\copy approvals FROM '$work/approvals.txt' WITH (FORMAT text, DELIMITER ' ')
CREATE TEMP TABLE received AS SELECT :'received'::jsonb AS j;
CREATE TEMP TABLE items AS
SELECT i->>'key' AS key, (i->'doc'->>'id')::bigint AS pub, (i->>'acked')::int AS acked, i->>'reference' AS ref
  FROM received, jsonb_array_elements(j->'items') i;
CREATE TEMP TABLE outbox AS
SELECT id, exemplar_id, idempotency_key, state, attempts, portal_ref FROM publications
 WHERE campaign_id = $campaign AND kind = 'exemplar';
-- per outbox row: how many items the portal stored for it, under which keys, and how often it said 2xx
CREATE TEMP TABLE per_row AS
SELECT o.id, o.state, o.portal_ref, count(i.key) AS stored, coalesce(sum(i.acked), 0) AS acked,
       count(i.key) FILTER (WHERE i.key <> o.idempotency_key) AS other_keys,
       bool_and(i.ref = o.portal_ref) AS ref_ok
  FROM outbox o LEFT JOIN items i ON i.pub = o.id GROUP BY o.id, o.state, o.portal_ref;
SELECT (SELECT count(*) FROM approvals WHERE step = 'approve' AND status = 200),
       (SELECT count(*) FROM outbox),
       (SELECT count(*) FROM approvals a WHERE step = 'approve' AND status = 200
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.exemplar_id = a.exemplar::bigint)),
       (SELECT count(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM approvals a WHERE a.exemplar = o.exemplar_id::text
           AND a.step = 'approve' AND a.status = 200)),
       (SELECT count(*) FROM per_row WHERE stored = 1 AND acked = 1 AND other_keys = 0 AND state = 'sent' AND ref_ok),
       (SELECT count(*) FROM per_row WHERE stored > 1 OR acked > 1),
       (SELECT count(*) FROM per_row WHERE stored = 0),
       (SELECT count(*) FROM per_row WHERE stored = 1 AND acked <= 1
           AND NOT (acked = 1 AND other_keys = 0 AND state = 'sent' AND ref_ok)),
       (SELECT count(*) FROM items i WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = i.pub)),
       (SELECT j->>'requests' FROM received),
       (SELECT j->>'failed_500' FROM received),
       (SELECT j->>'duplicates' FROM received),
       (SELECT sum(attempts) FROM outbox),
       (SELECT j->>'bad_signatures' FROM received);
SQL
)"
sql > "$work/publications-detail.txt" <<SQL
\\set received \`cat '$work/received.json'\`
\\echo outbox rows by state:
SELECT state || ': ' || count(*) || ' (attempts ' || min(attempts) || ' to ' || max(attempts) || ')'
  FROM publications WHERE campaign_id = $campaign AND kind = 'exemplar' GROUP BY state ORDER BY state;
\\echo rows not sent exactly once (id, state, attempts, stored, acked, keys, last error):
WITH items AS (
  SELECT i->>'key' AS key, (i->'doc'->>'id')::bigint AS pub, (i->>'acked')::int AS acked
    FROM jsonb_array_elements(:'received'::jsonb->'items') i)
SELECT o.id || ' ' || o.state || ' ' || o.attempts || ' ' || count(i.key) || ' ' || coalesce(sum(i.acked), 0)
       || ' ' || coalesce(string_agg(i.key, ','), '-') || ' ' || coalesce(o.last_error, '-')
  FROM publications o LEFT JOIN items i ON i.pub = o.id
 WHERE o.campaign_id = $campaign AND o.kind = 'exemplar'
 GROUP BY o.id HAVING count(i.key) <> 1 OR coalesce(sum(i.acked), 0) <> 1 OR o.state <> 'sent' ORDER BY o.id;
\\echo approvals by answer:
CREATE TEMP TABLE approvals (exemplar text, status int, step text);
\\copy approvals FROM '$work/approvals.txt' WITH (FORMAT text, DELIMITER ' ')
SELECT step || ' ' || status || ': ' || count(*) FROM approvals GROUP BY step, status ORDER BY 1;
SQL

# ---------------------------------------------------------------- the figures
w_restart_words=${pg_restarts:-none}
echo
echo "faults: $(nproc) cores; bin/thidua with $workers workers behind nginx; PostgreSQL with its durable defaults"
echo "writes: POST /api/v1/staff for $seconds s, $concurrency at a time, never retried;" \
     "$kills workers killed (SIGKILL; $restarts replaced by the master), PostgreSQL restarted (${w_restart_words// /, }); $reconnects database reconnects"
printf '  %-44s %7s\n' "requests" "$w_requests"
printf '  %-44s %7s\n' "writes acknowledged (201)" "$w_acked"
printf '  %-44s %7s   must be 0\n' "lost (acknowledged, not in the database)" "$w_lost"
printf '  %-44s %7s\n' "present but unacknowledged" "$w_unacked"
printf '  %-44s %7s   (%s from a worker: database down; %s from nginx: worker gone%s)\n' "answers 503" "$w_503" \
  "$w_503db" "$w_503nginx" "$( [ "$w_503other" = 0 ] || echo "; $w_503other other")"
printf '  %-44s %7s\n' "other answers" "$w_other"
printf '  %-44s %7s\n' "no answer at all" "$w_none"
[ "$w_strays" = 0 ] || printf '  %-44s %7s\n' "rows with a code never sent (!)" "$w_strays"
echo "publications: $npubs exemplars approved through the API over $burst s; portal failing $flaky % (half after storing)," \
     "down $down_for s from $down_at s; $npushers pushers; outbox drained at $drained s"
printf '  %-44s %7s\n' "approvals acknowledged (200)" "$p_approved"
printf '  %-44s %7s\n' "publications in the outbox" "$p_queued"
[ "$p_unqueued" = 0 ] || printf '  %-44s %7s\n' "approved but not queued (!)" "$p_unqueued"
[ "$p_extra" = 0 ] || printf '  %-44s %7s\n' "queued, approval unacknowledged" "$p_extra"
printf '  %-44s %7s\n' "sent once" "$p_once"
printf '  %-44s %7s   must be 0\n' "sent twice" "$p_twice"
printf '  %-44s %7s   must be 0\n' "lost (not at the portal)" "$p_lost"
[ "$p_unconfirmed" = 0 ] || printf '  %-44s %7s\n' "at the portal, not recorded as sent" "$p_unconfirmed"
[ "$p_strangers" = 0 ] || printf '  %-44s %7s\n' "at the portal, not in the outbox (!)" "$p_strangers"
printf '  %-44s %7s   (%s answered 500; %s repeats of a stored key; %s attempts recorded)\n' "portal requests" \
  "$p_requests" "$p_500" "$p_retries" "$p_attempts"
[ "$p_badsig" = 0 ] || printf '  %-44s %7s\n' "refused signatures (!)" "$p_badsig"
echo "details: var/faults/faults/ (writes-by-status.txt, publications-detail.txt, received.json, push-*.log)"

bad=0
[ "$w_lost" = 0 ] || { say "FAIL: $w_lost acknowledged writes are not in the database (var/faults/faults/writes-by-status.txt)"; bad=1; }
[ "$p_lost" = 0 ] || { say "FAIL: $p_lost publications never reached the portal (var/faults/faults/publications-detail.txt)"; bad=1; }
[ "$p_twice" = 0 ] || { say "FAIL: $p_twice publications were sent twice (var/faults/faults/publications-detail.txt)"; bad=1; }
[ "$p_unqueued" = 0 ] || { say "FAIL: $p_unqueued acknowledged approvals queued no publication"; bad=1; }
exit "$bad"
