// The Contact lifecycle through the real engine against the simulator in every variant of the API that the reference
// allows (issue 24), three runs that together take each value of each variant at least once: create, an update that
// removes a tag and a custom field (behind a 429), a second up, `pulumi refresh` and an up after it, a destroy whose
// DELETE answer is lost (so its retry meets a missing contact), a create whose POST answer is lost, a value Callbell
// refuses, and a last destroy. After every step: Callbell's contacts (0 lost, 0 duplicated), the request log, and the
// state (every id in it exists in Callbell; tags and fields as declared). Where the account keeps a removed tag or field,
// `up` says so once, and neither a second up nor a refresh brings the diff back.
import { strict as assert } from "assert";
import { Stack } from "@pulumi/pulumi/automation";
import type { ContactArgs } from "pulumi-callbell";
import { OutputRecorder, exportState, heldContacts, openStack, programNamed, recordOutput, resourcesOfType } from "../harness";
import { ApiVariants, RequestLogEntry, StartedSimulator, startSimulator } from "callbell-simulator";

const CONTACT = "pulumi-nodejs:dynamic/callbell:Contact";
const NUMBER = "393330000777";
const program = programNamed("contacts");

const base = { identifier: NUMBER, source: "whatsapp", name: "QA Alice" } as const;
const declaredFirst: ContactArgs = { ...base, tags: ["qa", "vip"], customFields: { company: "Acme", seats: "3" } };
const declaredAfter: ContactArgs = { ...base, tags: ["qa"], customFields: { company: "Acme" } };

/** Three accounts that together play every value of every variant; the first is the simulator's defaults. */
const accounts: Partial<ApiVariants>[] = [
  {},
  { patchTags: "merge", errorBody: "flat", retryAfter: "omitted", deleteMissing: "200", contactShape: "array" },
  { duplicates: "allow", emptyFieldOnPatch: "ignored", patchTags: "merge", errorBody: "list", contactShape: "object" },
];

/** The writes Callbell received, as "METHOD /path status" lines. */
const writes = (log: RequestLogEntry[]) => log.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path.split("?")[0]} ${e.status}`);
/** The diagnostics of an operation that say the account kept a removal. */
const keptWarnings = (rec: OutputRecorder) =>
  rec.events.map((e) => e.diagnosticEvent?.message ?? "").filter((m) => /this account (does not clear custom fields|merges tags) on PATCH/.test(m));

describe("engine end to end: the Contact lifecycle under each variant of the API", function () {
  this.timeout(600_000);
  let sim: StartedSimulator;
  const stacks: Stack[] = [];

  before(function () {
    this.timeout(30 * 60_000); // a cold engine build
  });
  afterEach(async () => sim?.close());
  after(async () => {
    for (const stack of stacks) await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
  });

  accounts.forEach((variants, index) => {
    const name =
      Object.entries(variants)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ") || "the defaults";
    it(`loses nothing, duplicates nothing, says an unreachable removal once and settles every diff (${name})`, async () => {
      sim = await startSimulator({ rateLimitPerSecond: 0, ...variants });
      const keepsTag = variants.patchTags === "merge";
      const keepsField = variants.emptyFieldOnPatch === "ignored";
      const stack = await openStack({
        projectName: "callbell-variants",
        stackName: `variants-${index}`,
        program,
        config: {
          "callbell:apiUrl": { value: sim.url },
          "callbell:apiToken": { value: sim.token, secret: true },
          "callbell:ownerField": { value: "pulumi_owner" },
          "test:contacts": { value: JSON.stringify({ alice: declaredFirst }) },
          "test:aliases": { value: "{}" },
        },
      });
      stacks.push(stack);
      const declare = (args: ContactArgs) => stack.setConfig("test:contacts", { value: JSON.stringify({ alice: args }) });
      const onNumber = async () => (await sim.admin.contacts()).filter((c) => c.phoneNumber?.replace(/\D/g, "") === NUMBER);
      const aliceState = async () => resourcesOfType(await exportState(stack), CONTACT).find((r) => r.urn.endsWith("::alice"));
      const outputs: OutputRecorder[] = [];
      const recorded = () => {
        const rec = recordOutput();
        outputs.push(rec);
        return rec;
      };
      /** After a step: how many contacts Callbell has on the number, that the state holds only contacts Callbell has, and the writes since the last step. */
      const afterStep = async (step: string, contacts: number) => {
        const found = await onNumber();
        assert.equal(found.length, contacts, `${step}: ${contacts} contact(s) on the number, found ${found.length}`);
        assert.equal((await sim.admin.contacts()).length, contacts, `${step}: no other contact`);
        const held = await heldContacts(stack, sim);
        assert.deepEqual(
          Object.values(held),
          found.map((c) => c.uuid),
          `${step}: the state holds exactly the contact Callbell has`,
        );
        const log = writes(await sim.admin.requests());
        await sim.admin.clearRequests();
        return { contact: found[0], log };
      };
      // An up that must change nothing: no write, and the kept removals not said again.
      const upChangesNothing = async (name: string) => {
        const quiet = recorded();
        await stack.up({ ...quiet.opts, expectNoChanges: true });
        assert.deepEqual((await afterStep(name, 1)).log, [], `${name}: no write`);
        assert.deepEqual(keptWarnings(quiet), [], `${name}: not said again`);
      };

      // Create.
      let rec = recorded();
      await stack.up(rec.opts);
      let step = await afterStep("create", 1);
      assert.deepEqual(step.log, ["POST /v1/contacts 200"], "create: one POST");
      const uuid = step.contact.uuid;
      assert.deepEqual([...step.contact.tags].sort(), ["qa", "vip"]);

      // Update: a tag and a custom field removed from the code. The PATCH meets a 429 first, with or without Retry-After.
      await declare(declaredAfter);
      await sim.admin.script([{ method: "PATCH", action: "429" }]);
      rec = recorded();
      await stack.up(rec.opts);
      step = await afterStep("update", 1);
      assert.deepEqual(step.log, [`PATCH /v1/contacts/${uuid} 429`, `PATCH /v1/contacts/${uuid} 200`], "update: one PATCH, sent again after the 429");
      assert.equal(step.contact.uuid, uuid, "update: the same contact");
      assert.deepEqual([...step.contact.tags].sort(), keepsTag ? ["qa", "vip"] : ["qa"], "update: the tag is removed unless the account merges tags");
      assert.equal(step.contact.customFields.seats !== undefined, keepsField, 'update: the field is cleared unless the account ignores ""');
      const said = keptWarnings(rec);
      assert.equal(said.length, keepsTag || keepsField ? 1 : 0, `update: said once, naming each kept removal:\n${said.join("\n")}`);
      if (keepsField) assert.match(said[0], /this account does not clear custom fields on PATCH: remove `seats` in the dashboard/);
      if (keepsTag) assert.match(said[0], /this account merges tags on PATCH instead of replacing them: remove tag `vip` in the dashboard/);
      let state = await aliceState();
      assert.deepEqual(state?.outputs?.tags, ["qa"], "update: the state holds the declared tags");
      assert.deepEqual(state?.outputs?.customFields, { company: "Acme" }, "update: the state holds the declared fields");
      const keptRecord = keepsTag || keepsField ? { ...(keepsTag ? { tags: ["vip"] } : {}), ...(keepsField ? { customFields: ["seats"] } : {}) } : undefined;
      assert.deepEqual(state?.outputs?.keptByAccount, keptRecord, "update: the state records what the account kept");

      // A second up changes nothing, writes nothing and says nothing again.
      await upChangesNothing("second up");

      // Refresh reads the contact; what the account kept is a known, reported removal, not a drift to put back.
      rec = recorded();
      await stack.refresh(rec.opts);
      assert.deepEqual((await afterStep("refresh", 1)).log, [], "refresh: no write");
      state = await aliceState();
      assert.deepEqual(state?.outputs?.tags, ["qa"], "refresh: the kept tag is not read back as a managed one");
      assert.deepEqual(state?.outputs?.customFields, { company: "Acme" }, "refresh: the kept field is not read back");
      assert.deepEqual(state?.outputs?.keptByAccount, keptRecord, "refresh: the record stays while Callbell keeps them");
      await upChangesNothing("up after refresh");
      rec = recorded();
      await stack.refresh({ ...rec.opts, expectNoChanges: true });
      assert.deepEqual((await afterStep("second refresh", 1)).log, [], "second refresh: no write, no change");

      // Destroy, whose first DELETE answer is lost: the retry meets a contact that is gone (404 or 200).
      await sim.admin.script([{ method: "DELETE", action: "commit-then-500" }]);
      rec = recorded();
      await stack.destroy(rec.opts);
      step = await afterStep("destroy", 0);
      const missing = variants.deleteMissing === "200" ? 200 : 404;
      assert.deepEqual(step.log, [`DELETE /v1/contacts/${uuid} 500`, `DELETE /v1/contacts/${uuid} ${missing}`], "destroy: the DELETE, then its retry");

      // A create whose POST answer is lost finds the contact it made instead of sending the POST again.
      await declare(declaredFirst);
      await sim.admin.script([{ method: "POST", path: "/v1/contacts", action: "commit-then-500" }]);
      rec = recorded();
      await stack.up(rec.opts);
      step = await afterStep("create after a lost answer", 1);
      assert.deepEqual(step.log, ["POST /v1/contacts 500"], "one POST, whose answer was lost; never re-sent");
      assert.deepEqual([...step.contact.tags].sort(), ["qa", "vip"]);
      rec = recorded();
      await stack.up({ ...rec.opts, expectNoChanges: true });
      assert.deepEqual((await afterStep("up after the recovered create", 1)).log, []);

      // A tag the account does not have: the error names it in every error-body shape, and nothing is written or lost.
      await declare({ ...declaredFirst, tags: ["qa", "no-such-tag"] });
      rec = recorded();
      await assert.rejects(stack.up(rec.opts));
      assert.match(rec.output(), /no-such-tag/, "the refusal names the tag");
      step = await afterStep("refused update", 1);
      assert.deepEqual(step.log, [`PATCH /v1/contacts/${step.contact.uuid} 422`]);

      // Destroy.
      rec = recorded();
      await stack.destroy(rec.opts);
      step = await afterStep("last destroy", 0);
      assert.equal(step.log.length, 1);

      for (const out of outputs) assert.ok(!out.text().includes(sim.token), "the token appears in no output");
    });
  });
});
