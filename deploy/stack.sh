#!/usr/bin/env bash
# The local stack: a private PostgreSQL cluster, `thidua serve` and nginx,
# all under var/STACK/ (STACK is dev for `make run`, test for `make test`,
# each on its own ports).
#   deploy/stack.sh start dev|test     start (idempotent)
#   deploy/stack.sh stop dev|test      stop
#   deploy/stack.sh env dev|test       print the settings as shell variables
# (bench: tests/bench/run.sh, a larger database and its own nginx config;
# faults: tests/faults/run.sh, PostgreSQL's durable defaults.)
# Environment: THIDUA_DATABASE_URL (use that database, start no cluster;
# THIDUA_DATABASE_OWNER_URL: migrate as that role there, default the same
# URL), THIDUA_HTTP_PORT, THIDUA_PG_PORT, THIDUA_BIN (the binary to serve with),
# THIDUA_WORKERS, THIDUA_DEMO=0 (dev: do not load the demo campaign, nor
# make its reports through the API once the server runs).
# Scale-out (deploy/README-production.md, "Several hosts"):
# THIDUA_REPLICA=1: a streaming replica of the stack's cluster, made with
# pg_basebackup -R into var/STACK/pg-replica, hot standby on port
# THIDUA_PG_PORT+1; the servers read from it (database_read_url).
# THIDUA_SERVE_HOSTS=N: N `thidua serve` masters on TCP 127.0.0.1, ports
# THIDUA_FCGI_PORT (default THIDUA_HTTP_PORT+10) .. +N-1, each with
# var/STACK/serveK.conf, var/STACK/log/serveK.log and var/STACK/run/serveK.pid,
# instead of the one on the Unix socket; nginx's upstream lists them all.
# THIDUA_REPLICA_RETRY, THIDUA_REPLICA_MAX_LAG: written into the configuration.
# The stack `scale` (HTTP 18120, PostgreSQL 18133 and 18134, FastCGI 18140,
# 18141) is the test stack with THIDUA_REPLICA=1 and THIDUA_SERVE_HOSTS=2,
# one worker each: tests/scale/ run against it.
# The provincial portal (dev only; see deploy/portal.md): THIDUA_PORTAL_URL
# (push there, start no stand-in), THIDUA_PORTAL_SECRET_FILE,
# THIDUA_PORTAL_CA_FILE, THIDUA_PORTAL_PORT (the stand-in's, default 8091;
# its control port is the next one).
# Reports by e-mail (deploy/reports.md): a real SMTP server, aiosmtpd from
# Debian (tests/smtp/smtpd.py), on 127.0.0.1:THIDUA_SMTP_PORT (dev 8025;
# test THIDUA_TEST_SMTP_PORTS, default 18170) with STARTTLS required under
# a CA made once in var/STACK/smtp/, storing what it accepts in the maildir
# var/STACK/mail/ (new/ holds the messages). THIDUA_SMTP_URL: send through
# that server instead (start none; THIDUA_SMTP_CREDENTIALS_FILE,
# THIDUA_SMTP_CA_FILE, THIDUA_SMTP_FROM).
set -euo pipefail

cmd=${1:-}
stack=${2:-dev}
root=$(cd "$(dirname "$0")/.." && pwd)
var=$root/var/$stack

case $stack in
  dev)  http_port=${THIDUA_HTTP_PORT:-8080};  pg_port=${THIDUA_PG_PORT:-5433};  login_rate=10r/s ;;
  test) http_port=${THIDUA_HTTP_PORT:-18080}; pg_port=${THIDUA_PG_PORT:-15433}; login_rate=1000r/s ;;
  bench) http_port=${THIDUA_HTTP_PORT:-18090}; pg_port=${THIDUA_PG_PORT:-15490}; login_rate=1000r/s ;;
  faults) http_port=${THIDUA_HTTP_PORT:-18100}; pg_port=${THIDUA_PG_PORT:-15500}; login_rate=1000r/s ;;
  scale) http_port=${THIDUA_HTTP_PORT:-18120}; pg_port=${THIDUA_PG_PORT:-18133}; login_rate=1000r/s ;;
  *) echo "usage: $0 start|stop|env dev|test|bench|faults|scale" >&2; exit 2 ;;
esac
if [ "$stack" = scale ]; then
  replica=${THIDUA_REPLICA:-1}
  serve_hosts=${THIDUA_SERVE_HOSTS:-2}
  workers_default=1
else
  replica=${THIDUA_REPLICA:-0}
  serve_hosts=${THIDUA_SERVE_HOSTS:-0}
  workers_default=0
fi
fcgi_port=${THIDUA_FCGI_PORT:-$((http_port + $([ "$stack" = scale ] && echo 20 || echo 10)))}
replica_port=$((pg_port + 1))
bin=${THIDUA_BIN:-$root/bin/thidua}

. "$root/deploy/common.sh"

# Three roles in the private cluster (sql/migrations/0007_least_privilege.sql):
# the service user, its superuser, sets up roles and the database (and is
# the tests' THIDUA_TEST_DB); thidua_owner owns the schema and runs
# migrate; thidua_app is what serve, push, user and the demo load use.
if [ -n "${THIDUA_DATABASE_URL:-}" ]; then
  db_url=$THIDUA_DATABASE_URL
  owner_url=${THIDUA_DATABASE_OWNER_URL:-$db_url}
  admin_url=$owner_url
  own_cluster=0
else
  pg_at="host=$var/run&port=$pg_port"
  db_url="postgresql:///thidua?$pg_at&user=thidua_app"
  owner_url="postgresql:///thidua?$pg_at&user=thidua_owner"
  admin_url="postgresql:///thidua?$pg_at&user=$svc_user"
  own_cluster=1
fi
replica_at="host=$var/run&port=$replica_port"
replica_url="postgresql:///thidua?$replica_at&user=thidua_app"
replica_admin_url="postgresql:///thidua?$replica_at&user=$svc_user"
if [ "$replica" = 1 ] && [ "$own_cluster" != 1 ]; then
  echo "THIDUA_REPLICA=1 needs the stack's own cluster (not THIDUA_DATABASE_URL)" >&2
  exit 2
fi

say() { printf 'thidua[%s]: %s\n' "$stack" "$*"; }

start_postgres() {
  [ "$own_cluster" = 1 ] || { say "using THIDUA_DATABASE_URL"; return 0; }
  if [ ! -f "$var/pg/PG_VERSION" ]; then
    say "creating PostgreSQL cluster in $var/pg"
    as_svc "$pg_bin/initdb" -D "$var/pg" -U "$svc_user" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$var/pg/postgresql.conf" <<CONF
# thidua local stack: Unix socket only, in var/.
listen_addresses = ''
port = $pg_port
unix_socket_directories = '$var/run'
unix_socket_permissions = 0770
timezone = 'Asia/Ho_Chi_Minh'
shared_buffers = 256MB
max_connections = 200
CONF
    if [ "$stack" = test ] || [ "$stack" = scale ]; then
      printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >> "$var/pg/postgresql.conf"
    fi
    if [ "$replica" = 1 ]; then
      # Streaming replication to var/STACK/pg-replica (start_replica).
      printf 'wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n' >> "$var/pg/postgresql.conf"
      grep -qE '^local[[:space:]]+replication' "$var/pg/pg_hba.conf" ||
        printf 'local replication %s trust\n' "$svc_user" >> "$var/pg/pg_hba.conf"
    fi
    if [ "$stack" = bench ]; then
      # Millions of rows: room in memory for them, and bulk generation
      # without a checkpoint every minute.
      printf 'shared_buffers = 4GB\nwork_mem = 64MB\nmaintenance_work_mem = 1GB\nmax_wal_size = 8GB\n' >> "$var/pg/postgresql.conf"
      printf 'synchronous_commit = off\n' >> "$var/pg/postgresql.conf"
    fi
  fi
  if ! as_svc "$pg_bin/pg_ctl" -D "$var/pg" status >/dev/null 2>&1; then
    as_svc "$pg_bin/pg_ctl" -D "$var/pg" -l "$var/log/postgresql.log" -w -t 60 start >/dev/null
  fi
  # The roles and the database, made or brought to what they must be (a
  # cluster from before the roles included): no role but the superuser may
  # do more than its part. Authentication is trust on a socket that only the
  # service user reaches; the roles bound what a connection may do, not who
  # may open one.
  psql "postgresql:///postgres?$pg_at&user=$svc_user" -v ON_ERROR_STOP=1 -q <<'SQL' >/dev/null
SELECT format('CREATE ROLE %I', r) FROM unnest(ARRAY['thidua_owner', 'thidua_app']) r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE thidua_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE thidua_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
SELECT 'CREATE DATABASE thidua OWNER thidua_owner'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'thidua') \gexec
SQL
  # Objects that an older stack migrated as the superuser go to the owner.
  psql "$admin_url" -v ON_ERROR_STOP=1 -q -v owner=thidua_owner -f "$root/sql/owner_handover.sql" >/dev/null
}

write_config() {
  cat > "$var/thidua.conf" <<CONF
# Written by deploy/stack.sh for the $stack stack.
database_url = $db_url
database_owner_url = $owner_url
socket = $var/run/thidua.sock
pidfile = $var/run/thidua.pid
user = $svc_user
socket_group = $web_group
sql_dir = $root/sql
workers = ${THIDUA_WORKERS:-$workers_default}
# the link in the e-mails that tell the office and the director of a report
dashboard_url = http://127.0.0.1:$http_port
CONF
  if [ "$replica" = 1 ]; then
    {
      echo "# the streaming replica (THIDUA_REPLICA=1): read-only routes may read there"
      echo "database_read_url = $replica_url"
      echo "replica_retry = ${THIDUA_REPLICA_RETRY:-$([ "$stack" = scale ] && echo 1 || echo 5)}"
      [ -z "${THIDUA_REPLICA_MAX_LAG:-}" ] || echo "replica_max_lag = $THIDUA_REPLICA_MAX_LAG"
    } >> "$var/thidua.conf"
  fi
  if [ "$stack" = test ] || [ "$stack" = scale ]; then
    # Logins lock sooner and for less time than by default (5 failures, 900
    # s): tests/api/test_sessions.c reads these two from this file.
    printf 'login_max_failures = 3\nlogin_lockout = 7\n' >> "$var/thidua.conf"
  fi
  chmod 0644 "$var/thidua.conf"
}

# The demo: deploy/demo.sh says how (the base files, the logins, then the
# awards round; each step idempotent).
load_demo() {
  [ "$stack" = dev ] && [ "${THIDUA_DEMO:-1}" != 0 ] || return 0
  "$root/deploy/demo.sh" "$var/thidua.conf" "$bin" "$stack"
}

# The demo's reports (step 4 of deploy/demo.sh) go through the API, once
# the server, the SMTP server and the deliverer run: the approved one is
# delivered by e-mail into var/dev/mail/.
load_demo_reports() {
  [ "$stack" = dev ] && [ "${THIDUA_DEMO:-1}" != 0 ] || return 0
  "$root/deploy/demo.sh" "$var/thidua.conf" "$bin" "$stack" "http://127.0.0.1:$http_port"
}

start_thidua() {
  if [ "$serve_hosts" -gt 0 ]; then
    if [ -n "${THIDUA_ASAN_LOG:-}" ]; then
      export ASAN_OPTIONS="log_path=$THIDUA_ASAN_LOG:detect_leaks=1:halt_on_error=1:abort_on_error=0"
      export UBSAN_OPTIONS="log_path=$THIDUA_ASAN_LOG:print_stacktrace=1:halt_on_error=1"
    fi
    for k in $(seq 1 "$serve_hosts"); do start_host "$k"; done
    return 0
  fi
  if [ -f "$var/run/thidua.pid" ] && kill -0 "$(cat "$var/run/thidua.pid")" 2>/dev/null; then
    return 0
  fi
  rm -f "$var/run/thidua.sock"
  say "starting thidua serve ($bin)"
  if [ -n "${THIDUA_ASAN_LOG:-}" ]; then
    export ASAN_OPTIONS="log_path=$THIDUA_ASAN_LOG:detect_leaks=1:halt_on_error=1:abort_on_error=0"
    export UBSAN_OPTIONS="log_path=$THIDUA_ASAN_LOG:print_stacktrace=1:halt_on_error=1"
  fi
  nohup "$bin" --config "$var/thidua.conf" serve >> "$var/log/thidua.log" 2>&1 < /dev/null &
  wait_for 30 "the FastCGI socket" test -S "$var/run/thidua.sock"
  wait_for 10 "the pid file" test -s "$var/run/thidua.pid"
}

# ---------------------------------------------------------------- scale-out
# The replica: a base backup of the running cluster with -R (standby.signal
# and primary_conninfo written for us), its own port, hot standby.
start_replica() {
  [ "$replica" = 1 ] || return 0
  if [ ! -f "$var/pg-replica/PG_VERSION" ]; then
    say "making the streaming replica in $var/pg-replica (pg_basebackup -R)"
    rm -rf "$var/pg-replica"
    mkdir -p "$var/pg-replica"
    chmod 0700 "$var/pg-replica"
    [ "$(id -u)" -ne 0 ] || chown "$svc_user:$svc_user" "$var/pg-replica"
    as_svc "$pg_bin/pg_basebackup" -D "$var/pg-replica" -R -X stream -c fast \
      -d "postgresql:///?$pg_at&user=$svc_user" >/dev/null
    cat >> "$var/pg-replica/postgresql.conf" <<CONF
# thidua $stack stack: the streaming replica (deploy/stack.sh start_replica).
port = $replica_port
hot_standby = on
# long scorecard reads here: the primary keeps the rows they still see,
# rather than the replica cancelling them or holding replay back
hot_standby_feedback = on
CONF
  fi
  if ! as_svc "$pg_bin/pg_ctl" -D "$var/pg-replica" status >/dev/null 2>&1; then
    as_svc "$pg_bin/pg_ctl" -D "$var/pg-replica" -l "$var/log/postgresql-replica.log" -w -t 60 start >/dev/null
  fi
  wait_for 30 "the replica to accept connections" psql "$replica_admin_url" -Atc 'SELECT pg_is_in_recovery()'
}

# Host K of THIDUA_SERVE_HOSTS: the stack's configuration, on TCP only.
write_host_config() { # write_host_config K
  local k=$1
  {
    cat "$var/thidua.conf"
    echo "# serve host $k of $serve_hosts (THIDUA_SERVE_HOSTS): TCP only"
    echo "socket ="
    echo "listen = 127.0.0.1:$((fcgi_port + k - 1))"
    echo "listen_allow = 127.0.0.1"
    echo "pidfile = $var/run/serve$k.pid"
  } > "$var/serve$k.conf"
  chmod 0644 "$var/serve$k.conf"
}

# A process that is there and not a zombie (a host killed with SIGKILL
# stays one until init reaps it).
alive() { # alive PID
  local line st
  read -r line 2>/dev/null < "/proc/$1/stat" || return 1
  st=${line##*) }
  [ "${st:0:1}" != Z ]
}

start_host() { # start_host K
  local k=$1
  if [ -f "$var/run/serve$k.pid" ] && alive "$(cat "$var/run/serve$k.pid")"; then
    return 0
  fi
  write_host_config "$k"
  rm -f "$var/run/serve$k.pid"
  say "starting thidua serve host $k on 127.0.0.1:$((fcgi_port + k - 1))"
  nohup "$bin" --config "$var/serve$k.conf" serve >> "$var/log/serve$k.log" 2>&1 < /dev/null &
  wait_for 30 "the pid file of host $k" test -s "$var/run/serve$k.pid"
  wait_for 30 "host $k on port $((fcgi_port + k - 1))" bash -c "exec 3<>/dev/tcp/127.0.0.1/$((fcgi_port + k - 1))"
}

# nginx's upstream: the Unix socket, or the N hosts with passive health
# checks (a host that fails is left alone fail_timeout seconds).
upstream_servers() {
  if [ "$serve_hosts" -gt 0 ]; then
    for k in $(seq 1 "$serve_hosts"); do
      printf 'server 127.0.0.1:%s max_fails=1 fail_timeout=10s; ' "$((fcgi_port + k - 1))"
    done
  else
    printf 'server unix:%s;' "$var/run/thidua.sock"
  fi
}

start_nginx() {
  mkdir -p "$var/nginx"
  sed -e "s|@USER_LINE@|$user_line|" -e "s|@VAR@|$var|g" -e "s|@PORT@|$http_port|g" \
      -e "s|@UPSTREAM@|$(upstream_servers)|" -e "s|@WWW@|$root/nginx/www|g" \
      -e "s|@NGINX_DIR@|$root/nginx|g" -e "s|@LOGIN_RATE@|$login_rate|g" \
      "$root/nginx/nginx.conf.in" > "$var/nginx.conf"
  if [ -f "$var/nginx/nginx.pid" ] && kill -0 "$(cat "$var/nginx/nginx.pid")" 2>/dev/null; then
    nginx -p "$var/nginx" -c "$var/nginx.conf" -e "$var/log/nginx-error.log" -s reload
    return 0
  fi
  nginx -p "$var/nginx" -c "$var/nginx.conf" -e "$var/log/nginx-error.log"
  wait_for 10 "nginx on port $http_port" curl -sf -o /dev/null "http://127.0.0.1:$http_port/api/v1/openapi.json"
}

# ---------------------------------------------------------------- portal
# In dev, `thidua push` delivers the outbox; unless THIDUA_PORTAL_URL names
# a real portal, to the stand-in (tests/portal/standin.c) on loopback, with
# a secret made once in var/dev/. The test stack starts neither: the
# publication tests run their own.
portal_port=${THIDUA_PORTAL_PORT:-8091}
standin_bin=$root/build/plain/tools/standin

write_portal_config() {
  [ "$stack" = dev ] || return 0
  local secret=${THIDUA_PORTAL_SECRET_FILE:-$var/portal.secret}
  if [ -n "${THIDUA_PORTAL_URL:-}" ] && [ ! -r "$secret" ]; then
    say "THIDUA_PORTAL_URL is set: THIDUA_PORTAL_SECRET_FILE must name the file with the portal's shared secret"
    exit 1
  fi
  if [ -z "${THIDUA_PORTAL_URL:-}" ] && [ ! -s "$secret" ]; then
    (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$secret")
    [ "$(id -u)" -ne 0 ] || chown "$svc_user" "$secret"
  fi
  {
    echo "# the provincial portal (deploy/portal.md)"
    echo "portal_url = ${THIDUA_PORTAL_URL:-http://127.0.0.1:$portal_port/api/thidua/publications}"
    echo "portal_secret_file = $secret"
    [ -z "${THIDUA_PORTAL_CA_FILE:-}" ] || echo "portal_ca_file = $THIDUA_PORTAL_CA_FILE"
  } >> "$var/thidua.conf"
}

start_portal() {
  [ "$stack" = dev ] && [ -z "${THIDUA_PORTAL_URL:-}" ] || return 0
  if [ -f "$var/run/portal.pid" ] && kill -0 "$(cat "$var/run/portal.pid")" 2>/dev/null; then
    return 0
  fi
  if [ ! -x "$standin_bin" ]; then
    say "no stand-in portal built ($standin_bin): run make run, or set THIDUA_PORTAL_URL"
    return 0
  fi
  say "starting the stand-in portal on 127.0.0.1:$portal_port (received: var/$stack/log/portal-received.jsonl)"
  as_svc nohup "$standin_bin" --port "$portal_port" --control "$((portal_port + 1))" \
    --secret-file "$var/portal.secret" --log "$var/log/portal-received.jsonl" --pidfile "$var/run/portal.pid" \
    >> "$var/log/portal.log" 2>&1 < /dev/null &
  wait_for 10 "the stand-in portal" test -s "$var/run/portal.pid"
}

start_push() {
  [ "$stack" = dev ] || return 0
  if [ -f "$var/run/push.pid" ] && kill -0 "$(cat "$var/run/push.pid")" 2>/dev/null; then
    return 0
  fi
  say "starting thidua push (log: var/$stack/log/push.log)"
  as_svc nohup "$bin" --config "$var/thidua.conf" push --pidfile "$var/run/push.pid" \
    >> "$var/log/push.log" 2>&1 < /dev/null &
  wait_for 10 "thidua push" test -s "$var/run/push.pid"
}

stop_portal_and_push() {
  stop_pidfile "$var/run/report-deliver.pid"
  stop_pidfile "$var/run/push.pid"
  stop_pidfile "$var/run/portal.pid"
}

# ---------------------------------------------------------------- mail
case $stack in
  dev) smtp_port=${THIDUA_SMTP_PORT:-8025} ;;
  *) smtp_port=${THIDUA_SMTP_PORT:-${THIDUA_TEST_SMTP_PORTS:-18170}} ;;
esac
smtp_dir=$var/smtp

# A CA and a certificate for 127.0.0.1 and localhost, made once; a login.
make_smtp_files() {
  mkdir -p "$smtp_dir" "$var/mail/tmp" "$var/mail/new" "$var/mail/cur"
  if [ ! -s "$smtp_dir/server.crt" ]; then
    local ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
    (cd "$smtp_dir" && umask 077 &&
      openssl req -x509 $ec -keyout ca.key -out ca.crt -days 3650 -subj "/CN=thidua $stack mail CA" 2>/dev/null &&
      openssl req $ec -keyout server.key -out server.csr -subj '/CN=127.0.0.1' 2>/dev/null &&
      printf 'basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n' > server.ext &&
      openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile server.ext \
        -out server.crt 2>/dev/null && chmod 0644 ca.crt server.crt)
  fi
  if [ ! -s "$smtp_dir/credentials" ]; then
    (umask 077; printf 'thidua\n%s\n' "$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$smtp_dir/credentials")
  fi
  if [ "$(id -u)" -eq 0 ]; then chown -R "$svc_user" "$smtp_dir" "$var/mail"; fi
}

write_mail_config() {
  if [ -n "${THIDUA_SMTP_URL:-}" ]; then
    {
      echo "# reports by e-mail (deploy/reports.md)"
      echo "smtp_url = $THIDUA_SMTP_URL"
      [ -z "${THIDUA_SMTP_CREDENTIALS_FILE:-}" ] || echo "smtp_credentials_file = $THIDUA_SMTP_CREDENTIALS_FILE"
      [ -z "${THIDUA_SMTP_CA_FILE:-}" ] || echo "report_ca_file = $THIDUA_SMTP_CA_FILE"
      echo "smtp_from = ${THIDUA_SMTP_FROM:-thidua@localhost.localdomain}"
    } >> "$var/thidua.conf"
    return 0
  fi
  make_smtp_files
  {
    echo "# reports by e-mail (deploy/reports.md): the stack's SMTP server"
    echo "smtp_url = smtp://127.0.0.1:$smtp_port"
    echo "smtp_credentials_file = $smtp_dir/credentials"
    echo "report_ca_file = $smtp_dir/ca.crt"
    echo "smtp_from = thidua@localhost.localdomain"
    echo "report_mail_domain = thidua.localhost.localdomain"
  } >> "$var/thidua.conf"
  if [ "$stack" = dev ]; then
    # HTTPS destinations sign with the stand-in portal's secret.
    echo "report_secret_file = ${THIDUA_PORTAL_SECRET_FILE:-$var/portal.secret}" >> "$var/thidua.conf"
  fi
}

start_smtp() {
  [ -z "${THIDUA_SMTP_URL:-}" ] || return 0
  if [ -f "$var/run/smtpd.pid" ] && kill -0 "$(cat "$var/run/smtpd.pid")" 2>/dev/null; then
    return 0
  fi
  say "starting the SMTP server (aiosmtpd, STARTTLS required) on 127.0.0.1:$smtp_port (mail: var/$stack/mail/new/)"
  as_svc nohup /usr/bin/python3 "$root/tests/smtp/smtpd.py" --port "$smtp_port" --maildir "$var/mail" \
    --cert "$smtp_dir/server.crt" --key "$smtp_dir/server.key" --credentials "$smtp_dir/credentials" \
    --log "$var/log/smtpd-commands.log" --pidfile "$var/run/smtpd.pid" >> "$var/log/smtpd.log" 2>&1 < /dev/null &
  wait_for 15 "the SMTP server on port $smtp_port" test -s "$var/run/smtpd.pid"
}

start_report_deliver() {
  [ "$stack" = dev ] || return 0
  if [ -f "$var/run/report-deliver.pid" ] && kill -0 "$(cat "$var/run/report-deliver.pid")" 2>/dev/null; then
    return 0
  fi
  say "starting thidua report deliver (log: var/$stack/log/report-deliver.log)"
  as_svc nohup "$bin" --config "$var/thidua.conf" report deliver --pidfile "$var/run/report-deliver.pid" \
    >> "$var/log/report-deliver.log" 2>&1 < /dev/null &
  wait_for 10 "thidua report deliver" test -s "$var/run/report-deliver.pid"
}

# In dev, one pass over the report schedules at start (production: the
# daily thidua-report-run.timer): drafts due by today are made. A failure
# is logged, not fatal to the stack.
run_report_schedules() {
  [ "$stack" = dev ] || return 0
  say "running the report schedules once (log: var/$stack/log/report-run.log)"
  as_svc "$bin" --config "$var/thidua.conf" report run >> "$var/log/report-run.log" 2>&1 < /dev/null ||
    say "thidua report run failed: see var/$stack/log/report-run.log"
}

start() {
  mkdir -p "$var/pg" "$var/run" "$var/log"
  chmod 0700 "$var/pg"
  if [ "$(id -u)" -eq 0 ]; then
    chown "$svc_user:$svc_user" "$var/pg" "$var/log"
    chown "$svc_user:$web_group" "$var/run"
    chmod 0750 "$var/run"
    ensure_reachable "$root/nginx/www"
    ensure_reachable "$var"
  fi
  start_postgres
  write_config
  start_replica
  write_portal_config
  case $stack in dev|test) write_mail_config ;; esac
  "$bin" --config "$var/thidua.conf" migrate | sed "s/^/thidua[$stack]: /"
  load_demo
  start_thidua
  start_nginx
  start_portal
  start_push
  case $stack in dev|test) start_smtp ;; esac
  start_report_deliver
  load_demo_reports
  run_report_schedules
  say "ready: http://127.0.0.1:$http_port/  (API: http://127.0.0.1:$http_port/api/v1/health)"
  if [ "$stack" = dev ]; then
    say "demo logins (invented people and data): admin, office, vanphong (unit head), council, council2..4, director, viewer — password: thidua-demo"
    say "stop with: make stop"
  fi
}

stop() {
  [ -d "$var" ] || return 0
  stop_portal_and_push
  stop_pidfile "$var/run/smtpd.pid"
  stop_pidfile "$var/nginx/nginx.pid"
  stop_pidfile "$var/run/thidua.pid"
  for f in "$var"/run/serve*.pid; do [ -e "$f" ] && stop_pidfile "$f"; done
  if [ -f "$var/pg-replica/PG_VERSION" ]; then
    as_svc "$pg_bin/pg_ctl" -D "$var/pg-replica" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ "$own_cluster" = 1 ] && [ -f "$var/pg/PG_VERSION" ]; then
    as_svc "$pg_bin/pg_ctl" -D "$var/pg" -m fast -w stop >/dev/null 2>&1 || true
  fi
  say "stopped"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  env)
    printf 'THIDUA_VAR=%q\nTHIDUA_URL=%q\nTHIDUA_TEST_DB=%q\nTHIDUA_CONFIG_FILE=%q\nTHIDUA_PG_BIN=%q\nTHIDUA_SVC_USER=%q\n' \
      "$var" "http://127.0.0.1:$http_port" "$admin_url" "$var/thidua.conf" "$pg_bin" "$svc_user"
    printf 'THIDUA_REPLICA_DB=%q\nTHIDUA_SERVE_HOSTS=%q\nTHIDUA_FCGI_PORT=%q\n' \
      "$([ "$replica" = 1 ] && echo "$replica_admin_url")" "$serve_hosts" "$fcgi_port" ;;
  *) echo "usage: $0 start|stop|env dev|test|bench|faults|scale" >&2; exit 2 ;;
esac
