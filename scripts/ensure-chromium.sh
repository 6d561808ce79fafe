#!/usr/bin/env bash
# Make sure a Chromium exists for the Playwright end-to-end tests.
#
# Order of preference (playwright.config.ts follows the same rule):
#   1. ${CHROMIUM_PATH:-/usr/bin/chromium}: the Debian Chromium used on CI and on the closed
#      build machines, where Playwright's CDN is unreachable but the Debian mirror is not.
#   2. apt-get install chromium: when we are root on a Debian/Ubuntu box without it.
#   3. npx playwright install chromium: developer laptops. playwright.config.ts only sets
#      executablePath when the file from (1) exists, so Playwright then uses its own download.
set -euo pipefail

chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [[ -x "$chromium_path" ]]; then
  echo "ensure-chromium: using $chromium_path"
  exit 0
fi

if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: installing Debian chromium with apt-get (this takes a minute)…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  if [[ -x "$chromium_path" ]]; then
    echo "ensure-chromium: installed $chromium_path"
    exit 0
  fi
  # The package installs /usr/bin/chromium; a custom CHROMIUM_PATH elsewhere is the user's call.
  echo "ensure-chromium: apt-get installed chromium, but $chromium_path does not exist;" \
    "set CHROMIUM_PATH to the installed binary (usually /usr/bin/chromium)" >&2
  exit 1
fi

echo "ensure-chromium: $chromium_path not found and apt-get is not usable here;" \
  "downloading Playwright's own Chromium instead."
npx --no-install playwright install chromium
echo "ensure-chromium: done. Playwright will use its own Chromium because $chromium_path is absent;" \
  "set CHROMIUM_PATH to use a different binary."
