// The preview-time checks of CustomStatus and Webhook: each bad input gets one reason that names the property, the
// problem and the fix; a value not known until up (another resource's output) is left to up.
import { strict as assert } from "assert";
import { checkStatusInputs } from "../../provider/src/domain/custom-status/lifecycle";
import { checkWebhookInputs } from "../../provider/src/domain/webhook/lifecycle";
import { unknownValue } from "../../provider/src/normalize";

const callbell = "https://api.callbell.eu/v1";
const simulator = "http://127.0.0.1:4010/v1";
const reasons = (failures: { property: string; reason: string }[]) => failures.map((f) => `${f.property}: ${f.reason}`);

describe("CustomStatus: the checks at preview", () => {
  it("takes a name and one emoji, trimmed", () => {
    assert.deepEqual(checkStatusInputs({ name: "  Lunch ", emoji: "🍙", __owner: "p/s/lunch" }), { inputs: { name: "Lunch", emoji: "🍙" }, failures: [] });
    for (const emoji of ["👍🏽", "🇮🇹", "❤️"]) assert.deepEqual(checkStatusInputs({ name: "Ok", emoji }).failures, [], emoji);
  });

  it("refuses a missing name, a name of two lines, two emoji, a word as emoji and an unknown property, each naming it", () => {
    assert.deepEqual(reasons(checkStatusInputs({ emoji: "🍙" }).failures), ['name: name is required: the status name agents pick, e.g. "Lunch"']);
    assert.deepEqual(reasons(checkStatusInputs({ name: "Lunch\nbreak" }).failures), ["name: name must be one line: remove the line break"]);
    for (const emoji of ["🍙🍙", "rice", ""]) {
      assert.match(reasons(checkStatusInputs({ name: "Lunch", emoji }).failures)[0], /^emoji: emoji must be one emoji, e\.g\. "🍙"/, emoji);
    }
    assert.deepEqual(reasons(checkStatusInputs({ name: "Lunch", emojii: "🍙" }).failures), [
      "emojii: unknown property emojii: a CustomStatus takes name, emoji, adopt",
    ]);
  });

  it("leaves a value known only at up to up", () => {
    assert.deepEqual(checkStatusInputs({ name: unknownValue, emoji: "🍙" }), { failures: [] });
  });
});

describe("Webhook: the checks at preview", () => {
  const events = ["contact_updated", "contact_created", "contact_created"];

  it("takes an https URL and known events, each once and sorted", () => {
    assert.deepEqual(checkWebhookInputs({ url: "https://hooks.example.com/cb", subscriptions: events }, callbell), {
      inputs: { url: "https://hooks.example.com/cb", subscriptions: ["contact_created", "contact_updated"] },
      failures: [],
    });
  });

  it("refuses a URL without protocol, an unknown event and an empty list, each naming the property and the fix", () => {
    assert.match(reasons(checkWebhookInputs({ url: "hooks.example.com", subscriptions: events }, callbell).failures)[0], /^url: url must be an http\(s\) URL/);
    assert.deepEqual(reasons(checkWebhookInputs({ url: "https://h.example", subscriptions: ["contact_create"] }, callbell).failures), [
      'subscriptions: unknown event "contact_create": the events are message_created, message_status_updated, contact_created, contact_updated, ' +
        "contact_deleted, conversation_opened, conversation_closed, team_membership_updated, agent_status_updated, agent_session_updated",
    ]);
    assert.match(
      reasons(checkWebhookInputs({ url: "https://h.example", subscriptions: [] }, callbell).failures)[0],
      /^subscriptions: subscriptions must list at least one event/,
    );
  });

  it("refuses a localhost URL when the provider talks to Callbell, which refuses it, and takes it when the API is on this machine", () => {
    for (const url of ["http://localhost:8080/hook", "http://127.0.0.1:9/x", "http://[::1]:9/x"]) {
      assert.match(
        reasons(checkWebhookInputs({ url, subscriptions: events }, callbell).failures)[0],
        /^url: url http:\/\/.* is this machine: Callbell refuses localhost/,
        url,
      );
      assert.deepEqual(checkWebhookInputs({ url, subscriptions: events }, simulator).failures, [], url);
    }
  });

  it("leaves a URL known only at up to up", () => {
    assert.deepEqual(checkWebhookInputs({ url: unknownValue, subscriptions: events }, callbell), { failures: [] });
  });
});
