// The account's custom statuses and webhook, and one contact, from TypeScript. Run against the simulator:
//   CALLBELL_API_URL=http://127.0.0.1:4010/v1 CALLBELL_API_TOKEN=<token> pulumi config set receiverUrl <url> && pulumi up
import * as pulumi from "@pulumi/pulumi";
import * as callbell from "pulumi-callbell";

export = async () => {
  const config = new pulumi.Config();
  const lunch = new callbell.CustomStatus("lunch", { name: "Lunch", emoji: config.get("lunchEmoji") ?? "🍙" });
  // adopt: take over the status of this name the account already has (it is then never deleted by this stack).
  new callbell.CustomStatus("meeting", { name: "In meeting", emoji: "💬", adopt: config.getBoolean("adoptMeeting") ?? false });
  const hook = new callbell.Webhook("hook", {
    url: config.require("receiverUrl"),
    subscriptions: ["contact_created", "contact_updated", "contact_deleted"],
    // This stack owns the account's one webhook: replace whatever is set (Callbell has no read of it), and remove it on
    // destroy. Without these, a create refuses and a destroy leaves it (docs/webhook.md).
    adopt: true,
    unsubscribeOnDelete: true,
  });
  new callbell.Contact("alice", { identifier: "393334000011", source: "whatsapp", name: "QA Alice" }, { dependsOn: [hook] });
  return { lunchId: lunch.id, webhookEnabled: hook.enabled };
};
