#!/usr/bin/env bash
# Loads the demo (sql/demo/README.md) into the database of a thidua
# configuration, as its application role (database_url):
#   deploy/demo.sh CONFIG_FILE [BIN [LABEL [URL]]]
# BIN is the thidua binary that makes the logins (default bin/thidua),
# LABEL what the messages start with (default demo), URL the running
# server (http://127.0.0.1:PORT): given, the reports step runs too. deploy/stack.sh runs
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
#      logins of step 2;
#   4. (with URL) the e-mail destination of sql/demo/reports/ unless it
#      exists, then the demo reports of TD2025, through the API as `office`
#      and `director` so that their figures, canonical JSON, SHA-256 and
#      files are the application's own: the mid-year report made as of
#      2025-06-30, its sections (sql/demo/reports/mid_year.json) and its
#      approval as 45/BC-SNV dated 2025-07-08 ("Sóc Trăng, ngày 08 tháng 7
#      năm 2025"), unless one is approved; the year-end draft
#      with its sections (year_end.json), unless one exists. Each call is
#      one transaction: a run stopped between them leaves a draft that the
#      next run takes up (its sections, then its approval).
# A failure stops the script (non-zero) with the step's error and leaves
# that step's transaction unwritten; a second run takes up where the first
# one stopped and duplicates nothing.
set -euo pipefail

config=${1:?usage: deploy/demo.sh CONFIG_FILE [BIN [LABEL [URL]]]}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${2:-$root/bin/thidua}
label=${3:-demo}
url=${4:-}
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

[ -n "$url" ] || exit 0

# ---------------------------------------------------------------- 4. reports
campaign=$(sql "SELECT c.id FROM campaigns c JOIN units a ON a.id = c.agency_id
                WHERE a.code = 'SNV' AND a.kind = 'agency' AND c.code = 'TD2025'")
[ -n "$campaign" ] || { say "no campaign TD2025: no demo reports"; exit 0; }
report_of() { # report_of KIND [STATE]: the first report of the kind (in that state)
  sql "SELECT id FROM reports WHERE campaign_id = $campaign AND kind = '$1'
       ${2:+AND state <> 'draft'} ORDER BY id LIMIT 1"
}
mid=$(report_of mid_year)
mid_done=$(report_of mid_year approved)
year=$(report_of year_end)
year_bare=$([ -z "$year" ] || sql "SELECT id FROM reports WHERE id = $year AND state = 'draft' AND sections = '{}'")
if [ -n "$mid_done" ] && [ -n "$year" ] && [ -z "$year_bare" ]; then exit 0; fi

api() { # api METHOD PATH TOKEN [BODY_FILE|-]: the answer's body; fails on a status >= 300
  local out status
  out=$(mktemp)
  status=$(curl -s -o "$out" -w '%{http_code}' -X "$1" ${3:+-H "Authorization: Bearer $3"} \
    ${4:+-H 'Content-Type: application/json' --data-binary @"$4"} "$url/api/v1$2") || status=000
  if [ "$status" -ge 300 ] 2>/dev/null || [ "$status" = 000 ]; then
    say "demo reports: $1 $2 answered $status: $(head -c 400 "$out")" >&2
    rm -f "$out"
    return 1
  fi
  cat "$out"
  rm -f "$out"
}
login() {
  printf '{"username":"%s","password":"thidua-demo"}' "$1" |
    api POST /sessions "" - | jq -er .token
}
# The e-mail destination first, so that the approval queues its delivery.
psql "$db_url" -X -v ON_ERROR_STOP=1 -q -1 -f "$root/sql/demo/reports/destination.sql" >/dev/null
office=$(login office)
if [ -z "$mid" ]; then
  say "making the demo's mid-year report (as of 2025-06-30)"
  mid=$(echo '{"kind":"mid_year","as_of":"2025-06-30"}' | api POST "/campaigns/$campaign/reports" "$office" - | jq -er .id)
fi
if [ -z "$mid_done" ]; then
  api PATCH "/reports/$mid" "$office" "$root/sql/demo/reports/mid_year.json" >/dev/null
  director=$(login director)
  say "approving it as 45/BC-SNV dated 2025-07-08 (delivered by e-mail to the demo destination)"
  echo '{"number":"45/BC-SNV","dated":"2025-07-08"}' | api POST "/reports/$mid/approve" "$director" - >/dev/null
fi
if [ -z "$year" ]; then
  say "making the demo's year-end report (a draft)"
  year=$(echo '{"kind":"year_end"}' | api POST "/campaigns/$campaign/reports" "$office" - | jq -er .id)
  year_bare=$year
fi
[ -z "$year_bare" ] || api PATCH "/reports/$year" "$office" "$root/sql/demo/reports/year_end.json" >/dev/null
