#!/usr/bin/env bash
# Writes the Go SDK of the plugin's schema into sdk/go/callbell (or the folder given), with Pulumi's Go code generator
# of the CLI's release (pulumi-gen-sdk, which ensure-pulumi.sh builds beside the CLI):
#
#   npm run build && bash scripts/gen-go-sdk.sh            # after a schema change; commit sdk/go/callbell
#   bash scripts/gen-go-sdk.sh <folder>                    # writes <folder>/callbell (the test compares it)
#
# The schema comes from the built plugin (`pulumi package get-schema provider/pulumi-resource-callbell`), so it carries
# provider/package.json's version and repository. sdk/go.mod and go.sum are the module's own and stay as they are.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${1:-sdk/go}"
pulumi_dir="$(PULUMI_CALLBELL_NO_PATH=1 bash scripts/ensure-pulumi.sh)"   # the pinned CLI, beside which pulumi-gen-sdk is
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
PULUMI_SKIP_UPDATE_CHECK=true PULUMI_HOME="$work/home" "$pulumi_dir/pulumi" package get-schema ./provider/pulumi-resource-callbell >"$work/schema.json"
"$pulumi_dir/pulumi-gen-sdk" go "$work/schema.json" "$work/go"
rm -rf "$out/callbell"
mkdir -p "$out"
cp -R "$work/go/callbell" "$out/callbell"
cp "$work/go/.gitattributes" "$out/.gitattributes"
echo "$out/callbell"
