#!/usr/bin/env bash
# Loads the demo (sql/demo/README.md) into the database of a thidua
# configuration, as its application role (database_url):
#   deploy/demo.sh CONFIG_FILE [BIN [LABEL]]
# BIN is the thidua binary that makes the logins (default bin/thidua),
# LABEL what the messages start with (default demo). deploy/stack.sh runs
# it on the dev stack (`make run`); tests/api/test_demo_awards.c on the
# test stack, so that `make test` loads the demo the way `make run` does.
#
# Three steps, each idempotent:
#   1. the base files sql/demo/*.sql, in one transaction, unless the
#      agency SNV exists;
#   2. the logins of sql/demo/users.txt, each made when missing, with its
#      full name (`thidua user add --name`);
#   3. the awards round sql/demo/awards/*.sql, in one transaction, unless
#      the campaign TD2025 has a council session: it needs the council's
#      logins of step 2.
# A failure stops the script (non-zero) with the step's error and leaves
# that step's transaction unwritten; a second run takes up where the first
# one stopped and duplicates nothing.
set -euo pipefail

config=${1:?usage: deploy/demo.sh CONFIG_FILE [BIN [LABEL]]}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${2:-$root/bin/thidua}
label=${3:-demo}
say() { printf 'thidua[%s]: %s\n' "$label" "$*"; }

db_url=$(sed -n 's/^database_url *= *//p' "$config" | tail -n 1)
[ -n "$db_url" ] || { echo "deploy/demo.sh: no database_url in $config" >&2; exit 1; }
sql() { psql "$db_url" -X -Atqc "$1"; }
load() { # load DIR: every DIR/*.sql in name order, in one transaction
  local files=() f
  for f in "$1"/*.sql; do files+=(-f "$f"); done
  psql "$db_url" -X -v ON_ERROR_STOP=1 -q -1 "${files[@]}" >/dev/null
}

if [ "$(sql "SELECT count(*) FROM units WHERE code = 'SNV' AND kind = 'agency'")" = 0 ]; then
  say "loading the 2025 demo campaign (sql/demo/)"
  load "$root/sql/demo"
fi

while IFS=$'\t' read -r name role unit full; do
  case $name in '' | '#'*) continue ;; esac
  [ "$(sql "SELECT count(*) FROM users WHERE username = '$name'")" = 0 ] || continue
  if [ "$unit" != - ]; then
    # A database whose SNV lacks the unit: that login only is skipped.
    echo "thidua-demo" | "$bin" --config "$config" user add "$name" --role "$role" --unit "$unit" --agency SNV \
      --name "$full" >/dev/null || say "demo login $name not made (no unit $unit in SNV)"
  elif [ "$role" = admin ]; then
    # The installation's admin: of no agency.
    echo "thidua-demo" | "$bin" --config "$config" user add "$name" --role "$role" --name "$full" >/dev/null
  else
    echo "thidua-demo" | "$bin" --config "$config" user add "$name" --role "$role" --agency SNV --name "$full" >/dev/null
  fi
done < "$root/sql/demo/users.txt"

if [ "$(sql "SELECT count(*) FROM council_sessions s JOIN campaigns c ON c.id = s.campaign_id
             JOIN units a ON a.id = c.agency_id
             WHERE a.code = 'SNV' AND a.kind = 'agency' AND c.code = 'TD2025'")" = 0 ]; then
  say "loading the demo's awards round (sql/demo/awards/)"
  load "$root/sql/demo/awards"
fi
