#!/usr/bin/env bash
# Make sure the end-to-end tests have a Chromium and NSS's certutil.
#
# Chromium, in order of preference (playwright.config.ts follows the same rule):
#   1. ${CHROMIUM_PATH:-/usr/bin/chromium}: the Debian Chromium used on CI and on the closed
#      build machines, where Playwright's CDN is unreachable but the Debian mirror is not.
#   2. apt-get install chromium: when we are root on a Debian/Ubuntu box without it.
#   3. npx playwright install chromium: developer laptops. playwright.config.ts only sets
#      executablePath when the file from (1) exists, so Playwright then uses its own download.
# certutil (Debian libnss3-tools) trusts the local cloud's CA in the browser's own NSS
# database, so the e2e tests run with strict TLS instead of ignoring certificate errors.
set -euo pipefail

chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
can_apt=false
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then can_apt=true; fi

missing=()
[[ -x "$chromium_path" ]] || missing+=(chromium)
command -v certutil >/dev/null 2>&1 || missing+=(libnss3-tools)

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "ensure-chromium: using $chromium_path and $(command -v certutil)"
  exit 0
fi

if $can_apt; then
  echo "ensure-chromium: installing ${missing[*]} with apt-get (this takes a minute)…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v certutil >/dev/null 2>&1; then
  echo "ensure-chromium: certutil is missing; install it (Debian/Ubuntu: sudo apt-get install libnss3-tools," \
    "macOS: brew install nss) and run the tests again." >&2
  exit 1
fi

if [[ -x "$chromium_path" ]]; then
  echo "ensure-chromium: using $chromium_path"
  exit 0
fi
if $can_apt; then
  # The package installs /usr/bin/chromium; a custom CHROMIUM_PATH elsewhere is the user's call.
  echo "ensure-chromium: apt-get installed chromium, but $chromium_path does not exist;" \
    "set CHROMIUM_PATH to the installed binary (usually /usr/bin/chromium)" >&2
  exit 1
fi
echo "ensure-chromium: $chromium_path not found and apt-get is not usable here;" \
  "downloading Playwright's own Chromium instead."
npx --no-install playwright install chromium
