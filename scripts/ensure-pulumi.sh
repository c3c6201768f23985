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
# With 2 and 3, the YAML and Python language hosts (scripts/pulumi-language-yaml, -python) and a
# virtualenv with the Python SDK (linked as python-venv) are made too, and the Node.js language host `pulumi-language-nodejs` (which runs program
# folders for the plain CLI) is built from scripts/pulumi-language-host into
# $CACHE/language-host/<sdk version>/ and linked next to `pulumi` (see install_language_host).
# A `pulumi` from PATH (1) brings its own language host.
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
PYTHON_SDK_VERSION="3.259.0"  # the Python package `pulumi`, the same release as the CLI

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
engine_module="$here/pulumi-engine"
host_module="$here/pulumi-language-host"
yaml_module="$here/pulumi-language-yaml"
python_module="$here/pulumi-language-python"
go_module="$here/pulumi-language-go"
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

# Rough cold-build minutes per label, measured on a shared 2-core machine with empty Go caches (the figures in docs/testing.md, "The Pulumi engine").
cold_minutes() {
  case "$1" in
    "the pulumi CLI") echo "6 to 10" ;;
    "the Node.js language host" | "the YAML language host" | "the Go language host") echo 2 ;;
    *) echo 1 ;;
  esac
}

# Runs the command "$@" with its output appended to $build_log, and says what step $1 of label $2 is doing: on a
# terminal one line rewritten every second, elsewhere (CI logs) a line every 30 s, each with the elapsed time and the
# rough cold-build estimate.
run_step() {
  local step="$1" label="$2" pid elapsed next_line=30
  shift 2
  [[ -t 2 ]] || log "$label: $step"
  "$@" >>"$build_log" 2>&1 &
  pid=$!
  running_step=$pid
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    elapsed=$((SECONDS - build_start))
    if [[ -t 2 ]]; then
      printf '\rensure-pulumi: %s: %s, %d:%02d elapsed (about %s min when cold) ' "$label" "$step" $((elapsed / 60)) $((elapsed % 60)) "$(cold_minutes "$label")" >&2
    elif ((elapsed >= next_line)); then
      log "$label: $step, ${elapsed} s elapsed (about $(cold_minutes "$label") min when cold)"
      next_line=$((elapsed + 30))
    fi
  done
  [[ -t 2 ]] && printf '\n' >&2
  running_step=
  wait "$pid"
}

# Builds Go package $3 of the tools module $1 into the file $4, stamping version $2 into the
# SDK's version variable; $5 names it in the log, and the command $6 (given the new binary)
# must succeed before it replaces $4. Atomic: a temporary file in the same folder, then mv,
# so a concurrent run never sees a half-written binary. Two steps with a progress line: the modules
# (`go list -deps`, which downloads exactly what the package needs), then the compile. Go's output (hundreds of
# `go: downloading` lines) goes to a log; a failure prints the log's last lines and what to do.
build_into_cache() {
  local module="$1" version="$2" package="$3" dest="$4" label="$5" check="$6" tmp
  command -v go >/dev/null 2>&1 || die "Go is not installed, so $label $version cannot be built (see $module/go.mod for the Go version), and there is no pulumi >= $MIN_VERSION on PATH to use instead."
  [[ -f "$module/go.mod" && -f "$module/go.sum" ]] || die "missing $module/go.mod or go.sum"
  mkdir -p "$(dirname "$dest")"
  tmp="$(mktemp "$(dirname "$dest")/.build.XXXXXX")"
  temp_files+=("$tmp")
  mkdir -p "$cache_root/logs"
  build_log="$cache_root/logs/$(basename "$dest")-$version.log"
  : >"$build_log"
  log "building $label $version once, with $(go version | awk '{print $3}'), into $(dirname "$dest"); Go's output goes to $build_log"
  build_start=$SECONDS
  # -mod=mod lets the build resolve the module graph from go.mod/go.sum (no vendor dir);
  # go.sum pins every checksum, so nothing unverified can come in.
  local goflags="${GOFLAGS:-} -mod=mod -buildvcs=false"
  local fix="check the network to the Go module proxy ($(go env GOPROXY)) and run the command again; it resumes where it stopped"
  run_step "step 1 of 2, modules" "$label" env GOFLAGS="$goflags" go -C "$module" list -deps "$package" ||
    { tail -n 30 "$build_log" >&2; die "downloading the modules of $label $version failed (the last lines of $build_log are above): $fix"; }
  run_step "step 2 of 2, compiling" "$label" env GOFLAGS="$goflags" go -C "$module" build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" -o "$tmp" "$package" ||
    { tail -n 30 "$build_log" >&2; die "go build of $label $version failed (the last lines of $build_log are above); delete $(go env GOCACHE) if it names a corrupt cache entry, then run the command again"; }
  chmod 0755 "$tmp"
  log "built $label in $((SECONDS - build_start)) s"
  "$check" "$tmp" || die "the freshly built $label does not run ($check $tmp failed)"
  mv -f "$tmp" "$dest"
}
# True when the CLI at $1 reports exactly the pinned version.
cli_is_pinned() { [[ "$(cli_version "$1")" == "$PINNED_VERSION" ]]; }

# True when the language host at $1 starts (it prints its usage for -help and exits 0).
language_host_runs() { "$1" -help >/dev/null 2>&1; }

temp_files=()
temp_dirs=()
running_step=
trap 'rm -f "${temp_files[@]}"; rm -rf "${temp_dirs[@]}"; [[ -n "$running_step" ]] && kill "$running_step" 2>/dev/null; true' EXIT

# The Node.js language host `pulumi-language-nodejs`, which runs a program folder for the
# plain CLI (`pulumi up` in a folder with a Pulumi.yaml). The Go module proxy serves no
# version of its own module (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3),
# but sdk/v3 up to v3.68.0 still holds the package, so scripts/pulumi-language-host pins
# that. It is cached under its own version and linked next to `pulumi`, where the engine
# takes it as a bundled plugin (on PATH only, the CLI warns on every run).
install_language_host() {
  local version built link tmp
  version="$(awk '$1 == "github.com/pulumi/pulumi/sdk/v3" { print $2; exit } $1 == "require" && $2 == "github.com/pulumi/pulumi/sdk/v3" { print $3; exit }' "$host_module/go.mod")"
  [[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "cannot read the sdk/v3 version from $host_module/go.mod"
  built="$cache_root/language-host/$version/pulumi-language-nodejs"
  if [[ ! -x "$built" ]]; then
    build_into_cache "$host_module" "$version" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs \
      "$built" "the Node.js language host" language_host_runs
  fi
  link="$cache_dir/pulumi-language-nodejs"
  [[ "$(readlink "$link" 2>/dev/null)" == "$built" ]] && return 0
  tmp="$cache_dir/.language-host.$$"
  ln -sfn "$built" "$tmp"
  mv -fT "$tmp" "$link"
  log "language host: pulumi-language-nodejs from sdk/v3 $version"
}

# Links the built file $1 as $cache_dir/$2 (atomic), where the engine takes it as a bundled plugin.
link_beside_cli() {
  local built="$1" link="$cache_dir/$2" tmp
  [[ "$(readlink "$link" 2>/dev/null)" == "$built" ]] && return 0
  tmp="$cache_dir/.link.$$"
  ln -sfn "$built" "$tmp"
  mv -fT "$tmp" "$link"
}

# The version module $2 has in the go.mod of tools module $1.
module_version() {
  local version
  version="$(awk -v m="$2" '$1 == m { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1/go.mod")"
  [[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "cannot read the $2 version from $1/go.mod"
  printf '%s\n' "$version"
}

# The YAML language host `pulumi-language-yaml` (runs `runtime: yaml` programs), from the tools module
# scripts/pulumi-language-yaml, cached under the pulumi-yaml version.
install_yaml_host() {
  local version built
  version="$(module_version "$yaml_module" github.com/pulumi/pulumi-yaml)"
  built="$cache_root/language-yaml/$version/pulumi-language-yaml"
  [[ -x "$built" ]] || build_into_cache "$yaml_module" "$version" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml \
    "$built" "the YAML language host" language_host_runs
  link_beside_cli "$built" pulumi-language-yaml
}

# A language host that prints code for `pulumi import`: the host of sdk/v3 $3 (tools module $2, package $4) runs
# programs, as pulumi-language-$1-runner, and scripts/pulumi-engine/codegen-host, as pulumi-language-$1 beside it,
# forwards every call to it and answers GenerateProgram with Pulumi's program generator of the CLI's release (the sdk/v3
# hosts predate that method, and the hosts' own modules are refused by the proxy). Both are linked beside the CLI.
install_codegen_host() {
  local language="$1" module="$2" version="$3" package="$4" label="$5" dir
  # The folder names the forwarding host's own source too, so a change to it builds a new one.
  dir="$cache_root/language-$language/$version+codegen-v$PINNED_VERSION-$(cat "$engine_module"/codegen-host/*.go | sha256sum | cut -c1-12)"
  [[ -x "$dir/pulumi-language-$language-runner" ]] ||
    build_into_cache "$module" "$version" "$package" "$dir/pulumi-language-$language-runner" "$label" language_host_runs
  forwarder_language="$language"
  [[ -x "$dir/pulumi-language-$language" ]] || build_into_cache "$engine_module" "v$PINNED_VERSION" ./codegen-host \
    "$dir/pulumi-language-$language" "the $language host's program generator" forwarder_runs
  link_beside_cli "$dir/pulumi-language-$language" "pulumi-language-$language"
  host_dir="$dir"
}

# True when the forwarder built at $1, under the name the engine starts it by and with the runner of
# $forwarder_language beside it, answers -help through that runner (the bare build under a temporary name only
# prints its usage).
forwarder_runs() {
  local try
  try="$(mktemp -d)"
  temp_dirs+=("$try")
  ln -s "$1" "$try/pulumi-language-$forwarder_language"
  ln -s "$dir/pulumi-language-$forwarder_language-runner" "$try/pulumi-language-$forwarder_language-runner"
  "$try/pulumi-language-$forwarder_language" -help 2>&1 | grep -q -- '-root'
}

# The Go language host (runs `runtime: go` programs): sdk/v3 v3.60.0 (scripts/pulumi-language-go) is the last release
# that holds it. Go programs themselves build against the sdk/v3 release their own go.mod names.
install_go_host() {
  install_codegen_host go "$go_module" "$(module_version "$go_module" github.com/pulumi/pulumi/sdk/v3)" \
    github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go "the Go language host"
}

# The Python language host: sdk/v3 v3.68.0 (scripts/pulumi-language-python), with the script
# `pulumi-language-python-exec` of the same module beside it, which it runs to start a program.
install_python_host() {
  local version exec_src
  version="$(module_version "$python_module" github.com/pulumi/pulumi/sdk/v3)"
  install_codegen_host python "$python_module" "$version" github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python \
    "the Python language host"
  if [[ ! -x "$host_dir/pulumi-language-python-exec" ]]; then
    exec_src="$(cd "$python_module" && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)/python/cmd/pulumi-language-python-exec"
    [[ -f "$exec_src" ]] || die "no pulumi-language-python-exec in the sdk/v3 $version module ($exec_src)"
    install -m 0755 "$exec_src" "$host_dir/pulumi-language-python-exec"
  fi
  link_beside_cli "$host_dir/pulumi-language-python-exec" pulumi-language-python-exec
}

# A virtualenv with the Python SDK `pulumi` $PYTHON_SDK_VERSION (from PyPI), linked as $cache_dir/python-venv. Python
# programs run with its bin first on PATH: the host's `virtualenv:` option did not find the SDK with this host.
install_python_venv() {
  local venv="$cache_root/python-venv/pulumi-$PYTHON_SDK_VERSION"
  # The stamp is written last, so a venv whose install was cut short is made again.
  if [[ ! -f "$venv/.complete" ]]; then
    command -v python3 >/dev/null 2>&1 || die "python3 is not installed: the Python programs need it"
    rm -rf "$venv"
    mkdir -p "$cache_root/logs"
    log "making a virtualenv with pulumi $PYTHON_SDK_VERSION from PyPI in $venv"
    { python3 -m venv "$venv" && "$venv/bin/pip" install --disable-pip-version-check "pulumi==$PYTHON_SDK_VERSION"; } >"$cache_root/logs/python-venv.log" 2>&1 ||
      { tail -n 20 "$cache_root/logs/python-venv.log" >&2; die "the virtualenv with pulumi==$PYTHON_SDK_VERSION could not be made (log above)"; }
    touch "$venv/.complete"
  fi
  link_beside_cli "$venv" python-venv
}

# What the Python SDK generated from the plugin's schema declares (its pyproject.toml: the packages it imports and
# those its build needs), installed into the virtualenv, so that the tests can install the SDK itself offline
# (--no-deps --no-index --no-build-isolation) into a folder of their own. The list is read from the SDK that the
# generator writes today, never kept by hand: the generator added `parver` once, and a list by hand missed it. Needs
# the provider built (npm ci builds it); without it, says so and leaves the venv as it is.
install_python_sdk_requirements() {
  local venv="$cache_root/python-venv/pulumi-$PYTHON_SDK_VERSION" plugin="$here/../provider/pulumi-resource-callbell" work requirements
  if [[ ! -f "$here/../provider/dist/doors/plugin/main.js" ]]; then
    log "the provider is not built (npm run build), so the Python SDK's requirements were not checked"
    return 0
  fi
  work="$(mktemp -d)"
  temp_dirs+=("$work")
  PULUMI_SKIP_UPDATE_CHECK=true PULUMI_HOME="$work/home" "$cache_dir/pulumi" package get-schema "$plugin" >"$work/schema.json" 2>"$work/err" ||
    { cat "$work/err" >&2; die "pulumi package get-schema $plugin failed (above), so the Python SDK's requirements cannot be read"; }
  "$cache_dir/pulumi-gen-sdk" python "$work/schema.json" "$work/sdk" || die "the Python SDK could not be generated from the plugin's schema"
  requirements="$("$venv/bin/python" -c '
import sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))
print("\n".join(sorted(project["project"].get("dependencies", []) + project.get("build-system", {}).get("requires", []))))
' "$work/sdk/pyproject.toml")" || die "cannot read the requirements from the generated SDK's pyproject.toml"
  mapfile -t wanted <<<"$requirements"
  # The tests' own install, tried offline: the SDK's requirements all there, and its wheel built without isolation.
  offline_install_works() {
    "$venv/bin/pip" install --disable-pip-version-check --no-index "${wanted[@]}" >/dev/null 2>&1 &&
      "$venv/bin/pip" wheel --disable-pip-version-check --no-deps --no-index --no-build-isolation -w "$work/wheel" "$work/sdk" >>"$cache_root/logs/python-venv.log" 2>&1
  }
  offline_install_works && return 0
  # Online, as pip's build isolation would: the newest of each, so that the build backend can make a wheel.
  log "installing what the Python SDK declares into $venv: $(tr '\n' ' ' <<<"$requirements")"
  # The `pulumi` package stays at the CLI's release (a constraint), whatever range the SDK allows.
  printf 'pulumi==%s\n' "$PYTHON_SDK_VERSION" >"$work/constraints.txt"
  "$venv/bin/pip" install --disable-pip-version-check --upgrade -c "$work/constraints.txt" "${wanted[@]}" >>"$cache_root/logs/python-venv.log" 2>&1 ||
    { tail -n 20 "$cache_root/logs/python-venv.log" >&2; die "installing the Python SDK's requirements into $venv failed (log above)"; }
  offline_install_works || { tail -n 20 "$cache_root/logs/python-venv.log" >&2; die "the Python SDK still cannot be installed offline into $venv (log above)"; }
}

# `pulumi-gen-sdk` (scripts/pulumi-engine/gen-sdk): Pulumi's Python and Go code generators of the CLI's release, since
# `pulumi package gen-sdk` asks the language host, and the hosts built here predate that method. The folder names the
# generator's own source, so a change to it builds a new one.
install_sdk_generator() {
  local built
  built="$cache_root/gen-sdk/v$PINNED_VERSION-$(cat "$engine_module"/gen-sdk/*.go | sha256sum | cut -c1-12)/pulumi-gen-sdk"
  [[ -x "$built" ]] || build_into_cache "$engine_module" "v$PINNED_VERSION" ./gen-sdk "$built" "the SDK generator" generator_runs
  link_beside_cli "$built" pulumi-gen-sdk
}
# True when the generator at $1 starts (it prints its usage and exits 1 without arguments).
generator_runs() { { "$1" 2>&1 || true; } | grep -q usage; }

# Everything beside the CLI that runs programs: the Node.js, YAML, Python and Go hosts, the Python SDK, the SDK generator.
install_hosts() {
  install_nodejs_provider_host
  install_language_host
  install_yaml_host
  install_python_host
  install_python_venv
  install_sdk_generator
  install_go_host
  install_python_sdk_requirements
}

# 2. The cached build.
if [[ -x "$cache_dir/pulumi" ]]; then
  if v="$(cli_version "$cache_dir/pulumi")"; then
    install_hosts
    log "using cached pulumi v$v: $cache_dir/pulumi"
    printf '%s\n' "$cache_dir"
    exit 0
  fi
  log "cached $cache_dir/pulumi does not run; rebuilding it"
fi

# 3. Build it.
build_into_cache "$engine_module" "v$PINNED_VERSION" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
  "$cache_dir/pulumi" "the pulumi CLI" cli_is_pinned
v="$(cli_version "$cache_dir/pulumi")"
install_hosts

log "using built pulumi v$v: $cache_dir/pulumi"
printf '%s\n' "$cache_dir"
