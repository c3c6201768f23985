// The Contact provider's lifecycle: maps Pulumi's check/diff/create/read/update/delete onto the typed Callbell
// client, with the environment fence before writes and the ownership calls (ownership.ts) before a takeover or a
// delete. It never builds a URL and never sees an HTTP detail; mapping.ts turns inputs into bodies and answers into
// state. The host wiring is in host.ts; this module still exports `contactProvider`, the name old stored stubs read.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ApiContact, ContactsClient, canLookUpByPhone } from "../client/contacts";
import { CallbellError, CallbellNotFoundError, redact } from "../client/errors";
import { CallbellConfigError, ProviderSettings } from "../config";
import { canonicalTags, containsUnknown } from "../normalize";
import { maskInput, maskPersonalData, personalValues } from "../personal-data";
import { diffContact } from "./diff";
import { ContactError } from "./error";
import {
  OwnerMarkable,
  dropUndefined,
  importedState,
  inputsFrom,
  maskOf,
  outputsFrom,
  ownerMarkOn,
  ownerOf,
  patchFor,
  stateFrom,
  toCreateBody,
  withOwnerMark,
} from "./mapping";
import { Keeper, Origin, Owner, decideDelete, decideTakeover, writeMark } from "./ownership";
import { StackWriteLock } from "./write-lock";
import { AccountReferences } from "./references";
import { validateInputs } from "./schema";
import { ContactInputs, ContactOutputs, ownerInput } from "./shape";

// Old stubs require this module by path and read `contactProvider`. host.ts builds it from makeContactProvider below,
// so the two modules require each other: this re-export is a getter, read only after both have loaded.
export { contactProvider } from "./host";

/** What the provider needs from its surroundings: a client, made on first use, and the settings. */
export interface ProviderContext {
  settings(): ProviderSettings;
  client(): ContactsClient;
  /** Where a warning goes (default: the host's stderr, which the engine shows as a diagnostic). */
  warn?(message: string): void;
  /** The guard against a second run of the stack writing beside this one (default: a lock file per stack on this machine). */
  writeLock?: StackWriteLock;
}

type Operations = "check" | "diff" | "create" | "read" | "update" | "delete";
/** The operations the Pulumi dynamic-provider host calls. */
export type ContactProvider = Required<Pick<dynamic.ResourceProvider<ContactInputs, ContactOutputs>, Operations>> & {
  configure(req: dynamic.ConfigureRequest): Promise<void>;
};

/** Builds a provider over a context (tests pass their own; the host uses the configured one). */
export function makeContactProvider(context: ProviderContext): ContactProvider {
  const warn = context.warn ?? ((message: string) => process.stderr.write(`warning: ${message}\n`));
  let accountChecked: Promise<void> | undefined;
  const references = new AccountReferences(() => context.settings(), warn);
  const writeLock = context.writeLock ?? new StackWriteLock();

  // Before the first write of this process: no other run of this stack on this machine may still be writing (a run
  // cancelled with `pulumi cancel` goes on until it ends, and a second `up` beside it would create every contact it
  // is creating a second time); and the token must belong to the account the stack expects, so a prod token in a dev
  // stack cannot seed prod.
  const beforeWrite = async (owner: Owner | undefined): Promise<void> => {
    await writeLock.acquire(owner, context.settings().backend);
    const expected = context.settings().expectedAccount;
    if (!expected) return;
    accountChecked ??= context
      .client()
      .me()
      .then((account) => {
        if (account.email.toLowerCase() !== expected.toLowerCase()) {
          throw new CallbellConfigError(
            `Refusing to write: this stack expects the Callbell account ${expected} (callbell:expectedAccount), but the API token belongs to ` +
              `${account.email}. Use the token of ${expected}, or change callbell:expectedAccount if the stack really targets ${account.email}.`,
          );
        }
      });
    accountChecked.catch(() => {
      accountChecked = undefined;
    });
    return accountChecked;
  };

  const describeContact = (inputs: Partial<ContactInputs>) => `${inputs.name ? `"${inputs.name}" ` : ""}(${inputs.identifier ?? "?"})`;
  // Every sentence about a contact whose personal data is secret goes out masked.
  const said = (text: string, inputs: Partial<ContactInputs> | undefined, more: readonly unknown[] = []): string => {
    const record = inputs as Record<string, unknown> | undefined;
    return record?.[maskInput] === true ? maskPersonalData(text, personalValues(record, more)) : text;
  };
  const refuse = (text: string, inputs: Partial<ContactInputs> | undefined, more: readonly unknown[] = []) => new ContactError(said(text, inputs, more));
  const fail = (error: unknown, inputs: Partial<ContactInputs>, action: string): ContactError => {
    const who = `contact ${describeContact(inputs)}`;
    let detail = error instanceof Error ? error.message : String(error);
    if (error instanceof CallbellError && error.status === 409) {
      detail += `; to manage the existing contact, set adopt: true`;
    }
    return refuse(redact(`Could not ${action} ${who}: ${detail}`, [context.settings().apiToken]), inputs);
  };

  // The owner mark this resource should carry, when the account has an owner field.
  const markFor = (owner: Owner | undefined, origin: Origin | undefined): string | undefined =>
    context.settings().ownerField && owner ? writeMark({ owner, backend: context.settings().backend, adopted: origin === "adopted" }) : undefined;
  const withMark = <T extends OwnerMarkable>(body: T, mark: string | undefined): T => withOwnerMark(body, context.settings().ownerField, mark);
  const markOn = (contact: ApiContact): string | undefined => ownerMarkOn(contact, context.settings().ownerField);

  // Contacts a live resource of this run keeps (uuid → that resource and how it holds it): created or taken over
  // here, or diffed or updated without a replacement. Deleting one of them would delete a contact the program still
  // declares: a renamed resource took it over, or the replacement of a resource (`up --replace`) kept it.
  const kept = new Map<string, Keeper>();
  // The contact each resource keeps (owner → uuid), to find the one a replacement lets go.
  const keptFor = new Map<Owner | undefined, string>();
  const keep = (uuid: string, keeper: Keeper) => {
    // A replacement that holds another contact than its resource's old one lets the old one go: that is the one the
    // replace deletes.
    const before = keeper.owner === undefined ? undefined : keptFor.get(keeper.owner);
    if (before !== undefined && before !== uuid && kept.get(before)?.owner === keeper.owner) kept.delete(before);
    kept.set(uuid, keeper);
    if (keeper.owner !== undefined) keptFor.set(keeper.owner, uuid);
  };

  // Which resource declares each contact in this run (identity → owner): one contact declared twice, e.g. as
  // "393331234567" and "+39 333 123 4567", would otherwise become two creates that both find nothing and both POST.
  const declaredBy = new Map<string, Owner>();
  // Creates of one number run one after the other, so the second finds what the first made (identities not known
  // at check time, e.g. an identifier taken from another resource's output, reach create unchecked).
  const creating = new Map<string, Promise<unknown>>();
  const oneAtATime = async <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const turn = (creating.get(key) ?? Promise.resolve()).catch(() => undefined).then(work);
    creating.set(key, turn);
    try {
      return await turn;
    } finally {
      if (creating.get(key) === turn) creating.delete(key);
    }
  };

  // Brings an existing contact to the declared state (adoption, or a POST whose answer was lost).
  const takeOver = async (existing: ApiContact, inputs: ContactInputs, origin: Origin, owner: Owner | undefined) => {
    const mark = markFor(owner, origin);
    const current = { ...outputsFrom(existing, inputs), botStatus: undefined };
    const patch = markOn(existing) === mark ? patchFor(current, inputs) : withMark(patchFor(current, inputs), mark);
    keep(existing.uuid, { owner, origin });
    try {
      const updated = Object.keys(patch).length ? await context.client().update(existing.uuid, patch) : existing;
      return { id: existing.uuid, outs: stateFrom(updated, inputs, { origin, owner, ownerMark: mark }) };
    } catch (error) {
      const failure = fail(error, inputs, "update the adopted");
      const properties = dropUndefined({ ...current, origin, owner, ownerMark: markOn(existing), [maskInput]: maskOf(inputs) });
      Object.assign(failure, { id: existing.uuid, properties, reasons: [failure.message] });
      throw failure;
    }
  };

  // What makes two declarations one contact: where it lives and its number (as check normalised it).
  const identityOf = (inputs: ContactInputs) => `${inputs.source}\u0000${inputs.channelUuid ?? ""}\u0000${inputs.identifier}`;
  const resourceName = (owner: Owner) => owner.split("/").slice(2).join("/") || owner;

  return {
    async configure(req) {
      // Settings are read by the context; nothing to do per provider instance.
      void req;
    },

    async check(olds, news) {
      const result = validateInputs(news);
      const owner = ownerOf(news);
      const masked = (news as unknown as Record<string, unknown>)[maskInput] === true;
      // Team and channel names become uuids here, so the state records the uuid (references.ts).
      const resolved = result.ok ? await references.resolve(olds, result.inputs) : undefined;
      const problems = resolved ? [...resolved.problems] : result.ok ? [] : [...result.problems];
      const ownerField = context.settings().ownerField;
      const declaredFields = resolved?.inputs.customFields ?? {};
      const clash = ownerField ? Object.keys(declaredFields).find((field) => field.trim().toLowerCase() === ownerField.toLowerCase()) : undefined;
      if (clash !== undefined) {
        problems.push({
          property: `customFields.${clash}`,
          reason:
            `customFields.${clash} is the owner field (callbell:ownerField), where the provider writes which stack manages the contact; ` +
            "remove it from customFields, or set callbell:ownerField to another text field",
        });
      }
      if (resolved && problems.length === 0 && owner !== undefined && !containsUnknown(resolved.inputs.identifier)) {
        const identity = identityOf(resolved.inputs);
        const other = declaredBy.get(identity);
        if (other !== undefined && other !== owner) {
          problems.push({
            property: "identifier",
            reason:
              `${resolved.inputs.identifier} is also declared by resource "${resourceName(other)}": both would be the same Callbell contact; ` +
              "declare each contact once (remove one of the two, or merge them)",
          });
        } else declaredBy.set(identity, owner);
      }
      if (resolved && problems.length === 0) {
        const inputs = { ...resolved.inputs, tags: canonicalTags(resolved.inputs.tags), [ownerInput]: owner, [maskInput]: masked || undefined };
        return { inputs: dropUndefined(inputs) };
      }
      return { inputs: news, failures: problems.map((p) => ({ property: p.property, reason: said(p.reason, news) })) };
    },

    async diff(id, olds, news) {
      const d = diffContact(olds, news);
      if (d.replaces.length === 0) keep(id, { owner: ownerOf(news), origin: olds.origin });
      else if (olds.origin !== "adopted" && olds.adopt !== true) {
        // The engine shows a replacement as "+-" only; the contact and its conversation history are what it deletes.
        warn(said(`replacing deletes contact ${describeContact(olds)} (uuid ${id}) and its conversation history (${d.replaces.join(", ")} changed)`, olds));
      }
      // With an owner field, a resource whose mark is not its own (renamed with aliases, the field newly configured,
      // or the stack moved to another backend) is updated to carry it.
      const wanted = markFor(ownerOf(news), olds.origin);
      const remark = wanted !== undefined && olds.ownerMark !== wanted;
      // A resource renamed with aliases is an update of its owner alone (no request), so the
      // state names the resource that holds the contact now.
      const renamed = olds.owner !== undefined && ownerOf(news) !== undefined && olds.owner !== ownerOf(news);
      return { changes: d.changed.length > 0 || remark || renamed, replaces: d.replaces, stables: d.stables, deleteBeforeReplace: false };
    },

    async create(inputs) {
      const owner = ownerOf(inputs);
      try {
        await beforeWrite(owner);
        return await oneAtATime(`${inputs.source}\u0000${inputs.identifier}`, async () => {
          const client = context.client();
          // Look before creating: Callbell may silently accept a second contact with the same
          // identifier, and a create interrupted earlier (a killed `pulumi up`) may have landed.
          const settings = context.settings();
          const existing = canLookUpByPhone(inputs.source, inputs.channelUuid) ? await client.findByPhone(inputs.identifier, inputs.channelUuid) : undefined;
          if (existing) {
            const decision = decideTakeover({
              owner,
              backend: settings.backend,
              mark: markOn(existing),
              marking: !!settings.ownerField,
              adopt: inputs.adopt === true,
              recoverCreates: settings.recoverCreates === true,
              sameName: existing.name.trim() === inputs.name.trim(),
              keeper: kept.get(existing.uuid),
            });
            if (decision.takeOver) return await takeOver(existing, inputs, decision.origin, owner);
            throw refuse(
              `Could not create contact "${inputs.name}" (${inputs.identifier}): Callbell already has a contact with this identifier ` +
                `("${existing.name}", uuid ${existing.uuid}), and ${decision.refusal}. Nothing was written.`,
              inputs,
              [existing.name],
            );
          }
          const mark = markFor(owner, "created");
          const outcome = await client.create(withMark(toCreateBody(inputs), mark));
          if (outcome.recoveredAfterLostAnswer) return await takeOver(outcome.contact, inputs, "created", owner);
          keep(outcome.contact.uuid, { owner, origin: "created" });
          const outs = stateFrom(outcome.contact, inputs, { origin: "created", owner, ownerMark: mark });
          return { id: outcome.contact.uuid, outs };
        });
      } catch (error) {
        throw error instanceof ContactError ? error : fail(error, inputs, "create");
      }
    },

    async read(id, props) {
      const managed = (props ?? {}) as ContactOutputs;
      try {
        const contact = await context.client().get(id);
        if (!contact) return { id: "" }; // gone: Pulumi drops it from state
        // `pulumi import` reads with no state: the contact is then declared from what Callbell has, as an adopted one.
        const imported = managed.identifier === undefined ? importedState(contact, ownerOf(managed)) : undefined;
        if (managed.identifier === undefined && !imported) {
          throw refuse(`Could not import contact ${id}: Callbell gives it no phone number or no known source, so it cannot be declared`, undefined);
        }
        const basis = imported ?? managed;
        const props = stateFrom(contact, basis, basis);
        // The inputs as Callbell has them now, so that after a refresh a preview shows each
        // drifted field (`~ name: "edited" => "QA Alice"`) that the next up puts back.
        return { id, props, inputs: inputsFrom(props) as unknown as ContactOutputs }; // the SDK types inputs like outputs
      } catch (error) {
        throw fail(error, managed, "read");
      }
    },

    async update(id, olds, news) {
      try {
        const owner = ownerOf(news);
        await beforeWrite(owner);
        keep(id, { owner, origin: olds.origin });
        const mark = markFor(owner, olds.origin) ?? olds.ownerMark;
        const patch = mark !== olds.ownerMark ? withMark(patchFor(olds, news), mark) : patchFor(olds, news);
        if (Object.keys(patch).length === 0) return { outs: dropUndefined({ ...olds, owner, ownerMark: mark, [maskInput]: maskOf(news) }) }; // a rename
        const contact = await context.client().update(id, patch);
        return { outs: stateFrom(contact, news, { origin: olds.origin, owner, ownerMark: mark }) };
      } catch (error) {
        if (error instanceof CallbellNotFoundError) {
          throw refuse(
            `Could not update contact ${describeContact(news)}: Callbell has no contact ${id} any more (deleted in the dashboard?); ` +
              "run 'pulumi refresh' to drop it from the state, then 'pulumi up' to create it again",
            news,
          );
        }
        throw error instanceof ContactError ? error : fail(error, news, "update");
      }
    },

    async delete(id, props) {
      try {
        const settings = context.settings();
        const facts = {
          owner: props.owner,
          ownMark: props.ownerMark,
          origin: props.origin,
          legacyAdopt: props.adopt === true,
          keeper: kept.get(id),
          marking: !!settings.ownerField,
          backend: settings.backend,
        };
        let decision = decideDelete(facts);
        if (decision.delete && settings.ownerField) {
          const contact = await context.client().get(id);
          if (!contact) return; // already gone
          decision = decideDelete({ ...facts, mark: markOn(contact) });
        }
        if (!decision.delete) {
          const after = decision.stillHeld
            ? "It stays under Pulumi, held by the resource that keeps it."
            : "Pulumi no longer tracks it through this resource; delete it in the Callbell dashboard if it is really no longer needed.";
          warn(said(`contact ${describeContact(props)} (uuid ${id}) was left in Callbell, not deleted: ${decision.reason}. ${after}`, props));
          return;
        }
        await beforeWrite(props.owner);
        await context.client().remove(id);
      } catch (error) {
        throw fail(error, props, "delete");
      }
    },
  };
}
