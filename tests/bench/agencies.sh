# tests/bench/agencies.sh — sourced by the bench scripts (run.sh,
# reports.sh, scaleout.sh). bench_agencies: for each size of size_list, the
# agency B<size> of that many staff (tests/bench/generate.sql), generated
# when the database lacks it, and its campaign's id into campaign[size].
# The caller declares `declare -A campaign` and the array size_list, and
# defines sql (psql on the bench database) and say.
bench_agencies() {
  local n code c start
  local q="SELECT c.id FROM campaigns c JOIN units a ON a.id = c.agency_id WHERE a.kind = 'agency' AND a.code ="
  for n in "${size_list[@]}"; do
    code=B$n
    c=$(sql -c "$q '$code'")
    if [ -z "$c" ]; then
      say "generating an agency of $n staff (tests/bench/generate.sql)"
      start=$SECONDS
      sql -v n="$n" -v code="$code" -f tests/bench/generate.sql >/dev/null
      sql -c "VACUUM ANALYZE" >/dev/null
      say "  generated in $((SECONDS - start)) s"
      c=$(sql -c "$q '$code'")
    fi
    campaign[$n]=$c
  done
}
