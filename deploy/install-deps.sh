#!/usr/bin/env bash
# Installs what thidua needs from Debian (12) when it is missing, and the
# unprivileged `thidua` user that runs the workers and the private
# PostgreSQL. Safe to run again: does nothing when all is there.
set -euo pipefail

packages=(
  build-essential pkg-config
  libfcgi-dev libpq-dev libjansson-dev libcurl4-openssl-dev libsodium-dev libutf8proc-dev libcmocka-dev
  postgresql postgresql-contrib nginx-light
  # Reports: the PDF through cairo and pango (fontconfig finds the font),
  # in Liberation Serif (Times New Roman metrics); the workbook through
  # libxlsxwriter. The tests read both back with poppler's tools and unzip.
  libcairo2-dev libpango1.0-dev libfontconfig-dev fonts-liberation2 libxlsxwriter-dev poppler-utils unzip
  curl ca-certificates wrk
  # Reports by e-mail: the local stack's and the tests' SMTP server is
  # aiosmtpd (real SMTP with STARTTLS and AUTH, unprivileged on a high
  # port, into a maildir; tests/smtp/smtpd.py), its certificates made with
  # openssl.
  python3-aiosmtpd openssl
)
# The dashboard's browser tests drive Debian's Chromium in headless mode over
# WebDriver (chromedriver), from Node.js; only `make test` asks for them.
if [ "${THIDUA_WITH_BROWSER:-}" = 1 ]; then
  packages+=(chromium chromium-driver nodejs)
  # Debian's npm, unless a Node.js of another origin brings its own.
  command -v npm >/dev/null || packages+=(npm)
fi
# `make fuzz` builds its harnesses with clang and libFuzzer (compiler-rt).
if [ "${THIDUA_WITH_FUZZ:-}" = 1 ]; then
  packages+=(clang libclang-rt-14-dev)
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "thidua: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# `make test` lints the OpenAPI document with a stock linter, Redocly CLI,
# from the npm registry, pinned, into var/tools (not a system install).
redocly_version=2.77.0
if [ "${THIDUA_WITH_BROWSER:-}" = 1 ]; then
  tools=$(cd "$(dirname "$0")/.." && pwd)/var/tools
  if [ "$(cat "$tools/redocly.version" 2>/dev/null)" != "$redocly_version" ]; then
    echo "thidua: installing Redocly CLI $redocly_version into var/tools"
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "@redocly/cli@$redocly_version" >/dev/null
    echo "$redocly_version" > "$tools/redocly.version"
  fi
fi

# The packaged PostgreSQL and nginx services are not ours: thidua runs its
# own cluster and nginx under var/. Leave the system ones as they were.

if [ "$(id -u)" -eq 0 ] && ! id thidua >/dev/null 2>&1; then
  useradd --system --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin thidua
  echo "thidua: created system user thidua"
fi
