#!/usr/bin/env bash
# Lints the GitHub Actions workflows with actionlint and exits with its status:
#
#   bash scripts/lint-workflows.sh            # every .github/workflows/*.yml / *.yaml
#   bash scripts/lint-workflows.sh FILE...    # just these
#
# actionlint is not downloaded: it is built from source with Go, at the version that
# scripts/actionlint/go.mod pins (go.sum pins every checksum), into
#   $CACHE/actionlint/<version>/actionlint
# on first use (a cold build takes tens of seconds; later runs reuse the binary).
# actionlint also runs shellcheck on `run:` scripts when a shellcheck is on PATH (it is on
# GitHub's hosted runners); without one those checks are skipped, not failed.
#
# Environment:
#   PULUMI_CALLBELL_CACHE   cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-callbell)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
tools_module="$here/actionlint"
cache_root="${PULUMI_CALLBELL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-callbell}"

log() { printf 'lint-workflows: %s\n' "$*" >&2; }
die() { printf 'lint-workflows: error: %s\n' "$*" >&2; exit 2; }

[[ -f "$tools_module/go.mod" && -f "$tools_module/go.sum" ]] || die "missing $tools_module/go.mod or go.sum"
# The one place the version is written: the require line of the tools module.
version="$(awk '$1 == "github.com/rhysd/actionlint" { print $2; exit } $1 == "require" && $2 == "github.com/rhysd/actionlint" { print $3; exit }' "$tools_module/go.mod")"
[[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+ ]] || die "cannot read the actionlint version from $tools_module/go.mod"
cache_dir="$cache_root/actionlint/$version"
bin="$cache_dir/actionlint"

if [[ ! -x "$bin" ]]; then
  command -v go >/dev/null 2>&1 || die "actionlint $version is not in $cache_dir and Go is not installed to build it (see $tools_module/go.mod for the Go version)"
  mkdir -p "$cache_dir"
  tmp_bin="$(mktemp "$cache_dir/.actionlint.build.XXXXXX")"
  trap 'rm -f "$tmp_bin"' EXIT
  log "building actionlint $version with $(go version) into $cache_dir"
  start=$SECONDS
  (
    cd "$tools_module"
    # -mod=mod resolves the module graph from go.mod/go.sum (no vendor dir); go.sum pins
    # every checksum. The -X flag gives `actionlint -version` the pinned version.
    GOFLAGS="${GOFLAGS:-} -mod=mod -buildvcs=false" go build -trimpath \
      -ldflags "-s -w -X github.com/rhysd/actionlint.version=$version" \
      -o "$tmp_bin" github.com/rhysd/actionlint/cmd/actionlint
  ) >&2 || die "go build of actionlint $version failed (see above)"
  chmod 0755 "$tmp_bin"
  "$tmp_bin" -version >/dev/null 2>&1 || die "the freshly built $tmp_bin does not run"
  mv -f "$tmp_bin" "$bin"   # atomic within one folder: never a half-written binary
  trap - EXIT
  log "build took $((SECONDS - start)) s"
fi

cd "$repo"
if (($# > 0)); then
  files=("$@")
else
  shopt -s nullglob
  files=(.github/workflows/*.yml .github/workflows/*.yaml)
  shopt -u nullglob
  ((${#files[@]} > 0)) || die "no workflow files in $repo/.github/workflows"
fi

if sc="$(command -v shellcheck 2>/dev/null)"; then
  extra="run: scripts also checked with $sc"
else
  extra="no shellcheck on PATH: run: scripts not shellchecked"
fi
log "actionlint $version on ${#files[@]} file(s): ${files[*]} ($extra)"

rc=0
"$bin" "${files[@]}" || rc=$?
if ((rc == 0)); then
  log "ok: 0 findings"
else
  log "actionlint exited $rc"
fi
exit "$rc"
