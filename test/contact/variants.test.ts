// The Contact lifecycle under every variant of the API that the reference allows: create, update with a removed tag
// and a removed custom field, refresh, destroy, and a duplicate-safe create after a lost answer. After each step the
// simulator's contacts and request log are checked: nothing lost, nothing duplicated, and no diff that comes back.
import { strict as assert } from "assert";
import { ContactsClient } from "../../provider/src/client/contacts";
import { defaultRetryPolicy } from "../../provider/src/client/retry";
import { ProviderSettings, requireToken } from "../../provider/src/config";
import { ContactProvider, makeContactProvider } from "../../provider/src/doors/dynamic/dynamic-provider";
import { ContactInputs, ContactOutputs } from "../../provider/src/domain/contact/shape";
import { ApiVariants, StartedSimulator, startSimulator } from "callbell-simulator";

const fastRetries = { ...defaultRetryPolicy, baseDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 1000 };
const NUMBER = "393330000777";
const dropEmpty = <T extends object>(o: T): T | undefined =>
  Object.values(o).some((v) => v !== undefined) ? (Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T) : undefined;

const variantsUnderTest: Partial<ApiVariants>[] = [
  {},
  { duplicates: "allow" },
  { emptyFieldOnPatch: "ignored" },
  { patchTags: "merge" },
  { errorBody: "flat" },
  { errorBody: "list" },
  { retryAfter: "omitted" },
  { deleteMissing: "200" },
  { contactShape: "array" },
  { contactShape: "object" },
  // Every non-default choice at once.
  {
    duplicates: "allow",
    emptyFieldOnPatch: "ignored",
    patchTags: "merge",
    errorBody: "list",
    retryAfter: "omitted",
    deleteMissing: "200",
    contactShape: "object",
  },
];

describe("Contact lifecycle under each variant of the API", () => {
  let sim: StartedSimulator;
  afterEach(async () => sim?.close());

  for (const variants of variantsUnderTest) {
    const name =
      Object.entries(variants)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ") || "the defaults";
    it(`loses nothing, duplicates nothing and settles every diff (${name})`, async () => {
      sim = await startSimulator({ rateLimitPerSecond: 0, seed: 3, ...variants });
      const warnings: string[] = [];
      const settings: ProviderSettings = { apiUrl: sim.url, apiToken: sim.token, ownerField: "pulumi_owner", backend: "0123abcd" };
      // One provider per run, as each `pulumi up` or `destroy` gets its own.
      const newRun = (): ContactProvider => {
        let client: ContactsClient | undefined;
        return makeContactProvider({
          settings: () => settings,
          client: () => (client ??= new ContactsClient({ baseUrl: settings.apiUrl, token: requireToken(settings), retryPolicy: fastRetries })),
          warn: (message) => warnings.push(message),
        });
      };
      let provider = newRun();
      const checked = async (raw: Record<string, unknown>) => {
        const result = await provider.check({} as ContactInputs, { ...raw, __owner: "proj/dev/qa-alice" } as unknown as ContactInputs);
        assert.deepEqual(result.failures ?? [], []);
        return result.inputs as ContactInputs;
      };
      const onNumber = async () => (await sim.admin.contacts()).filter((c) => c.phoneNumber?.replace(/\D/g, "") === NUMBER);
      const base = { identifier: NUMBER, source: "whatsapp", name: "QA Alice" };

      // Create.
      const first = await checked({ ...base, tags: ["qa", "vip"], customFields: { company: "Acme", seats: "3" } });
      const created = await provider.create(first);
      let state = created.outs as ContactOutputs;
      assert.equal((await onNumber()).length, 1, "one contact after create");
      assert.equal((await provider.diff(created.id, state, first)).changes, false);

      // Update: a tag and a custom field removed from the code.
      const second = await checked({ ...base, tags: ["qa"], customFields: { company: "Acme" } });
      assert.equal((await provider.diff(created.id, state, second)).changes, true);
      await sim.admin.clearRequests();
      // Where 429s come without Retry-After, the update meets one and backs off on its own.
      if (variants.retryAfter === "omitted") await sim.admin.script([{ method: "PATCH", action: "429" }]);
      state = (await provider.update(created.id, state, second)).outs as ContactOutputs;
      const patches = (await sim.admin.requests()).filter((e) => e.method === "PATCH");
      assert.deepEqual(
        patches.map((e) => e.status),
        variants.retryAfter === "omitted" ? [429, 200] : [200],
        "one PATCH for the update",
      );
      assert.equal((await provider.diff(created.id, state, second)).changes, false, "the diff does not come back after the update");
      const [contact] = await onNumber();
      const kept = { tag: contact.tags.includes("vip"), field: contact.customFields.seats !== undefined };
      assert.deepEqual(kept, { tag: variants.patchTags === "merge", field: variants.emptyFieldOnPatch === "ignored" });
      const expectedWarnings = [
        ...(kept.field ? [/this account does not clear custom fields on PATCH: remove `seats` in the dashboard/] : []),
        ...(kept.tag ? [/this account merges tags on PATCH instead of replacing them: remove tag `vip` in the dashboard/] : []),
      ];
      assert.equal(warnings.length, expectedWarnings.length ? 1 : 0, `said once: ${warnings.join(" | ")}`);
      for (const pattern of expectedWarnings) assert.match(warnings[0], pattern);

      // A second up with no change sends nothing and says nothing again.
      assert.equal((await provider.diff(created.id, state, second)).changes, false);

      // Refresh: reads the contact; what the account kept is recorded in the state (keptByAccount), not read back as a
      // managed tag or field, so no diff comes back after a refresh either.
      const keptRecord = dropEmpty({ tags: kept.tag ? ["vip"] : undefined, customFields: kept.field ? ["seats"] : undefined });
      assert.deepEqual(state.keptByAccount, keptRecord, "the state records what the account kept");
      const read = await provider.read(created.id, state);
      assert.equal(read.id, created.id);
      const refreshed = read.props as ContactOutputs;
      assert.deepEqual(refreshed.tags, ["qa"], "a kept tag is not read back as a managed one");
      assert.deepEqual(refreshed.customFields, { company: "Acme" }, "a removed field is no longer managed, so refresh does not bring it back");
      assert.deepEqual(refreshed.keptByAccount, keptRecord);
      assert.equal((await provider.diff(created.id, refreshed, second)).changes, false, "no diff after a refresh");
      state = refreshed;

      // A later tag change is sent; a kept removal already said is not said again.
      const third = await checked({ ...base, tags: ["qa", "demo"], customFields: { company: "Acme" } });
      state = (await provider.update(created.id, state, third)).outs as ContactOutputs;
      assert.deepEqual([...state.tags!].sort(), ["demo", "qa"]);
      assert.deepEqual(state.keptByAccount, keptRecord);
      assert.equal(warnings.length, expectedWarnings.length ? 1 : 0, `not said again: ${warnings.join(" | ")}`);

      // Declared again, a kept tag is managed again and leaves the record.
      if (kept.tag) {
        const fourth = await checked({ ...base, tags: ["qa", "demo", "vip"], customFields: { company: "Acme" } });
        assert.equal((await provider.diff(created.id, state, fourth)).changes, true);
        state = (await provider.update(created.id, state, fourth)).outs as ContactOutputs;
        assert.deepEqual([...state.tags!].sort(), ["demo", "qa", "vip"]);
        assert.deepEqual(state.keptByAccount, kept.field ? { customFields: ["seats"] } : undefined);
      }
      // Removed in the dashboard, a kept field leaves the record at the next refresh.
      if (kept.field) {
        const { seats: _removed, ...others } = (await sim.admin.contact(created.id)).customFields;
        await sim.admin.editContact(created.id, { customFields: others as Record<string, string> });
        const reread = (await provider.read(created.id, state)).props as ContactOutputs;
        assert.equal(reread.keptByAccount?.customFields, undefined, JSON.stringify(reread.keptByAccount));
      }

      // Destroy.
      provider = newRun();
      await provider.delete(created.id, state);
      assert.equal((await onNumber()).length, 0, `destroy deletes it: ${warnings.join(" | ")}`);
      await provider.delete(created.id, state); // a second destroy of a gone contact is fine under 404 and 200 alike

      // A create whose answer is lost finds the contact it made instead of making a second one.
      provider = newRun();
      await sim.admin.script([{ method: "POST", path: "/v1/contacts", action: "commit-then-500" }]);
      const again = await provider.create(first);
      const after = await onNumber();
      assert.equal(after.length, 1, "no duplicate after a lost answer");
      assert.equal(after[0].uuid, again.id);
      const posts = (await sim.admin.requests()).filter((e) => e.method === "POST");
      assert.deepEqual(
        posts.map((e) => [e.status, e.committed]),
        [[500, true]],
        "one POST, whose answer was lost; found by its number, never re-sent blindly",
      );
      provider = newRun();
      await provider.delete(again.id, again.outs as ContactOutputs);
      assert.equal((await onNumber()).length, 0);

      // A refused value names the tag in every error-body shape.
      const bad = await checked({ ...base, identifier: "393330000778", tags: ["no-such-tag"] });
      await assert.rejects(provider.create(bad), /no-such-tag/);
      assert.equal((await sim.admin.contacts()).length, 0, "nothing left behind");
    });
  }
});
