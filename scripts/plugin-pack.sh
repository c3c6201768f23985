#!/usr/bin/env bash
# Packs the provider plugin `callbell` as a self-contained folder and tarball that a user installs outside this
# repository with one command:
#
#   bash scripts/plugin-pack.sh            # prints the tarball's path: dist/pulumi-resource-callbell-v<version>-linux-x64.tar.gz
#   pulumi plugin install resource callbell <version> --file dist/pulumi-resource-callbell-v<version>-linux-x64.tar.gz
#
# Inside: the wrapper pulumi-resource-callbell (runs the first `node` >= 22 on PATH) and node_modules with the packed
# pulumi-callbell package and its production dependencies, installed by npm from the registry.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version="$(node -p 'require("./provider/package.json").version')"
out="$PWD/dist/pulumi-resource-callbell-v$version-linux-x64.tar.gz"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

npm run build >&2
(cd provider && npm pack --silent --pack-destination "$stage" >/dev/null)
mkdir "$stage/plugin"
cat >"$stage/plugin/package.json" <<JSON
{ "private": true, "dependencies": { "pulumi-callbell": "file:../pulumi-callbell-$version.tgz", "@pulumi/pulumi": "$(node -p 'require("@pulumi/pulumi/package.json").version')" },
  "allowScripts": { "protobufjs": false } }
JSON
(cd "$stage/plugin" && npm install --omit=dev --no-audit --no-fund --install-links >&2)
# The package's own launcher, pointed at the package inside node_modules: one launcher text to keep.
sed 's|"$here/dist/plugin/main.js"|"$here/node_modules/pulumi-callbell/dist/plugin/main.js"|' provider/pulumi-resource-callbell >"$stage/plugin/pulumi-resource-callbell"
grep -q 'node_modules/pulumi-callbell/dist/plugin/main.js' "$stage/plugin/pulumi-resource-callbell" || { echo "plugin-pack: provider/pulumi-resource-callbell no longer runs \"\$here/dist/plugin/main.js\"" >&2; exit 1; }
chmod 0755 "$stage/plugin/pulumi-resource-callbell"
mkdir -p dist
tar -czf "$out" -C "$stage/plugin" .
printf '%s\n' "$out"
