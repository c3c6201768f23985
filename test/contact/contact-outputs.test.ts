// Every output a Contact declares is an Output on the instance, also when its input was not declared: the SDK makes
// Outputs only for the keys it is given. Declared for real under pulumi.runtime.setMocks, in a child process so the
// mocks and the SDK's global state never touch the mocha process.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

const script = `
const pulumi = require("@pulumi/pulumi");
const sent = [];
pulumi.runtime.setMocks({
  newResource: (args) => {
    sent.push(Object.keys(args.inputs).sort());
    return { id: "u".repeat(32), state: { ...args.inputs, uuid: "u".repeat(32), createdAt: "2026-11-25T01:02:03Z" } };
  },
  call: (args) => args.inputs,
}, "project", "stack", false);
const { Contact } = require("./provider/src/doors/typescript/resource");
const { contactOutputNames } = require("./provider/src/domain/contact/shape");
const contact = new Contact("c", { identifier: "393331234567", source: "whatsapp", name: "Alice" });
const outputs = contactOutputNames.filter((name) => pulumi.Output.isInstance(contact[name]));
pulumi.all(outputs.map((name) => contact[name])).apply((values) => {
  const resolved = Object.fromEntries(outputs.map((name, i) => [name, values[i] === undefined ? "<undefined>" : values[i]]));
  process.stdout.write(JSON.stringify({ names: contactOutputNames, outputs, resolved, sent }));
});
`;

describe("Contact outputs", () => {
  it("are Outputs for every declared output, the undeclared inputs included, and undefined ones are not sent", function () {
    this.timeout(60_000);
    const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: REPO_ROOT, encoding: "utf8" });
    const { names, outputs, resolved, sent } = JSON.parse(out) as {
      names: string[];
      outputs: string[];
      resolved: Record<string, unknown>;
      sent: string[][];
    };
    for (const name of ["uuid", "href", "createdAt", "name", "tags", "note", "customFields", "assignedUser", "teamUuid", "channelUuid"]) {
      assert.ok(names.includes(name), `${name} is a declared output`);
    }
    assert.deepEqual(outputs, names, "each declared output is an Output");
    assert.equal(resolved.name, "Alice");
    assert.equal(resolved.uuid, "u".repeat(32));
    assert.equal(resolved.tags, "<undefined>");
    assert.equal(resolved.note, "<undefined>");
    assert.deepEqual(sent, [["__owner", "__provider", "identifier", "name", "source"]]);
  });
});
