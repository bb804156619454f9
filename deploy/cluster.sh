#!/usr/bin/env bash
# The production topology on one machine, for trying it (`make cluster`),
# never part of `make test`: deploy/README-production.md section 11 is the
# same thing on real hosts, and this script does its steps.
#
#   deploy/cluster.sh start     two PostgreSQL nodes (a primary and a
#                               streaming replica made by pg_basebackup -R),
#                               two worker groups (`thidua serve` on TCP, each
#                               reading from the replica), nginx with an
#                               upstream of both; migrates, loads the demo,
#                               prints how to watch a failover
#   deploy/cluster.sh status    which node is primary, pg_stat_replication,
#                               the workers, /health through nginx
#   deploy/cluster.sh failover  the documented procedure: fence the primary
#                               (stopped, standby.signal written, its data
#                               directory moved aside), promote the replica,
#                               repoint both worker groups (config + SIGHUP)
#   deploy/cluster.sh rejoin    the fenced node back as a new replica of the
#                               new primary (pg_basebackup), the workers'
#                               database_read_url pointed at it again
#   deploy/cluster.sh stop      stop everything (the data stays in var/cluster)
#
# The failover is PostgreSQL's own `pg_ctl promote` behind a fencing step,
# decided by a person, not Patroni: README-production.md section 11.7 says
# why (no third failure domain for etcd's quorum at an agency, Patroni
# taking over Debian's PostgreSQL units, minutes of failover acceptable).
#
# Everything lives under var/cluster/: node1/ and node2/ (data directories),
# run/ (sockets, pid files), log/, serve1.conf and serve2.conf (one per worker
# group, as /etc/thidua/thidua.conf would be on each worker host), nginx.conf,
# primary (the number of the node that is primary now).
# PostgreSQL listens on 127.0.0.1 (TCP, scram-sha-256, passwords in .pgpass
# files under var/cluster/secrets/) as separate hosts would; the Unix socket
# (trust, directory 0750) is for the superuser's administration only.
#
# Environment: THIDUA_HTTP_PORT (nginx, default 24080), THIDUA_PG_PORT (node1;
# node2 is the next port; default 24432), THIDUA_FCGI_PORT (worker group 1;
# group 2 the next port; default THIDUA_HTTP_PORT+10), THIDUA_BIN (default
# bin/thidua), THIDUA_WORKERS (per group, default 2), THIDUA_DEMO=0 (no demo).
# Run as root (like `make run`: the services run as the user thidua, nginx's
# workers as www-data) or as an ordinary user (everything runs as that user).
set -euo pipefail

cmd=${1:-}
root=$(cd "$(dirname "$0")/.." && pwd)
var=$root/var/cluster
http_port=${THIDUA_HTTP_PORT:-24080}
pg_base=${THIDUA_PG_PORT:-24432}
fcgi_base=${THIDUA_FCGI_PORT:-$((http_port + 10))}
bin=${THIDUA_BIN:-$root/bin/thidua}
workers=${THIDUA_WORKERS:-2}

. "$root/deploy/common.sh"

say() { printf 'thidua[cluster]: %s\n' "$*"; }
die() { say "$*" >&2; exit 1; }

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# ---------------------------------------------------------------- nodes
pgdir() { echo "$var/node$1"; }
pgport() { echo $((pg_base + $1 - 1)); }
other() { echo $((3 - $1)); }
primary_node() { cat "$var/primary" 2>/dev/null || echo 1; }
# The superuser, over the node's Unix socket (administration only).
admin_psql() { # admin_psql NODE SQL
  psql "postgresql:///postgres?host=$var/run&port=$(pgport "$1")&user=$svc_user" -X -Atqc "$2"
}
node_up() { as_svc "$pg_bin/pg_ctl" -D "$(pgdir "$1")" status >/dev/null 2>&1; }
# The URLs the workers and migrate use: TCP, as to another host.
app_url() { echo "postgresql://thidua_app@127.0.0.1:$(pgport "$1")/thidua?passfile=$var/secrets/app.pgpass&connect_timeout=3"; }
owner_url() { echo "postgresql://thidua_owner@127.0.0.1:$(pgport "$1")/thidua?passfile=$var/secrets/owner.pgpass"; }
repl_conninfo() { echo "host=127.0.0.1 port=$(pgport "$1") user=replicator passfile=$var/secrets/replication.pgpass application_name=node$2"; }

secret() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# Three roles that log in over TCP, each with its own password file (in
# production each file lives on the host that needs it: app on the worker
# hosts, owner where migrate runs, replication on the database hosts).
make_secrets() {
  mkdir -p "$var/secrets"
  chmod 0700 "$var/secrets"
  local name role
  for name in app owner replication; do
    [ -s "$var/secrets/$name.pgpass" ] && continue
    case $name in app) role=thidua_app ;; owner) role=thidua_owner ;; *) role=replicator ;; esac
    (umask 077; echo "127.0.0.1:*:*:$role:$(secret)" > "$var/secrets/$name.pgpass")
  done
  if [ "$(id -u)" -eq 0 ]; then
    # The workers read app's, PostgreSQL (the service user) replication's;
    # owner's stays root's, as migrate runs as root.
    chown "$svc_user" "$var/secrets" "$var/secrets/app.pgpass" "$var/secrets/replication.pgpass"
    chmod 0711 "$var/secrets"
  fi
}
password_of() { cut -d: -f5 "$var/secrets/$1.pgpass"; }

write_node_settings() { # write_node_settings NODE: its port and name (the rest is shared)
  local d
  d=$(pgdir "$1")
  cat > "$d/node.conf" <<CONF
# deploy/cluster.sh: what differs between the nodes
port = $(pgport "$1")
cluster_name = 'thidua-node$1'
CONF
}

init_primary() { # init_primary NODE: a new cluster, the roles and the database
  local n=$1 d
  d=$(pgdir "$n")
  say "creating the primary PostgreSQL node$n in var/cluster/node$n (port $(pgport "$n"))"
  as_svc "$pg_bin/initdb" -D "$d" -U "$svc_user" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  cat >> "$d/postgresql.conf" <<CONF
# deploy/cluster.sh: TCP on loopback (as another host would be reached),
# the Unix socket for the superuser only.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$var/run'
unix_socket_permissions = 0700
timezone = 'Asia/Ho_Chi_Minh'
shared_buffers = 128MB
max_connections = 100
# Streaming replication (asynchronous; README-production.md section 11 says
# when to make it synchronous). Slots keep the WAL a replica still needs;
# the bound keeps a replica gone for good from filling the disk.
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
max_slot_wal_keep_size = 2GB
# On a replica: long reads (scorecards) are not cancelled by the cleanup of
# rows they still see; the primary keeps them instead.
hot_standby = on
hot_standby_feedback = on
include_if_exists = 'node.conf'
CONF
  write_node_settings "$n"
  as_svc "$pg_bin/pg_ctl" -D "$d" -l "$var/log/node$n.log" -w -t 60 start >/dev/null
  admin_psql "$n" "SELECT 1" >/dev/null
  psql "postgresql:///postgres?host=$var/run&port=$(pgport "$n")&user=$svc_user" -X -v ON_ERROR_STOP=1 -q \
    -v app="$(password_of app)" -v owner="$(password_of owner)" -v repl="$(password_of replication)" <<'SQL' >/dev/null
CREATE ROLE thidua_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'owner';
CREATE ROLE thidua_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app';
CREATE ROLE replicator LOGIN REPLICATION PASSWORD :'repl';
CREATE DATABASE thidua OWNER thidua_owner;
SQL
}

# A replica of NODE's primary: a base backup with its standby settings (-R:
# standby.signal and primary_conninfo), its own replication slot on the
# primary, WAL streamed during the copy.
init_replica() { # init_replica NODE PRIMARY
  local n=$1 p=$2 d
  d=$(pgdir "$n")
  say "making node$n a streaming replica of node$p (pg_basebackup -R, slot node$n)"
  admin_psql "$p" "SELECT pg_drop_replication_slot('node$n') FROM pg_replication_slots WHERE slot_name = 'node$n'" >/dev/null
  rm -rf "$d"
  as_svc "$pg_bin/pg_basebackup" -d "$(repl_conninfo "$p" "$n")" -D "$d" -R -X stream -C -S "node$n" -c fast
  write_node_settings "$n"
}

start_node() {
  node_up "$1" && return 0
  as_svc "$pg_bin/pg_ctl" -D "$(pgdir "$1")" -l "$var/log/node$1.log" -w -t 120 start >/dev/null
}

in_recovery() { admin_psql "$1" "SELECT pg_is_in_recovery()"; }

# ---------------------------------------------------------------- workers
fcgi_port() { echo $((fcgi_base + $1 - 1)); }

# The configuration of worker group K, as /etc/thidua/thidua.conf on a
# worker host: the primary for writes, the replica (if any) for reads.
write_serve_config() { # write_serve_config K PRIMARY [REPLICA]
  local k=$1 p=$2 r=${3:-} f=$var/serve$1.conf
  {
    echo "# Written by deploy/cluster.sh: worker group $k (one worker host in production)."
    echo "# Repointed by deploy/cluster.sh failover / rejoin, then SIGHUP."
    echo "database_url = $(app_url "$p")"
    echo "database_owner_url = $(owner_url "$p")"
    if [ -n "$r" ]; then echo "database_read_url = $(app_url "$r")"; fi
    echo "replica_max_lag = 16777216"
    echo "replica_retry = 5"
    echo "socket ="
    echo "listen = 127.0.0.1:$(fcgi_port "$k")"
    echo "listen_allow = 127.0.0.1"
    echo "pidfile = $var/run/serve$k.pid"
    echo "user = $svc_user"
    echo "sql_dir = $root/sql"
    echo "workers = $workers"
  } > "$f.new"
  chmod 0644 "$f.new"
  mv "$f.new" "$f"
}

start_serve() { # start_serve K
  local k=$1
  running "$var/run/serve$k.pid" && return 0
  say "starting worker group $k: thidua serve on 127.0.0.1:$(fcgi_port "$k") ($workers workers)"
  nohup "$bin" --config "$var/serve$k.conf" serve >> "$var/log/serve$k.log" 2>&1 < /dev/null &
  wait_for 30 "worker group $k's pid file" test -s "$var/run/serve$k.pid"
  wait_for 30 "worker group $k on 127.0.0.1:$(fcgi_port "$k")" \
    bash -c "exec 3<>/dev/tcp/127.0.0.1/$(fcgi_port "$k")"
}

reload_serve() { # reload_serve K: SIGHUP, the master re-reads its file
  running "$var/run/serve$1.pid" || return 0
  kill -HUP "$(cat "$var/run/serve$1.pid")"
}

# ---------------------------------------------------------------- nginx
# The stack's own nginx template (nginx/nginx.conf.in with locations.conf),
# its upstream made of the two worker groups on TCP as in
# nginx/site-production.conf: a group that fails is left alone for
# 10 s; idempotent requests go on to the other group, a POST never twice.
start_nginx() {
  mkdir -p "$var/nginx"
  local up
  up="server 127.0.0.1:$(fcgi_port 1) max_fails=1 fail_timeout=10s;\\
        server 127.0.0.1:$(fcgi_port 2) max_fails=1 fail_timeout=10s;"
  sed -e "s|@USER_LINE@|$user_line|" -e "s|@VAR@|$var|g" -e "s|@PORT@|$http_port|g" \
      -e "s|server unix:@SOCKET@;|$up|" -e "s|@UPSTREAM@|$up|" -e "s|@WWW@|$root/nginx/www|g" \
      -e "s|@NGINX_DIR@|$root/nginx|g" -e "s|@LOGIN_RATE@|10r/s|g" \
      "$root/nginx/nginx.conf.in" > "$var/nginx.conf"
  grep -q "127.0.0.1:$(fcgi_port 2)" "$var/nginx.conf" || die "nginx/nginx.conf.in has no upstream line to fill in"
  if running "$var/nginx/nginx.pid"; then
    nginx -p "$var/nginx" -c "$var/nginx.conf" -e "$var/log/nginx-error.log" -s reload
    return 0
  fi
  say "starting nginx on 127.0.0.1:$http_port (upstream: both worker groups)"
  nginx -p "$var/nginx" -c "$var/nginx.conf" -e "$var/log/nginx-error.log"
  wait_for 10 "nginx on port $http_port" curl -sf -o /dev/null "http://127.0.0.1:$http_port/api/v1/health"
}

# ---------------------------------------------------------------- commands
start() {
  [ -x "$bin" ] || die "$bin is missing: run make first"
  [ -n "$pg_bin" ] || die "no PostgreSQL server (deploy/install-deps.sh)"
  mkdir -p "$var/run" "$var/log"
  if [ "$(id -u)" -eq 0 ]; then
    chown "$svc_user:$svc_user" "$var" "$var/log"
    chown "$svc_user:$web_group" "$var/run"
    chmod 0750 "$var/run"
    ensure_reachable "$root/nginx/www"
    ensure_reachable "$var"
  fi
  make_secrets
  local p r
  p=$(primary_node)
  r=$(other "$p")
  if [ ! -f "$(pgdir "$p")/PG_VERSION" ]; then
    # A failover stopped half-way leaves the replica's data and no primary:
    # never start afresh over them.
    [ ! -f "$(pgdir "$r")/PG_VERSION" ] ||
      die "node$p (the primary in var/cluster/primary) has no data but node$r has: finish with deploy/cluster.sh failover"
    init_primary "$p"
    echo "$p" > "$var/primary"
  fi
  start_node "$p"
  [ "$(in_recovery "$p")" = f ] || die "node$p should be the primary but is in recovery: see deploy/cluster.sh status"
  write_serve_config 1 "$p"
  say "migrating the primary (thidua migrate as thidua_owner over TCP)"
  "$bin" --config "$var/serve1.conf" migrate | sed "s/^/thidua[cluster]: /"
  if [ "${THIDUA_DEMO:-1}" != 0 ]; then
    "$root/deploy/demo.sh" "$var/serve1.conf" "$bin" cluster
  fi
  # The replica after the data: a base backup holds it all at once.
  if [ -f "$(pgdir "$r")/PG_VERSION" ] && [ ! -f "$(pgdir "$r")/standby.signal" ]; then
    die "node$r is neither the primary nor a replica (fenced by hand?): move var/cluster/node$r aside, then start again"
  fi
  [ -f "$(pgdir "$r")/PG_VERSION" ] || init_replica "$r" "$p"
  start_node "$r"
  wait_for 60 "node$r streaming from node$p" \
    test "$(admin_psql "$p" "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'node$r' AND state = 'streaming'")" = 1
  write_serve_config 1 "$p" "$r"
  write_serve_config 2 "$p" "$r"
  start_serve 1
  start_serve 2
  start_nginx
  say "ready: http://127.0.0.1:$http_port/ (demo logins: admin, office, director... password thidua-demo)"
  watch_help
}

watch_help() {
  local url=http://127.0.0.1:$http_port p r c
  p=$(primary_node)
  r=$(other "$p")
  c=$(psql "$(app_url "$p")" -X -Atqc "SELECT min(id) FROM campaigns WHERE code = 'TD2025'" 2>/dev/null || true)
  cat <<EOF

How to watch a failover (three terminals):
  1. the workers' view, every second: which database served, and the lag
       watch -n1 'curl -s $url/api/v1/health | jq .'
     and a read that may go to the replica (the header Thidua-Database says
     which database answered it):
       TOKEN=\$(curl -s -H 'Content-Type: application/json' -d '{"username":"office","password":"thidua-demo"}' \\
               $url/api/v1/sessions | jq -r .token)
       curl -s -D - -o /dev/null -H "Authorization: Bearer \$TOKEN" $url/api/v1/campaigns/${c:-1}/scorecard | grep -i '^thidua-'
     (a write answers Thidua-Commit-LSN; a read by the same session right
     after it says Thidua-Database: primary until the replica has replayed it)
  2. the replication, on the primary (node$p, port $(pgport "$p")):
       psql 'postgresql:///postgres?host=$var/run&port=$(pgport "$p")&user=$svc_user' \\
         -c 'SELECT application_name, state, sent_lsn, replay_lsn, replay_lag FROM pg_stat_replication'
     and on the replica (node$r, port $(pgport "$r")):
       psql 'postgresql:///postgres?host=$var/run&port=$(pgport "$r")&user=$svc_user' \\
         -c 'SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn(), now() - pg_last_xact_replay_timestamp() AS behind'
     or all of it at once:   deploy/cluster.sh status
  3. the failover itself:    deploy/cluster.sh failover
     (fences node$p: stopped, standby.signal, data directory moved aside;
     promotes node$r; rewrites var/cluster/serve1.conf and serve2.conf and
     sends SIGHUP to both worker groups). Then a write again, and
     deploy/cluster.sh rejoin   (the fenced node back as the new replica)
     deploy/cluster.sh stop
  Logs: var/cluster/log/ (node1.log, node2.log, serve1.log, serve2.log, nginx-*.log)
EOF
}

status() {
  [ -d "$var" ] || die "no cluster here (deploy/cluster.sh start)"
  local p n state
  p=$(primary_node)
  echo "primary (var/cluster/primary): node$p"
  for n in 1 2; do
    if [ ! -f "$(pgdir "$n")/PG_VERSION" ]; then
      state="no data directory"
      local fenced_dirs=("$(pgdir "$n")".fenced-*)
      [ -e "${fenced_dirs[-1]}" ] && state="fenced: ${fenced_dirs[-1]#"$root"/}"
    elif ! node_up "$n"; then
      state="stopped"
    elif [ "$(in_recovery "$n")" = t ]; then
      state="replica, replayed up to $(admin_psql "$n" "SELECT pg_last_wal_replay_lsn()"), $(admin_psql "$n" \
        "SELECT coalesce(round(extract(epoch FROM now() - pg_last_xact_replay_timestamp()))::text || ' s since the last replayed commit', 'nothing replayed yet')")"
    else
      state="primary, WAL at $(admin_psql "$n" "SELECT pg_current_wal_lsn()")"
    fi
    printf '  node%s  port %s  %s\n' "$n" "$(pgport "$n")" "$state"
  done
  if node_up "$p" && [ "$(in_recovery "$p")" = f ]; then
    echo "pg_stat_replication on node$p:"
    psql "postgresql:///postgres?host=$var/run&port=$(pgport "$p")&user=$svc_user" -X -q \
      -c "SELECT application_name, client_addr, state, sent_lsn, replay_lsn,
                 pg_wal_lsn_diff(sent_lsn, replay_lsn) AS lag_bytes, replay_lag FROM pg_stat_replication" | sed 's/^/  /'
  fi
  for k in 1 2; do
    if running "$var/run/serve$k.pid"; then
      printf '  worker group %s on 127.0.0.1:%s, master %s, %s workers; %s\n' "$k" "$(fcgi_port "$k")" \
        "$(cat "$var/run/serve$k.pid")" "$(ps -o pid= --ppid "$(cat "$var/run/serve$k.pid")" | wc -l)" \
        "$(sed -n 's/^database_url = .*@\(127.0.0.1:[0-9]*\).*/writes to \1/p' "$var/serve$k.conf"), $(
          sed -n 's/^database_read_url = .*@\(127.0.0.1:[0-9]*\).*/reads from \1/p' "$var/serve$k.conf" | grep . || echo "no replica")"
    else
      printf '  worker group %s: not running\n' "$k"
    fi
  done
  # Twice: nginx's round robin asks each worker group in turn.
  echo "GET /api/v1/health through nginx (127.0.0.1:$http_port), twice:"
  for _ in 1 2; do
    curl -s -m 5 "http://127.0.0.1:$http_port/api/v1/health" | sed 's/^/  /' || echo "  (no answer)"
    echo
  done
}

# The procedure of README-production.md section 11.5, on this machine.
failover() {
  [ -d "$var" ] || die "no cluster here (deploy/cluster.sh start)"
  local p r t0 fenced end_lsn replayed
  p=$(primary_node)
  r=$(other "$p")
  if [ ! -f "$(pgdir "$r")/PG_VERSION" ] || ! node_up "$r"; then die "node$r (the replica) is not running: nothing to promote"; fi
  [ "$(in_recovery "$r")" = t ] || die "node$r is not a replica"
  t0=$(date +%s.%N)

  # 1. Fence the old primary: stopped, and unable to come back as a primary.
  say "1/4 fencing node$p (the primary): stop"
  if [ -f "$(pgdir "$p")/PG_VERSION" ]; then
    if ! as_svc "$pg_bin/pg_ctl" -D "$(pgdir "$p")" -m fast -w -t 30 stop >/dev/null 2>&1 && node_up "$p"; then
      say "    a fast stop did not finish in 30 s: immediate stop"
      as_svc "$pg_bin/pg_ctl" -D "$(pgdir "$p")" -m immediate -w stop >/dev/null
    fi
    # Where the old primary's WAL ended, to compare with what the replica
    # has: known only after a clean shutdown (its last record is then the
    # shutdown checkpoint, which it sent to the replica before stopping).
    local control
    control=$(LC_ALL=C as_svc "$pg_bin/pg_controldata" -D "$(pgdir "$p")")
    if grep -q '^Database cluster state: *shut down$' <<<"$control"; then
      end_lsn=$(awk -F': *' '/^Latest checkpoint location/ {print $2}' <<<"$control")
    else
      say "    node$p had not shut down cleanly ($(sed -n 's/^Database cluster state: *//p' <<<"$control")):" \
          "what it wrote after the replica's last receipt is lost"
    fi
    # Started again by mistake, it would come up read-only, never as a second
    # primary; and its directory is not where start looks any more.
    as_svc touch "$(pgdir "$p")/standby.signal"
    fenced=$(pgdir "$p").fenced-$(date -u +%Y%m%dT%H%M%SZ)
    mv "$(pgdir "$p")" "$fenced"
    say "    node$p stopped, standby.signal written, data directory moved to ${fenced#"$root"/}"
  fi

  # 2. What the replica has: the old primary's last WAL record (its shutdown
  # checkpoint, sent to the replica before it stopped) should be replayed.
  if [ -n "${end_lsn:-}" ]; then
    wait_for 30 "node$r to replay up to $end_lsn" \
      test "$(admin_psql "$r" "SELECT pg_last_wal_replay_lsn() >= '$end_lsn'::pg_lsn")" = t || true
    replayed=$(admin_psql "$r" "SELECT pg_last_wal_replay_lsn()")
    say "2/4 node$p's WAL ended at $end_lsn; node$r has replayed up to $replayed ($(admin_psql "$r" \
      "SELECT greatest(pg_wal_lsn_diff('$end_lsn', pg_last_wal_replay_lsn()), 0)") bytes missing)"
  fi

  # 3. Promote the replica.
  say "3/4 promoting node$r (pg_ctl promote)"
  as_svc "$pg_bin/pg_ctl" -D "$(pgdir "$r")" -w -t 60 promote >/dev/null
  wait_for 30 "node$r out of recovery" test "$(in_recovery "$r")" = f
  echo "$r" > "$var/primary"

  # 4. Repoint the workers: the new primary for everything (no replica is
  # left until rejoin), then a reload; each group's new workers connect there.
  say "4/4 repointing both worker groups to node$r (config + SIGHUP)"
  write_serve_config 1 "$r"
  write_serve_config 2 "$r"
  reload_serve 1
  reload_serve 2
  wait_for 30 "a healthy answer through nginx" curl -sf -o /dev/null "http://127.0.0.1:$http_port/api/v1/health"
  say "done in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s: node$r is the primary; node$p is fenced"
  say "bring node$p back as the new replica with: deploy/cluster.sh rejoin"
}

# The fenced node as a new replica of the new primary. Its old data are
# not reused (they may hold transactions the new primary never had): a new
# base backup, as README-production.md section 11.5 (step 6) says (pg_rewind is the
# faster way on a large database).
rejoin() {
  [ -d "$var" ] || die "no cluster here (deploy/cluster.sh start)"
  local p r
  p=$(primary_node)
  r=$(other "$p")
  if ! node_up "$p" || [ "$(in_recovery "$p")" != f ]; then die "node$p is not a running primary"; fi
  if [ -f "$(pgdir "$r")/PG_VERSION" ]; then
    node_up "$r" && [ "$(in_recovery "$r")" = t ] && { say "node$r already is a replica"; return 0; }
    die "node$r has a data directory and is not a running replica: move it aside first"
  fi
  init_replica "$r" "$p"
  start_node "$r"
  wait_for 60 "node$r streaming from node$p" \
    test "$(admin_psql "$p" "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'node$r' AND state = 'streaming'")" = 1
  write_serve_config 1 "$p" "$r"
  write_serve_config 2 "$p" "$r"
  reload_serve 1
  reload_serve 2
  say "node$r is a replica of node$p again; the workers read from it (old data directories: var/cluster/node*.fenced-*)"
}

stop() {
  [ -d "$var" ] || return 0
  stop_pidfile "$var/nginx/nginx.pid"
  stop_pidfile "$var/run/serve1.pid"
  stop_pidfile "$var/run/serve2.pid"
  local n
  for n in 1 2; do
    if [ -f "$(pgdir "$n")/PG_VERSION" ]; then
      as_svc "$pg_bin/pg_ctl" -D "$(pgdir "$n")" -m fast -w stop >/dev/null 2>&1 || true
    fi
  done
  say "stopped (data kept in var/cluster; rm -rf var/cluster for a new one)"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  status) status ;;
  failover) failover ;;
  rejoin) rejoin ;;
  help) watch_help ;;
  *) echo "usage: $0 start|status|failover|rejoin|stop|help" >&2; exit 2 ;;
esac
