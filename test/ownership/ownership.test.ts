// The pure ownership decisions (ownership.ts) and the backend fingerprint (backend.ts): who may take over or delete a
// contact, and how two backends are told apart. The one-writer lock and the run's shared files: run-coordination.test.ts.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { backendFingerprint, backendUrl } from "../../provider/src/backend";
import {
  DeleteFacts,
  TakeoverFacts,
  decideDelete,
  decideTakeover,
  foreignMarks,
  leftContactAdvice,
  looksLikeMark,
  readMark,
  writeMark,
} from "../../provider/src/domain/contact/ownership";

const here = "1a2b3c4d";
const facts = (more: Partial<TakeoverFacts>): TakeoverFacts => ({
  owner: "p/dev/alice",
  backend: here,
  marking: true,
  adopt: false,
  recoverCreates: false,
  sameName: true,
  ...more,
});

describe("ownership decisions", () => {
  it("a mark is written and read back with its backend and whether it was adopted; an old mark has neither", () => {
    assert.equal(writeMark({ owner: "p/dev/alice", backend: here }), "p/dev/alice @1a2b3c4d");
    assert.equal(writeMark({ owner: "p/dev/alice", backend: here, adopted: true }), "p/dev/alice @1a2b3c4d adopted");
    assert.deepEqual(readMark("p/dev/alice @1a2b3c4d adopted"), { owner: "p/dev/alice", backend: here, adopted: true });
    assert.deepEqual(readMark(" p/dev/a b @1a2b3c4d "), { owner: "p/dev/a b", backend: here, adopted: false });
    assert.deepEqual(readMark("p/dev/alice"), { owner: "p/dev/alice" });
  });

  it("takes over its own mark, or its stack's (a rename), only in the same backend", () => {
    assert.deepEqual(decideTakeover(facts({ mark: "p/dev/alice @1a2b3c4d" })), {
      takeOver: true,
      origin: "created",
      why: "its owner mark names this resource (an interrupted create, or this resource's replacement)",
    });
    assert.equal(decideTakeover(facts({ mark: "p/dev/bob @1a2b3c4d" })).takeOver, true);
    const elsewhere = decideTakeover(facts({ mark: "p/dev/alice @9f8e7d6c" }));
    assert.equal(elsewhere.takeOver, false);
    assert.match((elsewhere as { refusal: string }).refusal, /managed by p\/dev\/alice in another Pulumi backend \(backend 9f8e7d6c; this run's is 1a2b3c4d\)/);
    assert.match((decideTakeover(facts({ mark: "p/dev/alice" })) as { refusal: string }).refusal, /a mark written before marks named their Pulumi backend/);
    assert.equal(decideTakeover(facts({ mark: "p/dev/alice @9f8e7d6c", recoverCreates: true })).takeOver, true, "recoverCreates is the override");
    assert.equal(decideTakeover(facts({ mark: "p/prod/alice @1a2b3c4d", recoverCreates: true, adopt: true })).takeOver, false, "never another stack's");
  });

  it("a contact adopted once stays adopted through its mark", () => {
    assert.deepEqual(decideTakeover(facts({ mark: "p/dev/alice @1a2b3c4d adopted" })), {
      takeOver: true,
      origin: "adopted",
      why: "its owner mark names this resource (an interrupted create, or this resource's replacement)",
    });
    assert.equal((decideTakeover(facts({ mark: "p/dev/alice @1a2b3c4d", adopt: true })) as { origin: string }).origin, "adopted");
  });

  it("the run memory decides first: the replacement keeps its resource's contact, another resource's is refused", () => {
    assert.deepEqual(decideTakeover(facts({ marking: false, keeper: { owner: "p/dev/alice", origin: "adopted" } })), {
      takeOver: true,
      origin: "adopted",
      why: "this resource already holds it (a replacement keeps its contact)",
    });
    assert.deepEqual(decideTakeover(facts({ keeper: { owner: "p/dev/twin" }, adopt: true, mark: "p/dev/alice @1a2b3c4d" })), {
      takeOver: false,
      refusal: "another resource of this program already manages it; declare each contact once",
    });
  });

  it("the refusal of an unmarked contact gives the fix in the door's syntax: TypeScript for the dynamic Contact, every language for the plugin", () => {
    const unmarked = facts({ marking: false, owner: "callbell-demo/dev/alice" });
    const middle =
      "if a killed run of this stack created it, run the next up with callbell:recoverCreates=true (or CALLBELL_RECOVER_CREATES=true); " +
      "if this is 'pulumi up --replace' of this resource, Callbell holds one contact per number, so the replacement can only keep it: " +
      "run that up with callbell:recoverCreates=true too (with callbell:ownerField set, --replace needs nothing); ";
    const dynamic =
      'nothing shows that this stack made it. If you renamed this resource, add aliases: [{ name: "<its old name>" }]; ' +
      middle +
      "to manage an existing contact, set adopt: true";
    assert.deepEqual(decideTakeover(unmarked), { takeOver: false, refusal: dynamic }, "the dynamic door is the default");
    assert.deepEqual(decideTakeover({ ...unmarked, door: "dynamic" }), { takeOver: false, refusal: dynamic });
    assert.deepEqual(decideTakeover({ ...unmarked, door: "plugin" }), {
      takeOver: false,
      refusal:
        "nothing shows that this stack made it. If you renamed this resource, add an alias from its old name " +
        '(YAML: options: { aliases: [ "urn:pulumi:dev::callbell-demo::callbell:index:Contact::<old name>" ] }; ' +
        'Python: opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="<old name>")]); TypeScript: aliases: [{ name: "<old name>" }]); ' +
        middle +
        "to manage an existing contact, set its adopt property to true (YAML and TypeScript: adopt: true; Python: adopt=True)",
    });
    const noOwner = decideTakeover({ ...unmarked, owner: undefined, door: "plugin" }) as { refusal: string };
    assert.ok(noOwner.refusal.includes('YAML: options: { aliases: [ "<its old URN, from pulumi stack --show-urns>" ] }'), noOwner.refusal);
    assert.ok(!/\n/.test(noOwner.refusal), "one line");
  });

  it("the refusal of another stack's contact names retainOnDelete as the door's language spells it", () => {
    const theirs = facts({ mark: "p/prod/alice @1a2b3c4d", owner: "q/dev/alice" });
    const tail = (door: "dynamic" | "plugin") =>
      (decideTakeover({ ...theirs, door }) as { refusal: string }).refusal.replace(/^.*; a contact has one owner, /, "");
    assert.equal(
      tail("dynamic"),
      "so declare it in that stack only (or, to move it here, remove it from that stack with retainOnDelete and clear the field in the dashboard)",
    );
    assert.equal(
      tail("plugin"),
      "so declare it in that stack only (or, to move it here, remove it from that stack with the retainOnDelete resource option " +
        "(Python: retain_on_delete) and clear the field in the dashboard)",
    );
  });

  it("delete: skipped for a kept contact, an adopted one, or one another owner (or backend) marked; else deleted", () => {
    const base = { owner: "p/dev/alice", ownMark: "p/dev/alice @1a2b3c4d", origin: "created" as const, legacyAdopt: false, marking: true, backend: here };
    assert.deepEqual(decideDelete({ ...base, keeper: { owner: "p/dev/alice" } }), {
      delete: false,
      reason: "the resource that replaces it keeps the same contact",
      stillHeld: true,
    });
    assert.equal(
      (decideDelete({ ...base, keeper: { owner: "p/dev/bob" } }) as { reason: string }).reason,
      "another resource of this program now manages it (a rename?)",
    );
    assert.equal(decideDelete({ ...base, origin: "adopted" }).delete, false);
    assert.equal(decideDelete({ ...base, origin: undefined, legacyAdopt: true }).delete, false);
    assert.deepEqual(decideDelete({ ...base, mark: "p/dev/alice @9f8e7d6c" }), {
      delete: false,
      reason: "its owner field says it is managed by p/dev/alice in another Pulumi backend (backend 9f8e7d6c; this run's is 1a2b3c4d)",
      stillHeld: false,
    });
    assert.deepEqual(decideDelete({ ...base, mark: "p/dev/alice @1a2b3c4d" }), { delete: true });
    assert.deepEqual(decideDelete({ ...base, marking: false }), { delete: true });
  });

  it("a contact delete leaves: deleting it by hand is advised only where no other stack can still manage it", () => {
    const base = {
      owner: "p/dev/alice",
      ownMark: "p/dev/alice @1a2b3c4d adopted",
      origin: "adopted" as const,
      legacyAdopt: false,
      marking: true,
      backend: here,
    };
    const advice = (f: DeleteFacts) => {
      const decision = decideDelete(f);
      assert.equal(decision.delete, false);
      return leftContactAdvice(f, decision as { stillHeld: boolean });
    };
    assert.equal(advice({ ...base, keeper: { owner: "p/dev/alice" } }), "It stays under Pulumi, held by the resource that keeps it.");
    assert.equal(
      advice(base),
      "Pulumi no longer tracks it through this resource; it was in Callbell before this stack adopted it, and this stack marked it as its own " +
        "(callbell:ownerField): delete it in the Callbell dashboard if no one needs it any more, or clear that field on it for another stack to adopt it.",
    );
    const mayBeManaged =
      "Pulumi no longer tracks it through this resource; it was in Callbell before this stack adopted it, and another stack may still manage it ";
    const onlyIf = ": delete it in the Callbell dashboard only if no other stack manages it and no one needs it.";
    assert.equal(advice({ ...base, marking: false, ownMark: undefined }), `${mayBeManaged}(without callbell:ownerField the provider cannot tell)${onlyIf}`);
    assert.equal(advice({ ...base, ownMark: undefined }), `${mayBeManaged}(it carries no owner mark of this stack)${onlyIf}`);
    assert.equal(
      advice({ ...base, origin: undefined, legacyAdopt: true, marking: false }),
      `${mayBeManaged}(without callbell:ownerField the provider cannot tell)${onlyIf}`,
    );
    assert.equal(
      advice({ ...base, origin: "created", ownMark: "p/dev/alice @1a2b3c4d", mark: "p/prod/alice @1a2b3c4d" }),
      "Pulumi no longer tracks it through this resource; its owner field names another owner than this stack (in this backend): leave it to that owner.",
    );
  });
});

describe("marks in custom fields an adopt cannot read as its owner field", () => {
  const owner = "acme/dev/qa-bob";
  it("names another stack's mark, and this stack's own mark only when another backend wrote it", () => {
    const fields = {
      other: "acme/prod/whatsapp-1 @1a2b3c4d",
      mine: "acme/dev/qa-alice @1a2b3c4d adopted",
      elsewhere: "acme/dev/qa-carol @9f8e7d6c",
      note: "Call after 5",
      pulumi_owner: "acme/ops/x @1a2b3c4d",
    };
    assert.deepEqual(foreignMarks(fields, "pulumi_owner", owner, "1a2b3c4d"), { other: "acme/prod", elsewhere: "acme/dev (in another backend)" });
    assert.deepEqual(foreignMarks(fields, "pulumi_owner", owner), { other: "acme/prod" }, "backend unknown: the stack's name decides");
    assert.deepEqual(foreignMarks(fields, undefined, undefined, "1a2b3c4d"), {
      other: "acme/prod",
      mine: "acme/dev",
      elsewhere: "acme/dev",
      pulumi_owner: "acme/ops",
    });
  });
  it("a mark's shape: <project>/<stack>/<resource> @<8 hex>[ adopted]", () => {
    assert.deepEqual(["p/s/r @0123abcd", "p/s/r @0123abcd adopted", "p/s @0123abcd", "p/s/r", "p s/t/r @0123abcd", "p/s/r @0123ABCD"].map(looksLikeMark), [
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe("backend fingerprint", () => {
  it("follows the CLI's choice: PULUMI_BACKEND_URL, then Pulumi.yaml's backend.url, then the login in credentials.json", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callbell-backend-"));
    try {
      const home = path.join(dir, "home");
      fs.mkdirSync(home);
      fs.writeFileSync(path.join(home, "credentials.json"), JSON.stringify({ current: "s3://from-login" }));
      assert.equal(backendUrl({ PULUMI_HOME: home }, dir), "s3://from-login");
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\nbackend:\n  url: gs://from-project\n");
      assert.equal(backendUrl({ PULUMI_HOME: home }, dir), "gs://from-project");
      assert.equal(backendUrl({ PULUMI_HOME: home, PULUMI_BACKEND_URL: "file:///from/env" }, dir), "file:///from/env");
      assert.equal(backendUrl({ PULUMI_HOME: path.join(dir, "nowhere") }, path.join(dir, "nothing")), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is the same for spellings of one backend and differs between backends and organizations", () => {
    const f = backendFingerprint;
    assert.match(f("s3://bucket"), /^[0-9a-f]{8}$/);
    assert.equal(f("s3://bucket/"), f("s3://bucket?region=eu-west-1"));
    assert.equal(f("file://~"), f(`file://${os.homedir()}/`));
    assert.equal(f("HTTPS://API.pulumi.com"), f("https://api.pulumi.com"));
    assert.notEqual(f("file:///builds/state"), f("file:///home/me/state"));
    assert.notEqual(f("https://api.pulumi.com", "acme"), f("https://api.pulumi.com", "me"));
    assert.equal(f("https://api.pulumi.com", "organization"), f("https://api.pulumi.com"), "the DIY default names no organization");
  });
});
