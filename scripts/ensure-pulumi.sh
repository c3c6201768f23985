#!/usr/bin/env bash
# Makes a real `pulumi` CLI available and prints the absolute path of the folder that
# holds it on stdout (nothing else goes to stdout):
#
#   PULUMI_DIR=$(bash scripts/ensure-pulumi.sh)
#
# Order of preference:
#   1. a `pulumi` on PATH whose version is >= MIN_VERSION, used as is;
#   2. the cached build  $CACHE/engine/v$PINNED/pulumi  if `pulumi version` works;
#   3. a fresh build of the CLI from scripts/pulumi-engine (the project's Go tools module,
#      whose go.mod/go.sum pin github.com/pulumi/pulumi/pkg/v3) into that cache.
# Like the official pulumi distribution, the cache folder also gets the dynamic-provider
# host `pulumi-resource-pulumi-nodejs` next to `pulumi`: the engine looks for "bundled"
# plugins there first, and warns on every run when it has to take one from $PATH.
# The CLI cannot be downloaded on these machines, but Go and the Go module proxy are
# there, so step 3 works from a clean clone. What is used (path + version) goes to stderr.
#
# Environment:
#   PULUMI_CALLBELL_CACHE   cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-callbell)
#   PULUMI_CALLBELL_NO_PATH=1   ignore a `pulumi` on PATH (forces the pinned build)
set -euo pipefail

PINNED_VERSION="3.259.0"   # keep in step with scripts/pulumi-engine/go.mod
MIN_VERSION="3.200.0"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
engine_module="$here/pulumi-engine"
cache_root="${PULUMI_CALLBELL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-callbell}"
cache_dir="$cache_root/engine/v$PINNED_VERSION"

log() { printf 'ensure-pulumi: %s\n' "$*" >&2; }
die() { printf 'ensure-pulumi: error: %s\n' "$*" >&2; exit 1; }

# Prints the bare semver ("3.259.0") of the CLI at $1, or fails.
cli_version() {
  local out
  out="$(PULUMI_SKIP_UPDATE_CHECK=true "$1" version 2>/dev/null)" || return 1
  out="${out#v}"
  [[ "$out" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || return 1
  printf '%s\n' "$out"
}

# True when semver $1 >= semver $2 (pre-release suffixes are ignored).
version_ge() {
  local a="${1%%[-+]*}" b="${2%%[-+]*}"
  [[ "$(printf '%s\n%s\n' "$b" "$a" | sort -V | head -n1)" == "$b" ]]
}

# 1. A pulumi already on PATH.
if [[ "${PULUMI_CALLBELL_NO_PATH:-}" != "1" ]] && on_path="$(command -v pulumi 2>/dev/null)"; then
  if v="$(cli_version "$on_path")" && version_ge "$v" "$MIN_VERSION"; then
    dir="$(cd "$(dirname "$on_path")" && pwd -P)"
    log "using pulumi v$v from PATH: $dir/pulumi"
    printf '%s\n' "$dir"
    exit 0
  fi
  log "ignoring $on_path (version '${v:-unknown}' is not >= $MIN_VERSION)"
fi

# The dynamic-provider host, byte for byte the script @pulumi/pulumi ships (and the
# official CLI archive carries next to `pulumi`). It resolves @pulumi/pulumi from its cwd,
# which the engine sets to the project folder, so it runs the project's own SDK.
install_nodejs_provider_host() {
  local dest="$cache_dir/pulumi-resource-pulumi-nodejs" tmp
  [[ -x "$dest" ]] && return 0
  tmp="$(mktemp "$cache_dir/.host.XXXXXX")"
  cat >"$tmp" <<'HOST'
#!/bin/sh
PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH=$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))")
if [ ! -z "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" ]; then
    node "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" $@
fi
HOST
  chmod 0755 "$tmp"
  mv -f "$tmp" "$dest"
}

# 2. The cached build.
if [[ -x "$cache_dir/pulumi" ]]; then
  if v="$(cli_version "$cache_dir/pulumi")"; then
    install_nodejs_provider_host
    log "using cached pulumi v$v: $cache_dir/pulumi"
    printf '%s\n' "$cache_dir"
    exit 0
  fi
  log "cached $cache_dir/pulumi does not run; rebuilding it"
fi

# 3. Build it.
command -v go >/dev/null 2>&1 || die "no pulumi >= $MIN_VERSION on PATH and Go is not installed, so the pinned CLI v$PINNED_VERSION cannot be built. Install Go (see scripts/pulumi-engine/go.mod for the version) or put a pulumi CLI on PATH."
[[ -f "$engine_module/go.mod" && -f "$engine_module/go.sum" ]] || die "missing $engine_module/go.mod or go.sum"

mkdir -p "$cache_dir"
tmp_bin="$(mktemp "$cache_dir/.pulumi.build.XXXXXX")"
trap 'rm -f "$tmp_bin"' EXIT

log "building pulumi v$PINNED_VERSION with $(go version) into $cache_dir (a cold build takes many minutes)"
start=$SECONDS
(
  cd "$engine_module"
  # -mod=mod lets the build resolve the module graph from go.mod/go.sum (no vendor dir);
  # go.sum pins every checksum, so nothing unverified can come in.
  GOFLAGS="${GOFLAGS:-} -mod=mod -buildvcs=false" go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PINNED_VERSION" \
    -o "$tmp_bin" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
) >&2 || die "go build of the pulumi CLI failed (see above)"
log "build took $((SECONDS - start)) s"

chmod 0755 "$tmp_bin"
v="$(cli_version "$tmp_bin")" || die "the freshly built $tmp_bin does not run"
[[ "$v" == "$PINNED_VERSION" ]] || die "built CLI reports version '$v', expected $PINNED_VERSION"
mv -f "$tmp_bin" "$cache_dir/pulumi"   # atomic within one folder: never a half-written binary
trap - EXIT
install_nodejs_provider_host

log "using built pulumi v$v: $cache_dir/pulumi"
printf '%s\n' "$cache_dir"
