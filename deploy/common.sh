# deploy/common.sh — sourced by deploy/stack.sh and deploy/cluster.sh: who
# runs the services, where PostgreSQL's programs are, and the small steps
# both take. The sourcing script defines say (its log line's prefix).

# Who runs the services: PostgreSQL refuses root, and the workers must not
# run as root either.
if [ "$(id -u)" -eq 0 ]; then
  svc_user=thidua
  web_group=www-data
  user_line="user www-data;"
  as_svc() { runuser -u "$svc_user" -- "$@"; }
else
  svc_user=$(id -un)
  web_group=$(id -gn)
  user_line=""
  as_svc() { "$@"; }
fi

# shellcheck disable=SC2012 # the versions' directories: plain names
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

# The unprivileged users must reach var/ and nginx/www/ through every
# parent directory (a clone under a private temporary directory, say).
ensure_reachable() {
  [ "$(id -u)" -eq 0 ] || return 0
  local d=$1
  while [ "$d" != "/" ]; do
    if [ $((0$(stat -c %a "$d") & 1)) -eq 0 ]; then
      say "granting search permission (o+x) on $d so the services can reach the project"
      chmod o+x "$d"
    fi
    d=$(dirname "$d")
  done
}

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local secs=$1 what=$2
  shift 2
  for _ in $(seq 1 $((secs * 10))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  say "timed out waiting for $what"
  return 1
}

stop_pidfile() { # stop_pidfile FILE: TERM, up to 40 s, then KILL
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 400); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}
