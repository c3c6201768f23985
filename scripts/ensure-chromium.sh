#!/usr/bin/env bash
# Makes headless Chromium available for the dashboard's browser test (test/dashboard) and
# prints the path of its binary on stdout (nothing else goes to stdout):
#
#   CHROMIUM_PATH=$(bash scripts/ensure-chromium.sh)
#
# The test drives it with puppeteer-core, which downloads no browser. It takes, as the test
# does: $CHROMIUM_PATH, else `chromium`, `google-chrome-stable` or `google-chrome` on PATH.
# With none of them, this installs Debian's `chromium` package with apt-get (root, or sudo
# without a password), quietly: apt's output goes to a log file, whose last lines are
# printed if the install fails.
#
# Environment:
#   PULUMI_CALLBELL_CACHE   cache root, where the log goes (default ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-callbell)
#   CHROMIUM_PATH           a Chromium to use (then nothing is installed)
set -euo pipefail

cache_root="${PULUMI_CALLBELL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-callbell}"

log() { printf 'ensure-chromium: %s\n' "$*" >&2; }
die() { printf 'ensure-chromium: error: %s\n' "$*" >&2; exit 1; }

if [[ -n "${CHROMIUM_PATH:-}" ]]; then
  [[ -x "$CHROMIUM_PATH" ]] || die "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable"
  printf '%s\n' "$CHROMIUM_PATH"
  exit 0
fi

found() { command -v chromium || command -v google-chrome-stable || command -v google-chrome; }

if binary="$(found)"; then
  log "using $("$binary" --version 2>/dev/null || echo "$binary")"
  printf '%s\n' "$binary"
  exit 0
fi

if [[ "$(id -u)" == 0 ]]; then
  as_root=()
elif sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  die "no Chromium, and installing it needs root: run 'sudo apt-get install -y chromium'"
fi
command -v apt-get >/dev/null || die "no Chromium and no apt-get: install Chromium and set CHROMIUM_PATH to its binary"

mkdir -p "$cache_root"
install_log="$cache_root/chromium-install.log"
log "installing Debian's chromium package (log: $install_log)"
started=$SECONDS
if ! { "${as_root[@]}" apt-get update -qq && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$install_log" 2>&1; then
  tail -n 20 "$install_log" >&2
  die "apt-get install chromium failed (last lines above, whole log: $install_log); install it by hand: apt-get install -y chromium"
fi
binary="$(found)" || die "the chromium package is installed but no chromium is on PATH; set CHROMIUM_PATH to its binary"
log "installed $("$binary" --version 2>/dev/null) in $((SECONDS - started)) s"
printf '%s\n' "$binary"
