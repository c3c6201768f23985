// One typed method per endpoint of Callbell's Webhooks API. Knows HTTP paths and the webhook object; nothing of
// Pulumi. An account has at most one webhook; POST /webhooks/subscribe sets it whole (creates it or replaces the one
// there), so sending it again is safe, unlike a contact's POST. The reference documents no read of the webhook:
// `read` tries GET /webhooks and says "unreadable" for any answer that does not carry one.
import { z } from "zod";
import { CallbellError, CallbellNotFoundError, answerShapeError, attemptFailureOf } from "./errors";
import { CallbellHttp, HttpSettings, createHttp, sleep } from "./http";
import { decideRetry } from "./retry";

/** The events a webhook can subscribe to, as Callbell's reference lists them. */
export const webhookEvents = [
  "message_created",
  "message_status_updated",
  "contact_created",
  "contact_updated",
  "contact_deleted",
  "conversation_opened",
  "conversation_closed",
  "team_membership_updated",
  "agent_status_updated",
  "agent_session_updated",
] as const;
/** An event name. */
export type WebhookEvent = (typeof webhookEvents)[number];

/** The account's webhook as Callbell returns it. */
export const apiWebhookSchema = z.looseObject({
  url: z.string(),
  subscriptions: z.array(z.string()),
  createdAt: z.string().nullish(),
  enabled: z.boolean().nullish(),
});
/** The account's webhook as Callbell returns it. */
export type ApiWebhook = z.infer<typeof apiWebhookSchema>;

/** Body of POST /webhooks/subscribe. */
export interface WebhookBody {
  url: string;
  subscriptions: readonly string[];
}

/** What a read of the webhook found: the webhook, or nothing this API can tell, and why. */
export type WebhookRead = { found: ApiWebhook } | { unreadable: string };

const envelope = z.object({ webhook: apiWebhookSchema });
/** The Webhooks API, typed. */
export class WebhooksClient {
  private readonly http: CallbellHttp;

  constructor(settings: HttpSettings) {
    this.http = createHttp(settings);
  }

  /** POST /webhooks/subscribe: sets the account's one webhook whole. Re-sent when its outcome is unknown: it is a set, not a create. */
  async subscribe(body: WebhookBody): Promise<ApiWebhook> {
    const path = "/webhooks/subscribe";
    for (let retry = 0; ; retry++) {
      try {
        const answer = await this.http.send({ method: "POST", path, body });
        const parsed = envelope.safeParse(answer.body);
        if (!parsed.success) throw answerShapeError("POST", path, answer.status, "no 'webhook' in the answer");
        return parsed.data.webhook;
      } catch (error) {
        if (!(error instanceof CallbellError)) throw error;
        // As an idempotent write: the same body again leaves the account as one send would.
        const decision = decideRetry(this.http.policy, retry, attemptFailureOf("PUT", error));
        if (!decision.retry) throw error;
        await sleep(decision.delayMs);
      }
    }
  }

  /** DELETE /webhooks/unsubscribe; "absent" when the account had none (404). */
  async unsubscribe(): Promise<"deleted" | "absent"> {
    try {
      await this.http.send({ method: "DELETE", path: "/webhooks/unsubscribe" });
      return "deleted";
    } catch (error) {
      if (error instanceof CallbellNotFoundError) return "absent";
      throw error;
    }
  }

  /**
   * GET /webhooks, which the reference does not document. A 404 cannot tell "no webhook" from "no such endpoint", so
   * only an answer that carries a webhook is believed; anything else is "unreadable", with what came back.
   */
  async read(): Promise<WebhookRead> {
    const path = "/webhooks";
    const answer = await this.http.send({ method: "GET", path, anyStatus: true });
    const parsed = envelope.safeParse(answer.body);
    if (answer.status === 200 && parsed.success) return { found: parsed.data.webhook };
    return { unreadable: `GET /webhooks answered ${answer.status}${parsed.success ? "" : " without a webhook"}` };
  }
}
