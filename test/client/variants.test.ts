// The client against every simulator variant the reference allows: each error-body shape, both `contact` shapes,
// a 429 with and without Retry-After, and a DELETE of a missing contact answered 200.
import { strict as assert } from "assert";
import { ContactsClient } from "../../provider/src/client/contacts";
import { CallbellValidationError, errorBodyDetails } from "../../provider/src/client/errors";
import { defaultRetryPolicy } from "../../provider/src/client/retry";
import { SimulatorOptions, StartedSimulator, startSimulator } from "callbell-simulator";

const fastRetries = { ...defaultRetryPolicy, baseDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 1000 };

describe("client under each variant of the API", () => {
  let sim: StartedSimulator;
  const clientFor = async (options: SimulatorOptions) => {
    sim = await startSimulator({ rateLimitPerSecond: 0, ...options });
    return new ContactsClient({ baseUrl: sim.url, token: sim.token, retryPolicy: fastRetries });
  };
  afterEach(async () => sim?.close());

  for (const errorBody of ["nested", "flat", "list"] as const) {
    it(`reads Callbell's message${errorBody === "flat" ? "" : " and the field"} from a "${errorBody}" error body`, async () => {
      const client = await clientFor({ errorBody });
      const error = await client.create({ identifier: "393330000001", source: "whatsapp", name: "A", tags: ["nope"] }).catch((e: unknown) => e);
      assert.ok(error instanceof CallbellValidationError, String(error));
      assert.match(error.message, /tag 'nope' does not exist in this account/);
      assert.equal(error.field, errorBody === "flat" ? undefined : "tags");
      assert.doesNotMatch(error.message, /\[object Object\]/);
    });
  }

  it("reads the other plausible shapes too: errors keyed by field, a bare message, strings in a list", () => {
    assert.deepEqual(errorBodyDetails({ errors: { tags: ["is unknown"] } }), { message: "tags: is unknown", field: "tags", shape: "keyed" });
    assert.deepEqual(errorBodyDetails({ message: "bad" }), { message: "bad", field: undefined, shape: "message" });
    assert.deepEqual(errorBodyDetails({ errors: ["a", "b"] }), { message: "a; b", field: undefined, shape: "list" });
    assert.deepEqual(errorBodyDetails({ whatever: 1 }), { shape: "other" });
  });

  for (const contactShape of ["documented", "array", "object"] as const) {
    it(`creates, reads, looks up and updates with contact as ${contactShape === "documented" ? "documented" : `an ${contactShape} everywhere`}`, async () => {
      const client = await clientFor({ contactShape });
      const { contact } = await client.create({ identifier: "393330000002", source: "whatsapp", name: "A" });
      assert.equal((await client.get(contact.uuid))?.uuid, contact.uuid);
      assert.equal((await client.findByPhone("393330000002"))?.uuid, contact.uuid);
      assert.equal((await client.update(contact.uuid, { name: "B" })).name, "B");
    });
  }

  for (const retryAfter of ["sent", "omitted"] as const) {
    it(`retries a 429 ${retryAfter === "sent" ? "after the Retry-After it was given" : "with its own backoff when no Retry-After comes"}`, async () => {
      const client = await clientFor({ retryAfter });
      await sim.admin.script([{ action: "429", path: "/v1/auth/me", retryAfterSeconds: 1 }]);
      assert.equal((await client.me()).email.length > 0, true);
      const log = await sim.admin.requests();
      assert.deepEqual(
        log.map((e) => e.status),
        [429, 200],
      );
    });
  }

  for (const deleteMissing of ["404", "200"] as const) {
    it(`takes a DELETE of a missing contact answered ${deleteMissing} as done`, async () => {
      const client = await clientFor({ deleteMissing });
      const { contact } = await client.create({ identifier: "393330000003", source: "whatsapp", name: "A" });
      assert.equal(await client.remove(contact.uuid), "deleted");
      assert.equal(await client.remove(contact.uuid), deleteMissing === "404" ? "absent" : "deleted");
      assert.equal(await client.get(contact.uuid), undefined);
    });
  }
});
