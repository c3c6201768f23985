// The behaviours the reference leaves open, one per option: each variant does what it says, and the default is today's.
import * as assert from "node:assert/strict";
import { parseArguments } from "../src/cli";
import { DEFAULT_VARIANTS, startSimulator, variantsOf } from "../src";
import { VARIANT_VALUES } from "../src/types";
import { call, createContact, newContactBody, useSimulator } from "./support";

describe("simulator variants", () => {
  describe("defaults", () => {
    it("are the first value of each variant", () => {
      for (const [key, values] of Object.entries(VARIANT_VALUES)) assert.equal(DEFAULT_VARIANTS[key as keyof typeof DEFAULT_VARIANTS], values[0], key);
    });

    it("refuse a value a variant does not have", async () => {
      assert.throws(() => variantsOf({ patchTags: "append" as "merge" }), /patchTags must be one of replace, merge/);
      await assert.rejects(startSimulator({ errorBody: "xml" as "flat" }), /errorBody must be one of nested, flat, list/);
    });
  });

  describe("command-line flags", () => {
    it("set each variant", () => {
      const options = parseArguments(
        ["--duplicates", "allow", "--empty-field", "ignored", "--patch-tags", "merge", "--error-body", "list"].concat([
          "--retry-after",
          "omitted",
          "--delete-missing",
          "200",
          "--contact-shape",
          "object",
        ]),
        {},
      );
      assert.deepEqual(options, {
        duplicates: "allow",
        emptyFieldOnPatch: "ignored",
        patchTags: "merge",
        errorBody: "list",
        retryAfter: "omitted",
        deleteMissing: "200",
        contactShape: "object",
      });
    });

    it("refuse an unknown value, naming the choices", () => {
      assert.throws(() => parseArguments(["--patch-tags", "append"], {}), /--patch-tags must be replace or merge, got 'append'/);
    });
  });

  describe('emptyFieldOnPatch "ignored"', () => {
    const holder = useSimulator({ emptyFieldOnPatch: "ignored" });
    it('keeps a field sent as "" and still sets the others', async () => {
      const contact = await createContact(holder.sim, { custom_fields: { company: "Acme", seats: "3" } });
      const answer = await call(holder.sim, "PATCH", `/contacts/${contact.uuid}`, { body: { custom_fields: { company: "", seats: "4" } } });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body.contact[0].customFields, { company: "Acme", seats: "4" });
    });
  });

  describe('emptyFieldOnPatch "clears" (default)', () => {
    const holder = useSimulator();
    it('removes a field sent as ""', async () => {
      const contact = await createContact(holder.sim, { custom_fields: { company: "Acme" } });
      const answer = await call(holder.sim, "PATCH", `/contacts/${contact.uuid}`, { body: { custom_fields: { company: "" } } });
      assert.deepEqual(answer.body.contact[0].customFields, {});
    });
  });

  describe('patchTags "merge"', () => {
    const holder = useSimulator({ patchTags: "merge" });
    it("adds the sent tags to the contact's and removes none", async () => {
      const contact = await createContact(holder.sim, { tags: ["qa", "vip"] });
      const answer = await call(holder.sim, "PATCH", `/contacts/${contact.uuid}`, { body: { tags: ["QA", "demo"] } });
      assert.deepEqual(answer.body.contact[0].tags, ["qa", "vip", "demo"]);
    });
  });

  describe('patchTags "replace" (default)', () => {
    const holder = useSimulator();
    it("makes the sent list the contact's tags", async () => {
      const contact = await createContact(holder.sim, { tags: ["qa", "vip"] });
      const answer = await call(holder.sim, "PATCH", `/contacts/${contact.uuid}`, { body: { tags: ["demo"] } });
      assert.deepEqual(answer.body.contact[0].tags, ["demo"]);
    });
  });

  for (const [shape, expected] of [
    ["flat", { error: "tag 'nope' does not exist in this account; create it in the Callbell dashboard first" }],
    ["list", { errors: [{ field: "tags", message: "tag 'nope' does not exist in this account; create it in the Callbell dashboard first" }] }],
  ] as const) {
    describe(`errorBody "${shape}"`, () => {
      const holder = useSimulator({ errorBody: shape });
      it("shapes a validation error so, and every other /v1 error too", async () => {
        const answer = await call(holder.sim, "POST", "/contacts", { body: newContactBody({ tags: ["nope"] }) });
        assert.equal(answer.status, 422);
        assert.deepEqual(answer.body, expected);
        const missing = await call(holder.sim, "GET", "/contacts/0123456789abcdef0123456789abcdef");
        assert.equal(missing.status, 404);
        assert.ok(shape === "flat" ? typeof missing.body.error === "string" : Array.isArray(missing.body.errors));
        const unauthorized = await call(holder.sim, "GET", "/auth/me", { token: "sim_wrong" });
        assert.equal(unauthorized.status, 401);
        assert.ok(shape === "flat" ? typeof unauthorized.body.error === "string" : Array.isArray(unauthorized.body.errors));
      });
    });
  }

  for (const retryAfter of ["sent", "omitted"] as const) {
    describe(`retryAfter "${retryAfter}"`, () => {
      const holder = useSimulator({ retryAfter });
      it(`${retryAfter === "sent" ? "gives" : "leaves out"} Retry-After on a 429`, async () => {
        await holder.sim.admin.script([{ action: "429", retryAfterSeconds: 2 }]);
        const answer = await call(holder.sim, "GET", "/auth/me");
        assert.equal(answer.status, 429);
        assert.equal(answer.headers.get("retry-after"), retryAfter === "sent" ? "2" : null);
      });
    });
  }

  describe('deleteMissing "200"', () => {
    const holder = useSimulator({ deleteMissing: "200" });
    it("answers a DELETE of a missing contact as if it deleted it, and logs it as not committed", async () => {
      const contact = await createContact(holder.sim);
      assert.equal((await call(holder.sim, "DELETE", `/contacts/${contact.uuid}`)).status, 200);
      const again = await call(holder.sim, "DELETE", `/contacts/${contact.uuid}`);
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, { status: "contact was destroyed" });
      const log = await holder.sim.admin.requests();
      assert.deepEqual(
        log.filter((e) => e.method === "DELETE").map((e) => e.committed),
        [true, false],
      );
    });
  });

  describe('deleteMissing "404" (default)', () => {
    const holder = useSimulator();
    it("answers 404 for a DELETE of a missing contact", async () => {
      assert.equal((await call(holder.sim, "DELETE", "/contacts/0123456789abcdef0123456789abcdef")).status, 404);
    });
  });

  for (const shape of ["documented", "array", "object"] as const) {
    describe(`contactShape "${shape}"`, () => {
      const holder = useSimulator({ contactShape: shape });
      it("wraps the contact so in every answer that carries one", async () => {
        const created = await call(holder.sim, "POST", "/contacts", { body: newContactBody() });
        const contact = Array.isArray(created.body.contact) ? created.body.contact[0] : created.body.contact;
        const answers = {
          post: created,
          get: await call(holder.sim, "GET", `/contacts/${contact.uuid}`),
          patch: await call(holder.sim, "PATCH", `/contacts/${contact.uuid}`, { body: { name: "Renamed" } }),
          phone: await call(holder.sim, "GET", `/contacts/phone/${contact.phoneNumber.replace(/\D/g, "")}`),
        };
        const shapes = Object.fromEntries(Object.entries(answers).map(([k, a]) => [k, Array.isArray(a.body.contact) ? "array" : "object"]));
        const expected =
          shape === "documented" ? { post: "array", get: "array", patch: "array", phone: "object" } : { post: shape, get: shape, patch: shape, phone: shape };
        assert.deepEqual(shapes, expected);
      });
    });
  }
});
