#!/usr/bin/env node
// The `pulumi-callbell` command. It lives outside dist/ so that npm links it even when `npm ci` runs before the
// build (a fresh clone); it then runs the compiled CLI, which the root's `prepare` builds.
try {
  require.resolve("../dist/doors/cli/main.js");
} catch {
  process.stderr.write("pulumi-callbell: the CLI is not built yet (no provider/dist): run `npm run build`\n");
  process.exit(2);
}
require("../dist/doors/cli/main.js");
