#!/usr/bin/env bash
# The OpenAPI document (bin/thidua openapi, the same text GET
# /api/v1/openapi.json serves) checked by a stock linter, Redocly CLI
# (installed by deploy/install-deps.sh for `make test`), with its
# recommended rules made strict: any warning fails. Exits non-zero then.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
redocly=$root/var/tools/node_modules/.bin/redocly
[ -x "$redocly" ] || { echo "Redocly CLI is missing: run deploy/install-deps.sh with THIDUA_WITH_BROWSER=1"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$root/bin/thidua" openapi > "$work/openapi.json"
cd "$work"
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  "$redocly" lint --extends=recommended-strict --format=stylish openapi.json
