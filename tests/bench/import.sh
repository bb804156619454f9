#!/usr/bin/env bash
# Staff import speed: a generated staff CSV (100 000 rows by default) posted
# to POST /api/v1/staff/import through nginx with curl (new rows, the same
# file again, then a tenth of the rows changed), and `psql \copy` of the same
# rows in the same run: into a bare table (the floor), and into the real
# `staff` table of a second agency with its indexes, constraints and
# triggers (the yardstick: the goal is the import within 3x of it). Prints
# figures; it is not a test and not part of `make test`.
#   tests/bench/import.sh [ROWS]
# Uses the test stack on THIDUA_HTTP_PORT / THIDUA_PG_PORT if it is up, else
# starts one (deploy/stack.sh start test, served by bin/thidua) and stops it
# afterwards. Leaves no data behind (its agency and staff are deleted).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
rows=${1:-100000}
work=$(mktemp -d)
export PGOPTIONS="-c client_min_messages=warning"
eval "$(deploy/stack.sh env test)"
bin=${THIDUA_BIN:-$root/bin/thidua}
[ -x "$bin" ] || make --no-print-directory all >/dev/null

started=0
if ! curl -sf -o /dev/null "$THIDUA_URL/api/v1/health"; then
  deploy/stack.sh start test >/dev/null
  started=1
fi
agency=""
agency2=""
cleanup() {
  for a in $agency $agency2; do
    psql "$THIDUA_TEST_DB" -qAt -c "DELETE FROM staff WHERE agency_id = $a" \
      -c "DELETE FROM units WHERE agency_id = $a AND id <> $a" -c "DELETE FROM units WHERE id = $a" >/dev/null || true
  done
  psql "$THIDUA_TEST_DB" -qAt -c "DROP TABLE IF EXISTS bench_import_copy" >/dev/null 2>&1 || true
  rm -rf "$work"
  if [ "$started" = 1 ]; then deploy/stack.sh stop test >/dev/null; fi
}
trap cleanup EXIT

user=bench_import
echo "bench-import-pw" | "$bin" --config "$THIDUA_CONFIG_FILE" user add "$user" --role admin >/dev/null
token=$(curl -sf -H 'Content-Type: application/json' -d "{\"username\":\"$user\",\"password\":\"bench-import-pw\"}" \
  "$THIDUA_URL/api/v1/sessions" | sed -n 's/.*"token" *: *"\([0-9a-f]*\)".*/\1/p')
[ -n "$token" ] || { echo "login failed" >&2; exit 1; }
api() { # api METHOD PATH JSON → body
  curl -sf -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$3" "$THIDUA_URL$2"
}
id_of() { grep -o '"id" *: *[0-9]*' | head -n 1 | grep -o '[0-9]*$'; }

code="BENCH$(date +%s)$$"
agency=$(api POST /api/v1/units "{\"code\":\"$code\",\"name\":\"Sở đo tốc độ\",\"kind\":\"agency\"}" | id_of)
agency2=$(api POST /api/v1/units "{\"code\":\"${code}C\",\"name\":\"Sở đo tốc độ (copy)\",\"kind\":\"agency\"}" | id_of)
for u in $(seq -w 1 20); do
  api POST /api/v1/units "{\"code\":\"P$u\",\"name\":\"Phòng $u\",\"kind\":\"division\",\"parent_id\":$agency}" >/dev/null
  api POST /api/v1/units "{\"code\":\"P$u\",\"name\":\"Phòng $u\",\"kind\":\"division\",\"parent_id\":$agency2}" >/dev/null
done

# Vietnamese names from common family, middle and given names; 20 units;
# one in ten has left; the second file renames every tenth person.
generate() { # generate FILE TAG
  awk -v n="$rows" -v tag="$2" 'BEGIN {
    srand(2025)
    nf = split("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý", F, " ")
    nm = split("Văn Thị Hữu Minh Ngọc Thanh Quốc Đức Thu Hoài Bảo Kim", M, " ")
    ng = split("An Anh Ân Bình Cường Dũng Đào Giang Hà Hải Hạnh Hòa Hùng Hương Khánh Lan Linh Long Mai Nam Ngân Nhung Phúc Quân Sơn Tâm Thảo Trang Tuấn Uyên Vy Yến Ơn Ưng Ê", G, " ")
    split("cong_chuc vien_chuc nguoi_lao_dong", C, " ")
    print "code,full_name,unit_code,category,joined_on,left_on"
    for (i = 1; i <= n; i++) {
      name = F[1 + int(rand() * nf)] " " M[1 + int(rand() * nm)] " " G[1 + int(rand() * ng)]
      if (tag != "" && i % 10 == 0) name = name " " tag
      left = (i % 10 == 3) ? sprintf("2024-%02d-15", 1 + i % 12) : ""
      printf "NV%06d,%s,P%02d,%s,%d-%02d-%02d,%s\n", i, name, 1 + i % 20, C[1 + i % 3], 1990 + i % 30, 1 + i % 12, 1 + i % 28, left
    }
  }' > "$1"
}
generate "$work/staff.csv" ""
generate "$work/staff2.csv" "B"
size=$(wc -c < "$work/staff.csv")

post() { # post FILE → "seconds body"
  curl -s -o "$work/out" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' \
    --data-binary @"$1" "$THIDUA_URL/api/v1/staff/import?agency_id=$agency" > "$work/meta"
  read -r status secs < "$work/meta"
  [ "$status" = 200 ] || { echo "import answered $status: $(head -c 500 "$work/out")" >&2; exit 1; }
  printf '%6.2f s  %s' "$secs" "$(cat "$work/out")"
}

echo "staff import benchmark: $rows rows, $((size / 1024)) KiB, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
first=$(post "$work/staff.csv")
first_secs=$(echo "$first" | awk '{ print $1 }')
printf '  POST /staff/import, all rows new        %s\n' "$first"
printf '  POST /staff/import, same file again     %s\n' "$(post "$work/staff.csv")"
printf '  POST /staff/import, 1 row in 10 changed %s\n' "$(post "$work/staff2.csv")"
psql "$THIDUA_TEST_DB" -qAt -c "DROP TABLE IF EXISTS bench_import_copy" -c "CREATE TABLE bench_import_copy (code text,
  full_name text, unit_code text, category text, joined_on date, left_on date)" >/dev/null
start=$(date +%s.%N)
psql "$THIDUA_TEST_DB" -qAt -c "\\copy bench_import_copy FROM '$work/staff.csv' WITH (FORMAT csv, HEADER true)"
end=$(date +%s.%N)
printf '  psql \\copy into a bare table           %6.2f s  (%s rows)\n' "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" \
  "$(psql "$THIDUA_TEST_DB" -qAt -c 'SELECT count(*) FROM bench_import_copy')"
# The same rows into the real table (second agency): unit codes resolved
# to ids first, as the import does in C before its COPY.
psql "$THIDUA_TEST_DB" -qAt -F, -c "SELECT code, id FROM units WHERE agency_id = $agency2 AND id <> $agency2" > "$work/units"
awk -F, -v a="$agency2" 'NR == FNR { id[$1] = $2; next } FNR == 1 { print "agency_id,code,full_name,unit_id,category,joined_on,left_on"; next }
  { print a "," $1 "," $2 "," id[$3] "," $4 "," $5 "," $6 }' "$work/units" "$work/staff.csv" > "$work/staff_ids.csv"
start=$(date +%s.%N)
psql "$THIDUA_TEST_DB" -qAt -c "\\copy staff (agency_id, code, full_name, unit_id, category, joined_on, left_on) FROM '$work/staff_ids.csv' WITH (FORMAT csv, HEADER true)"
end=$(date +%s.%N)
copy_real=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
printf '  psql \\copy into the real staff table    %6.2f s  (%s rows; indexes, constraints, triggers)\n' "$copy_real" \
  "$(psql "$THIDUA_TEST_DB" -qAt -c "SELECT count(*) FROM staff WHERE agency_id = $agency2")"
printf '  the import (all rows new) / \\copy into the real table: %.1fx (goal: 3x or less)\n' \
  "$(awk -v a="$first_secs" -v b="$copy_real" 'BEGIN { print a / b }')"
