#!/usr/bin/env bash
# Packs the provider plugin `callbell` as self-contained archives, one per OS and architecture, named as Pulumi names
# plugin archives (pulumi-resource-<name>-v<version>-<os>-<arch>.tar.gz, what `pulumi plugin install` and a
# pluginDownloadURL look for), with a SHA256SUMS file beside them in dist/:
#
#   bash scripts/plugin-pack.sh            # prints each archive's path, then SHA256SUMS's
#   pulumi plugin install resource callbell <version> --file dist/pulumi-resource-callbell-v<version>-linux-amd64.tar.gz
#
# Inside each: node_modules with the packed pulumi-callbell package and its production dependencies as package-lock.json
# pins them, copied from this checkout's node_modules (plain JavaScript:
# no native module, so one tree serves every OS and architecture; npm's .bin links are left out, as Windows cannot
# unpack links and the plugin needs none), and the launcher of that OS: pulumi-resource-callbell (sh) for linux and
# darwin, pulumi-resource-callbell.cmd for windows. Each runs the first `node` on PATH, and says in one line when
# there is none. The windows launcher is built and checked here, not run: this machine has no Windows.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version="$(node -p 'require("./provider/package.json").version')"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

npm run build >&2
(cd provider && npm pack --silent --pack-destination "$stage" >/dev/null)
mkdir -p "$stage/plugin/node_modules/pulumi-callbell"
tar -xzf "$stage/pulumi-callbell-$version.tgz" -C "$stage/plugin/node_modules/pulumi-callbell" --strip-components 1
cat >"$stage/plugin/package.json" <<JSON
{ "private": true, "dependencies": { "pulumi-callbell": "$version", "@pulumi/pulumi": "$(node -p 'require("@pulumi/pulumi/package.json").version')" } }
JSON
# The dependencies are the very packages package-lock.json put in this checkout's node_modules (npm ci), which the
# tests ran with (scripts/production-tree.js lists them), each copied to the same place under the archive's
# node_modules. A fresh `npm install` would take the newest of every transitive range on the day of the release.
tree="$(node scripts/production-tree.js)"
copied=0
while IFS= read -r dir; do
  rel="${dir#"$PWD"/node_modules/}"
  [[ "$rel" != "$dir" ]] || { echo "plugin-pack: $dir is outside $PWD/node_modules" >&2; exit 1; }
  # A package before those nested in it (the list is sorted): a nested one came with its parent's folder.
  [[ -e "$stage/plugin/node_modules/$rel" ]] && continue
  mkdir -p "$(dirname "$stage/plugin/node_modules/$rel")"
  cp -R "$dir" "$stage/plugin/node_modules/$rel"
  copied=$((copied + 1))
done <<<"$tree"
echo "plugin-pack: $copied packages from node_modules (package-lock.json) beside pulumi-callbell $version" >&2
if find "$stage/plugin/node_modules" -name '*.node' | grep -q .; then
  echo "plugin-pack: a dependency now has a native module; one archive can no longer serve every OS" >&2
  exit 1
fi
find "$stage/plugin/node_modules" -type d -name .bin -prune -exec rm -rf {} +

# The package's own launcher, pointed at the package inside node_modules: one launcher text to keep.
unix="$stage/unix"
mkdir "$unix"
sed 's|"$here/dist/doors/plugin/main.js"|"$here/node_modules/pulumi-callbell/dist/doors/plugin/main.js"|' provider/pulumi-resource-callbell >"$unix/pulumi-resource-callbell"
grep -q 'node_modules/pulumi-callbell/dist/doors/plugin/main.js' "$unix/pulumi-resource-callbell" || { echo "plugin-pack: provider/pulumi-resource-callbell no longer runs \"\$here/dist/doors/plugin/main.js\"" >&2; exit 1; }
chmod 0755 "$unix/pulumi-resource-callbell"
windows="$stage/windows"
mkdir "$windows"
printf '%s\r\n' \
  '@echo off' \
  'rem The Pulumi provider plugin `callbell`: runs its Node.js program with the first node on PATH.' \
  'where node >nul 2>nul' \
  'if errorlevel 1 (' \
  '  echo pulumi-resource-callbell: no node on PATH; install Node.js 22 or newer, https://nodejs.org 1>&2' \
  '  exit /b 1' \
  ')' \
  'node "%~dp0node_modules\pulumi-callbell\dist\doors\plugin\main.js" %*' >"$windows/pulumi-resource-callbell.cmd"

# Both launchers run a program of the package: the archive must hold it (an entry point moved in one launcher only
# would ship an archive that cannot start).
for launcher in "$unix/pulumi-resource-callbell" "$windows/pulumi-resource-callbell.cmd"; do
  program="$(grep -o 'node_modules[/\\][^"]*main\.js' "$launcher" | tr '\\' /)"
  [[ -n "$program" && -f "$stage/plugin/$program" ]] || { echo "plugin-pack: $(basename "$launcher") runs ${program:-no program}, which the package does not hold" >&2; exit 1; }
done
mkdir -p dist
rm -f dist/pulumi-resource-callbell-v*.tar.gz dist/SHA256SUMS
archive() { echo "dist/pulumi-resource-callbell-v$version-$1-$2.tar.gz"; }
# One archive per launcher; the architectures of an OS carry the same bytes.
tar -czf "$(archive linux amd64)" -C "$stage/plugin" package.json node_modules -C "$unix" pulumi-resource-callbell
tar -czf "$(archive windows amd64)" -C "$stage/plugin" package.json node_modules -C "$windows" pulumi-resource-callbell.cmd
cp "$(archive linux amd64)" "$(archive linux arm64)"
cp "$(archive linux amd64)" "$(archive darwin amd64)"
cp "$(archive linux amd64)" "$(archive darwin arm64)"
cp "$(archive windows amd64)" "$(archive windows arm64)"
(cd dist && sha256sum pulumi-resource-callbell-v"$version"-*.tar.gz >SHA256SUMS)
for os in linux darwin windows; do
  for arch in amd64 arm64; do printf '%s\n' "$PWD/$(archive $os $arch)"; done
done
printf '%s\n' "$PWD/dist/SHA256SUMS"
