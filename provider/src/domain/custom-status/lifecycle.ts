// The custom status's six operations over one run. A status delete is irreversible ("unreversible" in Callbell's
// reference), so the rules are the contact's: the provider deletes only a status this resource created, never one it
// adopted or imported, and never one a live resource of the run keeps (a rename, a replacement); it never creates a
// second status of a name the account has, and a POST whose answer was lost is never re-sent blindly (the client).
import { ApiCustomStatus, CustomStatusesClient } from "../../client/custom-statuses";
import { CallbellNotFoundError, redact } from "../../client/errors";
import { customStatusesClientFor } from "../../connection";
import { containsUnknown, dropUndefined } from "../../normalize";
import { CallbellProblem } from "../../problem";
import { Origin, Owner, keeperIs } from "../../run/owner";
import { AccountRun, ProviderContext } from "../account-run";
import { adoptHint, aliasHint } from "../contact/hints";
import {
  type CheckFailure,
  type DiffAnswer,
  type PropertyChange,
  type PropertyValues,
  type ReadAnswer,
  type ResourceCore,
  type WriteAnswer,
  isDoorValue,
  ownerInput,
  ownerOf,
} from "../resource-type";
import { CustomStatusInputs, CustomStatusState, customStatusInputNames, statusNameKey } from "./shape";

/** An error Pulumi shows as is: one sentence naming the status and the fix. */
export class CustomStatusError extends CallbellProblem {}

// Values that are no input: the owner the door adds, and the dynamic host's own (__provider).

/** Checks the declared inputs: every failure names its property, the problem and the fix. */
export function checkStatusInputs(news: PropertyValues): { inputs?: CustomStatusInputs; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(news)) {
    if (!isDoorValue(key) && !(customStatusInputNames as string[]).includes(key)) {
      failures.push({ property: key, reason: `unknown property ${key}: a CustomStatus takes ${customStatusInputNames.join(", ")}` });
    }
  }
  const name = news.name;
  if (containsUnknown(name)) {
    // Known at up only (another resource's output): checked then.
  } else if (typeof name !== "string" || name.trim() === "") {
    failures.push({ property: "name", reason: 'name is required: the status name agents pick, e.g. "Lunch"' });
  } else if (/[\r\n]/.test(name)) {
    failures.push({ property: "name", reason: "name must be one line: remove the line break" });
  }
  const emoji = news.emoji;
  if (emoji !== undefined && emoji !== null && !containsUnknown(emoji) && (typeof emoji !== "string" || !isOneEmoji(emoji))) {
    failures.push({ property: "emoji", reason: `emoji must be one emoji, e.g. "🍙" (got ${JSON.stringify(emoji)}); leave it out for none` });
  }
  if (news.adopt !== undefined && !containsUnknown(news.adopt) && typeof news.adopt !== "boolean")
    failures.push({ property: "adopt", reason: "adopt must be true or false" });
  if (failures.length || [name, emoji, news.adopt].some(containsUnknown)) return { failures };
  return {
    inputs: dropUndefined({
      name: (name as string).trim(),
      emoji: typeof emoji === "string" ? emoji.trim() : undefined,
      adopt: news.adopt as boolean | undefined,
    }),
    failures,
  };
}

// One grapheme that is a pictograph or a flag: "🍙", "👍🏽", "🇮🇹", "❤️".
function isOneEmoji(text: string): boolean {
  const graphemes = [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text.trim())];
  return graphemes.length === 1 && /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u.test(text);
}

/** One run of the custom status lifecycle. */
class StatusRun extends AccountRun {
  private statuses?: { settings: object; client: CustomStatusesClient };
  /**
   * Statuses whose resource's delete ran first in a replacement (deleteBeforeReplace) and left them to the replacement,
   * by owner: the replacement's create takes that status, as the old resource held it. Pulumi asks no diff and gives
   * check no old inputs for a replacement, so the delete is what tells.
   */
  readonly handedOver = new Map<Owner, { id: string; origin: Origin }>();

  /** The custom statuses client of the current settings. */
  statusesClient(): CustomStatusesClient {
    const settings = this.settings();
    if (this.statuses?.settings !== settings) this.statuses = { settings, client: customStatusesClientFor(settings) };
    return this.statuses.client;
  }

  /** What makes two declarations one status: the account (accountKey) and the name without case. */
  identityOf(name: string): string {
    return `custom-status\u0000${this.accountKey()}\u0000${statusNameKey(name)}`;
  }

  /** What keeps creates of one name one at a time on this API URL, whatever the token. */
  createKeyOf(name: string): string {
    return `custom-status\u0000${this.urlKey()}\u0000${statusNameKey(name)}`;
  }

  /** The error for a failed `action` on a status, with the token redacted. */
  fail(error: unknown, name: string | undefined, action: string): CustomStatusError {
    if (error instanceof CustomStatusError) return error;
    const detail = error instanceof Error ? error.message : String(error);
    return new CustomStatusError(redact(`Could not ${action} custom status${name ? ` "${name}"` : ""}: ${detail}`, [this.settings().apiToken]));
  }
}

// The checked inputs of a create or an update (the engine sends what check answered).
function checkedInputs(news: PropertyValues): CustomStatusInputs {
  const { inputs, failures } = checkStatusInputs(news);
  if (!inputs) throw new CustomStatusError(failures.map((f) => f.reason).join("; "));
  return inputs;
}

function stateFrom(status: ApiCustomStatus, inputs: CustomStatusInputs, holding: { origin: Origin; owner?: Owner }): CustomStatusState {
  return dropUndefined({
    name: status.name,
    emoji: status.emoji ?? undefined,
    adopt: inputs.adopt,
    createdAt: status.createdAt ?? undefined,
    updatedAt: status.updatedAt ?? undefined,
    origin: holding.origin,
    owner: holding.owner,
  });
}

/** The core of one provider process (one run) for CustomStatus. */
export function makeCustomStatusCore(context: ProviderContext): ResourceCore<CustomStatusState> {
  const run = new StatusRun(context);
  return {
    async check(_olds, news) {
      const { inputs, failures } = checkStatusInputs(news);
      const owner = ownerOf(news);
      if (inputs && owner) {
        const by = run.declareOnce(run.identityOf(inputs.name), owner);
        if (by !== undefined) {
          failures.push({ property: "name", reason: `"${inputs.name}" is also declared by ${by}: both would be one custom status; declare each status once` });
        }
      }
      if (!inputs || failures.length) return { inputs: news, failures };
      return { inputs: { ...inputs, [ownerInput]: owner }, failures: [] };
    },

    async diff(id, olds, news) {
      const owner = ownerOf(news);
      run.memory.keep(id, { owner, origin: olds.origin as Origin | undefined });
      const properties: Record<string, PropertyChange> = {};
      for (const name of customStatusInputNames) if ((olds[name] ?? undefined) !== (news[name] ?? undefined)) properties[name] = "update";
      const renamed = owner !== undefined && olds.owner !== undefined && olds.owner !== owner;
      const changes = Object.keys(properties).length > 0 || renamed;
      return { changes, replaces: [], stables: ["createdAt"], properties } satisfies DiffAnswer;
    },

    async create(news) {
      const inputs = checkedInputs(news);
      const owner = ownerOf(news);
      try {
        await run.beforeWrite(owner);
        return await run.memory.oneAtATime(run.createKeyOf(inputs.name), async () => {
          const client = run.statusesClient();
          const key = statusNameKey(inputs.name);
          const existing = (await client.list()).filter((s) => statusNameKey(s.name) === key);
          if (existing.length) return takeOver(run, client, existing, inputs, owner);
          const sameName = (s: ApiCustomStatus) => statusNameKey(s.name) === key;
          const { status } = await client.create(dropUndefined({ name: inputs.name, emoji: inputs.emoji }), sameName);
          run.memory.keep(status.id, { owner, origin: "created" });
          return { id: status.id, state: stateFrom(status, inputs, { origin: "created", owner }) };
        });
      } catch (error) {
        throw run.fail(error, inputs.name, "create");
      }
    },

    async read(id, olds) {
      const importing = olds.origin === undefined && olds.name === undefined;
      try {
        const status = await run.statusesClient().get(id);
        if (!status) return undefined;
        const origin: Origin = importing ? "adopted" : ((olds.origin as Origin | undefined) ?? "created");
        const adopt = importing ? true : (olds.adopt as boolean | undefined);
        if (importing) {
          run.warn(
            `custom status "${status.name}" (${id}) imported as adopted: this stack never deletes it (adopt: true). Callbell keeps no owner on a ` +
              "status, so if another stack created it, that stack's destroy deletes it: import statuses made in the dashboard",
          );
        }
        const state = stateFrom(status, { name: status.name, adopt }, { origin, owner: ownerOf(olds) ?? (olds.owner as Owner | undefined) });
        // The inputs as Callbell has them now, so a preview after a refresh shows each drifted field that the next up puts back.
        return { id, state, inputs: dropUndefined({ name: state.name, emoji: state.emoji, adopt }) } satisfies ReadAnswer<CustomStatusState>;
      } catch (error) {
        throw run.fail(error, olds.name as string | undefined, "read");
      }
    },

    async update(id, olds, news) {
      const inputs = checkedInputs(news);
      const owner = ownerOf(news);
      const origin = (olds.origin as Origin | undefined) ?? "created";
      try {
        await run.beforeWrite(owner);
        run.memory.keep(id, { owner, origin });
        const client = run.statusesClient();
        if (olds.name === inputs.name && (olds.emoji ?? undefined) === (inputs.emoji ?? undefined)) {
          const kept = { name: inputs.name, emoji: inputs.emoji, adopt: inputs.adopt, origin, owner };
          return { id, state: dropUndefined({ ...kept, createdAt: olds.createdAt as string | undefined, updatedAt: olds.updatedAt as string | undefined }) };
        }
        if (statusNameKey(String(olds.name)) !== statusNameKey(inputs.name)) {
          const taken = (await client.list()).find((s) => s.id !== id && statusNameKey(s.name) === statusNameKey(inputs.name));
          if (taken) {
            throw new CustomStatusError(
              `Could not rename custom status "${String(olds.name)}" to "${inputs.name}": the account already has a status of that name (${taken.id}). ` +
                "Choose another name, or remove the other status in the dashboard. Nothing was written.",
            );
          }
        }
        const status = await client.update(id, { name: inputs.name, emoji: inputs.emoji ?? null });
        return { id, state: stateFrom(status, inputs, { origin, owner }) };
      } catch (error) {
        if (error instanceof CallbellNotFoundError) {
          throw new CustomStatusError(
            `Could not update custom status "${inputs.name}": Callbell has no status ${id} any more (deleted in the dashboard?); ` +
              "run 'pulumi refresh' to drop it from the state, then 'pulumi up' to create it again",
          );
        }
        throw run.fail(error, inputs.name, "update");
      }
    },

    async delete(id, olds) {
      const name = olds.name as string | undefined;
      const owner = (olds.owner as Owner | undefined) ?? ownerOf(olds);
      const keeper = run.memory.keeperOf(id);
      const left = (why: string) => run.warn(`custom status "${name}" (${id}) was left in Callbell, not deleted: ${why}`);
      if (keeper) {
        const who = keeperIs(keeper, owner) ? "its replacement holds it" : "another resource of this run now holds it (a rename)";
        return left(who);
      }
      // The resource is declared again in this run (its replacement, before or after this delete): the status stays.
      if (name !== undefined && owner !== undefined && run.memory.declares(run.identityOf(name), owner)) {
        run.handedOver.set(owner, { id, origin: olds.origin === "adopted" || olds.adopt === true ? "adopted" : "created" });
        return left("the code still declares it (a replacement takes it)");
      }
      if (olds.origin === "adopted" || olds.adopt === true) {
        return left("it was adopted or imported, and this stack never deletes what it did not create; delete it in the dashboard if it is no longer wanted");
      }
      try {
        await run.beforeWrite(owner);
        await run.statusesClient().remove(id);
      } catch (error) {
        throw run.fail(error, name, "delete");
      }
    },
  };
}

// A status of the declared name exists: this resource's own (its replacement), or adopted when the code says so;
// otherwise the create refuses and writes nothing.
async function takeOver(
  run: StatusRun,
  client: CustomStatusesClient,
  found: readonly ApiCustomStatus[],
  inputs: CustomStatusInputs,
  owner: Owner | undefined,
): Promise<WriteAnswer<CustomStatusState>> {
  // Whatever is refused below stays declared by the code: no delete of this run may take it (a rename without aliases).
  const refuse = (text: string): never => {
    for (const status of found) run.memory.stillDeclared(status.id, owner);
    throw new CustomStatusError(`Could not create custom status "${inputs.name}": ${text} Nothing was written.`);
  };
  if (found.length > 1) {
    refuse(
      `the account has ${found.length} statuses of that name (${found.map((s) => s.id).join(", ")}); remove all but one in the dashboard, then run up again.`,
    );
  }
  const existing = found[0];
  const keeper = run.memory.keeperOf(existing.id);
  // This very resource's replacement, after its old resource's delete left the status to it (deleteBeforeReplace).
  const handedOver = owner !== undefined ? run.handedOver.get(owner) : undefined;
  const own = (keeper !== undefined && keeperIs(keeper, owner)) || (keeper === undefined && handedOver?.id === existing.id);
  if (keeper && !own) refuse(`another resource of this run holds the status of that name (${existing.id}); declare each status once.`);
  if (!own && inputs.adopt !== true) {
    refuse(
      `the account already has a status of that name (${existing.id}), and Callbell would make a second one. To manage it, ` +
        `${adoptHint(run.door())} (an adopted status is never deleted by this stack); if this resource was renamed, ${aliasHint(run.door())}; ` +
        "to replace this resource (up --replace), give it deleteBeforeReplace, so that its delete hands the status over.",
    );
  }
  const origin: Origin = own ? (keeper?.origin ?? handedOver?.origin ?? "created") : "adopted";
  if (!own) {
    // A status carries no owner mark, so nothing shows whether another stack created it (and would delete it on destroy).
    run.warn(
      `custom status "${existing.name}" (${existing.id}) adopted: this stack never deletes it. Callbell keeps no owner on a status, so if ` +
        "another stack created it, that stack's destroy deletes it: adopt statuses made in the dashboard, and create each in one stack",
    );
  }
  run.memory.keep(existing.id, { owner, origin });
  const same = existing.name === inputs.name && (existing.emoji ?? undefined) === (inputs.emoji ?? undefined);
  const status = same ? existing : await client.update(existing.id, { name: inputs.name, emoji: inputs.emoji ?? null });
  return { id: existing.id, state: stateFrom(status, inputs, { origin, owner }) };
}
