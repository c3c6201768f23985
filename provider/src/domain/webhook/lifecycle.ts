// The account's webhook over one run. Callbell keeps one webhook per account, sets it whole with POST
// /webhooks/subscribe (create or replace), and documents no read of it. So:
// - create reads it when it can (GET /webhooks, undocumented): another webhook there is replaced only with adopt;
//   when it cannot, the create says that whatever the account had is now replaced;
// - refresh shows drift only when the read works; otherwise the state keeps what this stack last set, and says so;
// - destroy removes the webhook only when a read shows it is still the one this stack set, or when the user chose
//   unsubscribeOnDelete; otherwise it leaves it and says how to remove it. A live resource of the run that holds the
//   webhook (a rename, a replacement) keeps it through the old resource's delete.
import { ApiWebhook, WebhooksClient, webhookEvents } from "../../client/webhooks";
import { redact } from "../../client/errors";
import { webhooksClientFor } from "../../connection";
import { containsUnknown, dropUndefined } from "../../normalize";
import { CallbellProblem } from "../../problem";
import { fingerprint } from "../../run/engine-run";
import { Origin, Owner, keeperIs } from "../../run/owner";
import { AccountRun, ProviderContext } from "../account-run";
import { adoptHint } from "../contact/hints";
import { type CheckFailure, type PropertyChange, type PropertyValues, type ResourceCore, isDoorValue, ownerInput, ownerOf } from "../resource-type";
import { WebhookInputs, WebhookState, subscriptionSet, webhookId, webhookInputNames } from "./shape";

/** An error Pulumi shows as is: one sentence naming the webhook's problem and the fix. */
export class WebhookError extends CallbellProblem {}

const loopbackHost = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)$/i;

/** True when an API URL is on this machine (a simulator), which may deliver to loopback receivers as Callbell will not. */
const isLocalApi = (apiUrl: string): boolean => URL.canParse(apiUrl) && loopbackHost.test(new URL(apiUrl).hostname);

/** Checks the declared inputs against the API the run talks to: every failure names its property, the problem and the fix. */
export function checkWebhookInputs(news: PropertyValues, apiUrl: string): { inputs?: WebhookInputs; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(news)) {
    if (!isDoorValue(key) && !(webhookInputNames as string[]).includes(key)) {
      failures.push({ property: key, reason: `unknown property ${key}: a Webhook takes ${webhookInputNames.join(", ")}` });
    }
  }
  const url = news.url;
  const parsed = typeof url === "string" && URL.canParse(url.trim()) ? new URL(url.trim()) : undefined;
  if (containsUnknown(url)) {
    // Known at up only (another resource's output): checked then.
  } else if (typeof url !== "string" || !parsed || !/^https?:$/.test(parsed.protocol) || !parsed.hostname) {
    failures.push({ property: "url", reason: 'url must be an http(s) URL with its protocol, e.g. "https://hooks.example.com/callbell"' });
  } else if (loopbackHost.test(parsed.hostname) && !isLocalApi(apiUrl)) {
    failures.push({
      property: "url",
      reason:
        `url ${parsed.protocol}//${parsed.host} is this machine: Callbell refuses localhost, as it must reach the URL from the internet; ` +
        "use a public URL (e.g. a tunnel's)",
    });
  }
  const subscriptions = news.subscriptions;
  if (containsUnknown(subscriptions)) {
    // Known at up only.
  } else if (!Array.isArray(subscriptions) || subscriptions.length === 0) {
    failures.push({ property: "subscriptions", reason: `subscriptions must list at least one event: ${webhookEvents.join(", ")}` });
  } else {
    const unknown = subscriptions.filter((e) => typeof e !== "string" || !(webhookEvents as readonly string[]).includes(e));
    if (unknown.length) {
      failures.push({
        property: "subscriptions",
        reason: `unknown event ${unknown.map((e) => JSON.stringify(e)).join(", ")}: the events are ${webhookEvents.join(", ")}`,
      });
    }
  }
  for (const flag of ["unsubscribeOnDelete", "adopt"] as const) {
    if (news[flag] !== undefined && !containsUnknown(news[flag]) && typeof news[flag] !== "boolean")
      failures.push({ property: flag, reason: `${flag} must be true or false` });
  }
  if (failures.length || [url, subscriptions, news.unsubscribeOnDelete, news.adopt].some(containsUnknown)) return { failures };
  return {
    inputs: dropUndefined({
      url: (url as string).trim(),
      subscriptions: subscriptionSet(subscriptions as string[]),
      unsubscribeOnDelete: news.unsubscribeOnDelete as boolean | undefined,
      adopt: news.adopt as boolean | undefined,
    }),
    failures,
  };
}

/** A webhook URL as messages show it: scheme and host only, as its path may carry a receiver's token. */
export function shownUrl(url: string): string {
  if (!URL.canParse(url)) return "(not a URL)";
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === "/" && !parsed.search ? "" : "/…"}`;
}

/** True when Callbell's webhook is the one these inputs set. */
const sameWebhook = (found: ApiWebhook, held: Pick<WebhookInputs, "url" | "subscriptions">): boolean =>
  found.url === held.url && JSON.stringify(subscriptionSet(found.subscriptions)) === JSON.stringify(subscriptionSet(held.subscriptions));

/** One run of the webhook lifecycle. */
class WebhookRun extends AccountRun {
  private hooks?: { settings: object; client: WebhooksClient };
  /** Owners whose delete ran first in a replacement (deleteBeforeReplace) and left the webhook to the replacement. */
  readonly handedOver = new Set<Owner>();

  /** The webhooks client of the current settings. */
  hooksClient(): WebhooksClient {
    const settings = this.settings();
    if (this.hooks?.settings !== settings) this.hooks = { settings, client: webhooksClientFor(settings) };
    return this.hooks.client;
  }

  /** The account's one webhook, as the run's memory names it: a fingerprint of the account (accountKey; the run files hold no URL). */
  key(): string {
    return `webhook-${fingerprint(this.accountKey())}`;
  }

  /** The error for a failed `action`, with the token redacted. */
  fail(error: unknown, action: string): WebhookError {
    if (error instanceof WebhookError) return error;
    const detail = error instanceof Error ? error.message : String(error);
    return new WebhookError(redact(`Could not ${action} the account's webhook: ${detail}`, [this.settings().apiToken]));
  }
}

function stateFrom(found: ApiWebhook, inputs: WebhookInputs, holding: { origin: Origin; owner?: Owner }): WebhookState {
  return dropUndefined({
    url: found.url,
    subscriptions: subscriptionSet(found.subscriptions),
    unsubscribeOnDelete: inputs.unsubscribeOnDelete,
    adopt: inputs.adopt,
    createdAt: found.createdAt ?? undefined,
    enabled: found.enabled ?? undefined,
    origin: holding.origin,
    owner: holding.owner,
  });
}

/** The core of one provider process (one run) for Webhook. */
export function makeWebhookCore(context: ProviderContext): ResourceCore<WebhookState> {
  const run = new WebhookRun(context);
  const checked = (news: PropertyValues): WebhookInputs => {
    const { inputs, failures } = checkWebhookInputs(news, run.settings().apiUrl);
    if (!inputs) throw new WebhookError(failures.map((f) => f.reason).join("; "));
    return inputs;
  };
  return {
    async check(_olds, news) {
      const { inputs, failures } = checkWebhookInputs(news, run.settings().apiUrl);
      const owner = ownerOf(news);
      if (inputs && owner) {
        const by = run.declareOnce(run.key(), owner);
        if (by !== undefined) {
          failures.push({ property: "url", reason: `the account has one webhook, and ${by} also declares it: declare it once` });
        }
      }
      if (!inputs || failures.length) return { inputs: news, failures };
      return { inputs: { ...inputs, [ownerInput]: owner }, failures: [] };
    },

    async diff(_id, olds, news) {
      const owner = ownerOf(news);
      run.memory.keep(run.key(), { owner, origin: olds.origin as Origin | undefined });
      const properties: Record<string, PropertyChange> = {};
      for (const name of webhookInputNames) {
        const [before, after] =
          name === "subscriptions"
            ? [subscriptionSet((olds[name] as string[]) ?? []), subscriptionSet((news[name] as string[]) ?? [])]
            : [olds[name], news[name]];
        if (JSON.stringify(before ?? null) !== JSON.stringify(after ?? null)) properties[name] = "update";
      }
      // Disabled by Callbell after failed deliveries (seen by a refresh that could read it): a subscribe enables it again.
      if (olds.enabled === false) properties.enabled = "update";
      const renamed = owner !== undefined && olds.owner !== undefined && olds.owner !== owner;
      return { changes: Object.keys(properties).length > 0 || renamed, replaces: [], stables: ["createdAt"], properties };
    },

    async create(news) {
      const inputs = checked(news);
      const owner = ownerOf(news);
      try {
        await run.beforeWrite(owner);
        const client = run.hooksClient();
        const now = await client.read();
        // This resource's replacement (`up --replace`, a provider change; Pulumi starts it without a diff): the webhook
        // stays held as the old resource held it.
        const keeper = run.memory.keeperOf(run.key());
        const replacing = keeper ? keeperIs(keeper, owner) : owner !== undefined && run.handedOver.has(owner);
        if (!replacing && inputs.adopt !== true) {
          const there =
            "found" in now
              ? `the account already has one (${shownUrl(now.found.url)}: ${subscriptionSet(now.found.subscriptions).join(", ")}), ` +
                "another stack's or set in the dashboard"
              : `Callbell cannot show whether the account already has one (it documents no read of the webhook: ${now.unreadable})`;
          throw new WebhookError(
            `Could not set the account's webhook to ${shownUrl(inputs.url)}: ${there}, and a subscribe replaces the one there (an account keeps one ` +
              `webhook). To make this stack's webhook the account's, replacing whatever is set, ${adoptHint(run.door())}. Nothing was written.`,
          );
        }
        if (!replacing && !("found" in now)) {
          run.warn(
            `the account's webhook is now ${shownUrl(inputs.url)} (adopt): Callbell documents no read of the webhook (${now.unreadable}), so ` +
              "whatever the account had, another stack's or set in the dashboard, is replaced",
          );
        }
        const origin: Origin = replacing ? (keeper?.origin ?? "adopted") : "adopted";
        run.memory.keep(run.key(), { owner, origin });
        const set = await client.subscribe({ url: inputs.url, subscriptions: inputs.subscriptions });
        return { id: webhookId, state: stateFrom(set, inputs, { origin, owner }) };
      } catch (error) {
        throw run.fail(error, "set");
      }
    },

    async read(id, olds) {
      const importing = olds.url === undefined;
      try {
        const now = await run.hooksClient().read();
        if (!("found" in now)) {
          if (importing) {
            throw new WebhookError(
              `Could not import the account's webhook: Callbell documents no read of it (${now.unreadable}). Declare it in the program instead; ` +
                "the first up sets it (replacing what the account has).",
            );
          }
          run.warn(
            `refresh cannot see the account's webhook: Callbell documents no read of it (${now.unreadable}); the state keeps what this stack last set ` +
              "(a change made in the dashboard or by another stack is not shown)",
          );
          const inputs = pickInputs(olds);
          const held = {
            createdAt: olds.createdAt as string | undefined,
            enabled: olds.enabled as boolean | undefined,
            origin: olds.origin as Origin | undefined,
          };
          return {
            id,
            state: dropUndefined({
              ...inputs,
              url: String(olds.url),
              subscriptions: inputs.subscriptions ?? [],
              ...held,
              owner: olds.owner as Owner | undefined,
            }),
            inputs: dropUndefined(inputs),
          };
        }
        if (now.found.enabled === false) {
          run.warn(`Callbell disabled the account's webhook (${shownUrl(now.found.url)}) after repeated failed deliveries; the next up subscribes it again`);
        }
        const held = importing ? { url: now.found.url, subscriptions: now.found.subscriptions, adopt: true } : checkedOr(olds, now.found);
        const origin: Origin = importing ? "adopted" : ((olds.origin as Origin | undefined) ?? "created");
        const state = stateFrom(now.found, held, { origin, owner: (olds.owner as Owner | undefined) ?? ownerOf(olds) });
        return { id, state, inputs: dropUndefined(pickInputs(state)) };
      } catch (error) {
        throw run.fail(error, "read");
      }
    },

    async update(id, olds, news) {
      const inputs = checked(news);
      const owner = ownerOf(news);
      const origin = (olds.origin as Origin | undefined) ?? "created";
      try {
        await run.beforeWrite(owner);
        run.memory.keep(run.key(), { owner, origin });
        const unchanged =
          olds.url === inputs.url && JSON.stringify(subscriptionSet((olds.subscriptions as string[]) ?? [])) === JSON.stringify(inputs.subscriptions);
        if (unchanged && olds.enabled !== false) {
          return {
            id,
            state: dropUndefined({ ...inputs, createdAt: olds.createdAt as string | undefined, enabled: olds.enabled as boolean | undefined, origin, owner }),
          };
        }
        const set = await run.hooksClient().subscribe({ url: inputs.url, subscriptions: inputs.subscriptions });
        return { id, state: stateFrom(set, inputs, { origin, owner }) };
      } catch (error) {
        throw run.fail(error, "update");
      }
    },

    async delete(_id, olds) {
      const owner = (olds.owner as Owner | undefined) ?? ownerOf(olds);
      const keeper = run.memory.keeperOf(run.key());
      const left = (why: string) => run.warn(`the account's webhook (${shownUrl(String(olds.url))}) was left in Callbell, not removed: ${why}`);
      if (keeper) return left(keeperIs(keeper, owner) ? "its replacement holds it" : "another resource of this run now holds it (a rename)");
      if (owner !== undefined && run.memory.declares(run.key(), owner)) {
        run.handedOver.add(owner);
        return left("the code still declares it (a replacement takes it)");
      }
      try {
        const now = await run.hooksClient().read();
        const held = { url: String(olds.url), subscriptions: (olds.subscriptions as string[]) ?? [] };
        if ("found" in now && !sameWebhook(now.found, held)) {
          return left(
            `Callbell shows it set to ${shownUrl(now.found.url)} now (another stack's, or changed in the dashboard), so it is not this stack's to remove`,
          );
        }
        if (olds.unsubscribeOnDelete !== true) {
          const why =
            "found" in now
              ? "this stack removes the account's webhook only when told to"
              : `Callbell documents no read of the webhook (${now.unreadable}), so the provider cannot show it is still the one this stack set`;
          return left(`${why}. To remove it on destroy, set unsubscribeOnDelete: true and run up before destroy; or remove it in the dashboard`);
        }
        await run.beforeWrite(owner);
        await run.hooksClient().unsubscribe();
      } catch (error) {
        throw run.fail(error, "remove");
      }
    },
  };
}

// The inputs a state stands for.
function pickInputs(values: PropertyValues | WebhookState): Partial<WebhookInputs> {
  const v = values as Record<string, unknown>;
  return {
    url: v.url as string,
    subscriptions: v.subscriptions as string[],
    unsubscribeOnDelete: v.unsubscribeOnDelete as boolean | undefined,
    adopt: v.adopt as boolean | undefined,
  };
}

// The held flags with what Callbell shows now.
function checkedOr(olds: PropertyValues, found: ApiWebhook): WebhookInputs {
  return { ...pickInputs(olds), url: found.url, subscriptions: found.subscriptions };
}
