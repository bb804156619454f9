#!/usr/bin/env bash
# House rules a compiler does not check (../README.md, "The route
# contract"): no handler checks a role or parses the query string by hand
# (both are declared on the route and enforced before the handler), and
# none of the C library's unbounded or error-blind functions are used.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
status=0
fail() { echo "$1"; status=1; }

# sessions.c answers the user's own role in JSON: that is data, not a check.
hits=$(grep -nE -- '->role|ROLE_[A-Z_]+' fcgi/api/*.c | grep -v '^fcgi/api/sessions.c:')
[ -z "$hits" ] || fail "a role checked inside a handler (declare it on the route):"$'\n'"$hits"
hits=$(grep -nE 'http_query\(|strto(l|ll|d)\(' fcgi/api/*.c)
[ -z "$hits" ] || fail "a query parameter or number parsed by hand in a handler (declare it in route.query):"$'\n'"$hits"
hits=$(grep -nE '\b(sprintf|vsprintf|strcat|strncat|strcpy|strncpy|strtok|sscanf|atoi|atol|atoll|atof|gets)\s*\(' \
  fcgi/*.c fcgi/*.h fcgi/api/*.c)
[ -z "$hits" ] || fail "a banned function (use snprintf, arena_printf, strtoll with checks):"$'\n'"$hits"
[ "$status" -eq 0 ] && echo "code rules: ok"
exit "$status"
