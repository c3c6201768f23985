// prepack/postpack of the pulumi-callbell package (run by npm in provider/): the tarball
// carries the repository's README, LICENSE and CHANGELOG, so they are copied in before
// packing and removed after, and dist/ is rebuilt from scratch (no stale files ship).
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

const pkgDir = process.cwd();
const repoRoot = path.resolve(__dirname, "..");
const shared = ["README.md", "LICENSE", "CHANGELOG.md"];

if (path.resolve(pkgDir) !== path.join(repoRoot, "provider")) {
  throw new Error(`provider-pack.js must run in ${path.join(repoRoot, "provider")}, not ${pkgDir}`);
}
const phase = process.argv[2];
if (phase === "prepack") {
  fs.rmSync(path.join(pkgDir, "dist"), { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc", { paths: [pkgDir] }), "-p", "."], { cwd: pkgDir, stdio: "inherit" });
  for (const f of shared) fs.copyFileSync(path.join(repoRoot, f), path.join(pkgDir, f));
} else if (phase === "postpack") {
  for (const f of shared) fs.rmSync(path.join(pkgDir, f), { force: true });
} else {
  throw new Error(`usage: node ../scripts/provider-pack.js prepack|postpack (got ${phase})`);
}
