// Two ContactSets in one program that read a shared file (one per account, say): without a prefix their contacts would
// make one URN twice, which the engine refuses with "Duplicate resource URN" and a closed connection. Declared for real
// under pulumi.runtime.setMocks, in a child process so the mocks and the SDK's global state never touch mocha's.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

function declareTwoSets(seedFile: string, secondPrefix: string | undefined): { status: number | null; out: string; names: string[] } {
  const script = `
const pulumi = require("@pulumi/pulumi");
const names = [];
pulumi.runtime.setMocks({
  newResource: (args) => { names.push(args.name); return { id: args.name, state: args.inputs }; },
  call: (args) => args.inputs,
}, "project", "stack", false);
const { ContactSet } = require("./provider/src/doors/typescript/contact-set");
process.on("unhandledRejection", (e) => { process.stdout.write(JSON.stringify({ error: String(e && e.message || e), names })); process.exit(3); });
try {
  new ContactSet("dev-account", { files: [${JSON.stringify(seedFile)}] });
  new ContactSet("prod-account", { files: [${JSON.stringify(seedFile)}], namePrefix: ${JSON.stringify(secondPrefix)} });
  setTimeout(() => process.stdout.write(JSON.stringify({ names })), 200);
} catch (e) {
  process.stdout.write(JSON.stringify({ error: e.message, names }));
  process.exit(2);
}
`;
  const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: REPO_ROOT, encoding: "utf8" });
  const parsed = JSON.parse(r.stdout || "{}") as { error?: string; names?: string[] };
  return { status: r.status, out: parsed.error ?? "", names: parsed.names ?? [] };
}

describe("two ContactSets that share a number", function () {
  this.timeout(60_000);
  let seedFile: string;
  before(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "two-sets-"));
    seedFile = path.join(dir, "contacts.shared.yaml");
    fs.writeFileSync(seedFile, 'contacts:\n  - identifier: "393335600000"\n    source: whatsapp\n    name: Shared Line\n');
  });
  after(() => fs.rmSync(path.dirname(seedFile), { recursive: true, force: true }));

  it("without a prefix: the second set throws one clear error naming both sets and namePrefix", () => {
    const r = declareTwoSets(seedFile, undefined);
    assert.equal(r.status, 2, r.out);
    assert.match(r.out, /ContactSets "dev-account" and "prod-account" both declare a contact named whatsapp-393335600000/);
    assert.match(r.out, /give one of them a namePrefix \(e\.g\. namePrefix: "prod-account-"\)/);
  });

  it("with a prefix on one: each set's contact has a name of its own", () => {
    const r = declareTwoSets(seedFile, "prod-");
    assert.equal(r.status, 0, r.out);
    assert.deepEqual(r.names.filter((n) => n.includes("393335600000")).sort(), ["prod-whatsapp-393335600000", "whatsapp-393335600000"]);
  });

  it("a prefix that would make a bad resource name is refused", () => {
    const r = declareTwoSets(seedFile, "prod/");
    assert.notEqual(r.status, 0);
    assert.match(r.out, /namePrefix is "prod\/": use letters, digits/);
  });
});
