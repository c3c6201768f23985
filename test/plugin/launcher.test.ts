// The plugin's launcher (provider/pulumi-resource-callbell, which scripts/plugin-pack.sh packs too): without a `node` on
// PATH it says in one line what is missing and where to get it, instead of sh's "node: not found".
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../harness";

describe("the plugin's launcher", () => {
  it("without node on PATH: exit 1 and one line naming what is missing and where to get it", () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "launcher-path-"));
    try {
      fs.symlinkSync("/usr/bin/dirname", path.join(bin, "dirname")); // all the launcher needs besides node
      const r = spawnSync("/bin/sh", [path.join(REPO_ROOT, "provider", "pulumi-resource-callbell")], { env: { PATH: bin }, encoding: "utf8" });
      assert.equal(r.status, 1);
      assert.equal(r.stdout, "");
      assert.equal(r.stderr, "pulumi-resource-callbell: no node on PATH; install Node.js 22 or newer (https://nodejs.org)\n");
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
