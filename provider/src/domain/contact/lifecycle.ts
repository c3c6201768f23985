// The Contact lifecycle: check, diff, create, read, update and delete mapped onto the typed Callbell client, one
// function each, over a ContactRun (contact-run.ts: settings, client, account checks, run memory). The ownership rules
// (ownership.ts) decide every takeover and delete. It answers in its own types (ContactCore), the detailed diff
// included, and knows no front door: the dynamic host and the plugin translate. It never builds a URL; mapping.ts
// turns inputs into bodies and answers into state.
import { ApiContact, canLookUpByPhone } from "../../client/contacts";
import { CallbellNotFoundError } from "../../client/errors";
import { canonicalTags, containsUnknown, dropUndefined } from "../../normalize";
import { maskInput } from "./personal-data";
import { diffContact } from "./diff";
import { ContactError } from "./error";
import {
  importedState,
  inputsFrom,
  maskOf,
  newlyUnreached,
  nothingUnreached,
  outputsFrom,
  ownerOf,
  patchFor,
  settleKept,
  stateFrom,
  toCreateBody,
  unreachedRemovals,
} from "./mapping";
import type { UpdateContactBody } from "../../client/contacts";
import { DeleteFacts, TakeoverFacts, decideDelete, decideTakeover, foreignMarks, leftContactAdvice } from "./ownership";
import { Origin, Owner } from "../../run/owner";
import { ContactRun, ProviderContext } from "./contact-run";
import { validateInputs } from "./schema";
import type {
  CheckAnswer,
  DiffAnswer,
  PropertyChange,
  PropertyValues,
  ReadAnswer as CoreReadAnswer,
  ResourceCore,
  WriteAnswer as CoreWriteAnswer,
} from "../resource-type";
import { ContactInputs, ContactOutputs, KeptByAccount, ownerInput, personalOutputNames } from "./shape";

export type { ProviderContext } from "./contact-run";
export type { PropertyValues } from "../resource-type";

/** The contact's six operations over one run, in the core's own types (resource-type.ts): every door translates these. */
export type ContactCore = ResourceCore<ContactOutputs>;
type WriteAnswer = CoreWriteAnswer<ContactOutputs>;
type ReadAnswer = CoreReadAnswer<ContactOutputs>;

/** Builds the core over a context (tests pass their own; a door passes its configured one): one run, six operations. */
export function makeContactCore(context: ProviderContext): ContactCore {
  const run = new ContactRun(context);
  return {
    check: async (olds, news) => checkContact(run, olds, news),
    diff: async (id, olds, news) => diffContactState(run, id, contactState(olds), contactInputs(news)),
    create: async (news) => createContact(run, contactInputs(news)),
    // `pulumi import` reads with no state (the owner alone): the contact is then declared from what Callbell has.
    read: async (id, olds) => readContact(run, id, isHeld<ContactOutputs>(olds) ? olds : undefined, ownerOf(olds)),
    update: async (id, olds, news) => updateContact(run, id, contactState(olds), contactInputs(news)),
    delete: async (id, olds) => deleteContact(run, id, contactState(olds)),
  };
}

// The engine hands back what check returned and what create, read or update stored, so the values are the provider's
// own: a contact is one with an identifier, as it has been since the first version (a state without one is an
// import's). Anything else fails here with a sentence, not deep inside a rule.
const isHeld = <T extends ContactInputs>(values: PropertyValues): values is PropertyValues & T => values.identifier !== undefined;

function contactInputs(values: PropertyValues): ContactInputs {
  if (isHeld<ContactInputs>(values)) return values;
  throw new ContactError(`the engine sent a contact without an identifier (it has ${Object.keys(values).join(", ") || "nothing"})`);
}

function contactState(values: PropertyValues): ContactOutputs {
  if (isHeld<ContactOutputs>(values)) return values;
  throw new ContactError(`the state holds a contact without an identifier (it has ${Object.keys(values).join(", ") || "nothing"})`);
}

/** Validates and normalises inputs, resolves team and channel names, and refuses a contact the run declares twice. */
export async function checkContact(run: ContactRun, olds: PropertyValues, news: PropertyValues): Promise<CheckAnswer> {
  const result = validateInputs(news);
  const owner = ownerOf(news);
  const masked = news[maskInput] === true;
  // Team and channel names become uuids here, so the state records the uuid (references.ts).
  const resolved = result.ok ? await run.references.resolve(isHeld<ContactInputs>(olds) ? olds : undefined, result.inputs) : undefined;
  const problems = resolved ? [...resolved.problems] : result.ok ? [] : [...result.problems];
  const ownerField = run.settings().ownerField;
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
    const by = run.declareOnce(run.identityOf(resolved.inputs), owner);
    if (by !== undefined) {
      problems.push({
        property: "identifier",
        reason:
          `${resolved.inputs.identifier} is also declared by ${by}: both would be the same Callbell contact; ` +
          "declare each contact once (remove one of the two, or merge them)",
      });
    }
  }
  if (resolved && problems.length === 0) {
    const inputs = { ...resolved.inputs, tags: canonicalTags(resolved.inputs.tags), [ownerInput]: owner, [maskInput]: masked || undefined };
    return { inputs: dropUndefined(inputs), failures: [] };
  }
  return { inputs: news, failures: problems.map((p) => ({ property: p.property, reason: run.said(p.reason, news) })) };
}

/** Compares the state with the code (diff.ts), and says what a replacement would delete. */
export async function diffContactState(run: ContactRun, id: string, olds: ContactOutputs, news: ContactInputs): Promise<DiffAnswer> {
  const d = diffContact(olds, news);
  if (d.replaces.length === 0) run.memory.keep(id, { owner: ownerOf(news), origin: olds.origin });
  else if (olds.origin !== "adopted" && olds.adopt !== true) {
    // The engine shows a replacement as "+-" only; the contact and its conversation history are what it deletes.
    run.warn(run.said(`replacing deletes contact ${run.describe(olds)} (uuid ${id}) and its conversation history (${d.replaces.join(", ")} changed)`, olds));
  }
  // With an owner field, a resource whose mark is not its own (renamed with aliases, the field newly configured,
  // or the stack moved to another backend) is updated to carry it.
  const wanted = run.markFor(ownerOf(news), olds.origin);
  const remark = wanted !== undefined && olds.ownerMark !== wanted;
  // A resource renamed with aliases is an update of its owner alone (no request), so the
  // state names the resource that holds the contact now.
  const renamed = olds.owner !== undefined && ownerOf(news) !== undefined && olds.owner !== ownerOf(news);
  const properties = Object.fromEntries(d.changed.map((p): [string, PropertyChange] => [p, d.replaces.includes(p) ? "replace" : "update"]));
  return { changes: d.changed.length > 0 || remark || renamed, replaces: d.replaces, stables: d.stables, properties };
}

/** Creates the contact, or takes over the one Callbell already has when ownership.ts finds proof that it is this resource's. */
export async function createContact(run: ContactRun, inputs: ContactInputs): Promise<WriteAnswer> {
  const owner = ownerOf(inputs);
  try {
    await run.beforeWrite(owner);
    return await run.memory.oneAtATime(run.createKeyOf(inputs), async () => {
      const client = run.client();
      // Look before creating: Callbell may silently accept a second contact with the same
      // identifier, and a create interrupted earlier (a killed `pulumi up`) may have landed.
      const settings = run.settings();
      const existing = canLookUpByPhone(inputs.source, inputs.channelUuid) ? await client.findByPhone(inputs.identifier, inputs.channelUuid) : undefined;
      if (existing) {
        const decision = decideTakeover({
          ...runFacts(run, owner),
          mark: run.markOn(existing),
          marking: !!settings.ownerField,
          adopt: inputs.adopt === true,
          sameName: existing.name.trim() === inputs.name.trim(),
          keeper: run.memory.keeperOf(existing.uuid),
        });
        if (decision.takeOver) {
          if (inputs.adopt === true) warnForeignMarks(run, existing, inputs, owner);
          return await takeOver(run, existing, inputs, decision.origin, owner);
        }
        // The program still declares this number: no delete of this run (a resource renamed without an alias, run with
        // --continue-on-error) may take the contact, although this resource does not hold it.
        run.memory.stillDeclared(existing.uuid, owner);
        throw run.refuse(
          `Could not create contact "${inputs.name}" (${inputs.identifier}): Callbell already has a contact with this identifier ` +
            `("${existing.name}", uuid ${existing.uuid}), and ${decision.refusal}. Nothing was written.`,
          inputs,
          [existing.name],
        );
      }
      const mark = run.markFor(owner, "created");
      const outcome = await client.create(run.withMark(toCreateBody(inputs), mark));
      if (outcome.recoveredAfterLostAnswer) return await takeOver(run, outcome.contact, inputs, "created", owner);
      run.touched(outcome.contact.uuid, { owner, origin: "created" });
      return { id: outcome.contact.uuid, state: stateFrom(outcome.contact, inputs, { origin: "created", owner, ownerMark: mark }) };
    });
  } catch (error) {
    throw error instanceof ContactError ? error : run.fail(error, inputs, "create");
  }
}

// An adopt the owner mark did not refuse, of a contact that carries another stack's mark in a field this stack does not
// read as its owner field (none set, or another one): the provider cannot tell that it is that stack's, so it adopts it,
// but says so, naming the stack only, since that stack's destroy would delete the contact under this one.
function warnForeignMarks(run: ContactRun, existing: ApiContact, inputs: ContactInputs, owner: Owner | undefined): void {
  const { ownerField, backend } = run.settings();
  for (const [field, holder] of Object.entries(foreignMarks(existing.customFields ?? undefined, ownerField, owner, backend))) {
    const fix = ownerField
      ? `this stack's owner field is ${ownerField}: if the stacks of this account mark contacts in ${field}, use that one`
      : `set callbell:ownerField (or CALLBELL_OWNER_FIELD) to ${field}`;
    run.warn(
      run.said(
        `contact ${run.describe(inputs)} (uuid ${existing.uuid}) adopted, but its custom field ${field} holds an owner mark of ${holder}: ` +
          `that stack may manage it, and its destroy would delete the contact. If so, declare it there only; ${fix}, so that such an adopt is refused`,
        inputs,
        [existing.name],
      ),
    );
  }
}

// Brings an existing contact to the declared state (adoption, a replacement, or a POST whose answer was lost). A
// failed PATCH still leaves the contact in the state: the error carries its id and properties.
async function takeOver(run: ContactRun, existing: ApiContact, inputs: ContactInputs, origin: Origin, owner: Owner | undefined): Promise<WriteAnswer> {
  const mark = run.markFor(owner, origin);
  const current = { ...outputsFrom(existing, inputs), botStatus: undefined };
  const patch = run.markOn(existing) === mark ? patchFor(current, inputs) : run.withMark(patchFor(current, inputs), mark);
  run.touched(existing.uuid, { owner, origin });
  try {
    const { contact, keptByAccount } = Object.keys(patch).length ? await patchContact(run, existing.uuid, patch, inputs, undefined) : { contact: existing };
    return { id: existing.uuid, state: stateFrom(contact, inputs, { origin, owner, ownerMark: mark, keptByAccount }) };
  } catch (error) {
    const failure = run.fail(error, inputs, "update the adopted");
    const properties = dropUndefined({ ...current, origin, owner, ownerMark: run.markOn(existing), [maskInput]: maskOf(inputs) });
    Object.assign(failure, { id: existing.uuid, properties, reasons: [failure.message], secretNames: maskOf(inputs) ? personalOutputNames : [] });
    throw failure;
  }
}

// Sends a PATCH. Where the answer shows a removal the account did not make (its PATCH merges tags, or ignores "" for a
// custom field), says so once, naming each, records it in the state (keptByAccount: `recorded` is the state's record
// so far) and answers the contact as declared: a diff no PATCH can settle would otherwise come back at every `up`.
async function patchContact(
  run: ContactRun,
  id: string,
  patch: UpdateContactBody,
  inputs: ContactInputs,
  recorded: KeptByAccount | undefined,
): Promise<{ contact: ApiContact; keptByAccount?: KeptByAccount }> {
  const answer = await run.client().update(id, patch);
  const unreached = unreachedRemovals(patch, answer);
  const fresh = newlyUnreached(unreached, recorded);
  const said: string[] = [];
  if (fresh.customFields.length) {
    said.push(`this account does not clear custom fields on PATCH: remove ${fresh.customFields.map((f) => `\`${f}\``).join(", ")} in the dashboard`);
  }
  if (fresh.tags.length) {
    said.push(`this account merges tags on PATCH instead of replacing them: remove tag ${fresh.tags.map((t) => `\`${t}\``).join(", ")} in the dashboard`);
  }
  if (said.length) run.warn(run.said(`contact ${run.describe(inputs)} (uuid ${id}): ${said.join("; ")}`, inputs));
  return settleKept(recorded, unreached, answer, inputs);
}

/** Reads the contact as Callbell has it now (`held`: its state; none for `pulumi import`); undefined when it is gone. */
export async function readContact(run: ContactRun, id: string, held: ContactOutputs | undefined, owner: Owner | undefined): Promise<ReadAnswer> {
  try {
    const contact = await run.currentContact(id, held);
    if (!contact) return undefined; // gone: Pulumi drops it from state
    // `pulumi import` reads with no state: the contact is then declared from what Callbell has, as an adopted one.
    const imported = held ? undefined : importedState(contact, owner);
    if (!held && !imported) {
      throw run.refuse(`Could not import contact ${id}: Callbell gives it no phone number or no known source, so it cannot be declared`, undefined);
    }
    if (imported) checkImport(run, id, contact, owner);
    const basis = held ?? imported;
    if (!basis) throw run.refuse(`Could not read contact ${id}`, undefined);
    // What the account kept of an earlier removal (keptByAccount) is a known, reported state, not a drift to put back.
    const settled = settleKept(basis.keptByAccount, nothingUnreached, contact, basis);
    const state = stateFrom(settled.contact, basis, { ...basis, keptByAccount: settled.keptByAccount });
    // The inputs as Callbell has them now, so that after a refresh a preview shows each
    // drifted field (`~ name: "edited" => "QA Alice"`) that the next up puts back.
    return { id, state, inputs: inputsFrom(state) };
  } catch (error) {
    throw run.fail(error, held ?? {}, "read");
  }
}

// `pulumi import` follows create's rules (ownership.ts): a contact whose owner mark names another stack is refused,
// since both stacks would then hold it and either one's destroy or replace would delete it under the other. Without an
// owner field the provider cannot tell, and says so in one line.
function checkImport(run: ContactRun, id: string, contact: ApiContact, owner: Owner | undefined): void {
  const settings = run.settings();
  if (!settings.ownerField) {
    run.warn(
      `contact ${id} imported as adopted (never deleted by this stack); without callbell:ownerField the provider cannot tell whether ` +
        "another stack also manages it, and that stack's destroy would delete it: set callbell:ownerField so that such an import is refused",
    );
    return;
  }
  const decision = decideTakeover({ ...runFacts(run, owner), mark: run.markOn(contact), marking: true, adopt: true, sameName: true, keeper: undefined });
  if (!decision.takeOver) throw run.refuse(`Could not import contact ${id}: ${decision.refusal}. Nothing was written.`, undefined);
}

// The facts of a takeover decision that come from the run, not from the contact: create, import and an update's
// re-mark decide on the same ones.
function runFacts(run: ContactRun, owner: Owner | undefined): Pick<TakeoverFacts, "owner" | "backend" | "recoverCreates" | "door"> {
  const settings = run.settings();
  return { owner, backend: settings.backend, recoverCreates: settings.recoverCreates === true, door: run.door() };
}

// Before an update writes this resource's mark over another one, the contact's mark as Callbell has it now must be
// this resource's own or this stack's: two stacks never both claim one contact (an import of another stack's contact
// in a state from before imports were checked, or a mark changed in the dashboard).
async function checkRemark(run: ContactRun, id: string, olds: ContactOutputs, owner: Owner | undefined): Promise<void> {
  const contact = await run.client().get(id);
  if (!contact) return; // the PATCH will say it is gone
  const mark = run.markOn(contact);
  if (!mark || mark === olds.ownerMark) return;
  const decision = decideTakeover({ ...runFacts(run, owner), mark, marking: true, adopt: olds.origin === "adopted", sameName: true, keeper: undefined });
  if (!decision.takeOver) throw run.refuse(`Could not update contact ${run.describe(olds)} (uuid ${id}): ${decision.refusal}. Nothing was written.`, olds);
}

/** Sends the PATCH that takes Callbell from the state to the code (none for a rename or a mark already right). */
export async function updateContact(run: ContactRun, id: string, olds: ContactOutputs, news: ContactInputs): Promise<WriteAnswer> {
  try {
    const owner = ownerOf(news);
    await run.beforeWrite(owner);
    run.touched(id, { owner, origin: olds.origin });
    const mark = run.markFor(owner, olds.origin) ?? olds.ownerMark;
    if (mark !== olds.ownerMark) await checkRemark(run, id, olds, owner);
    const patch = mark !== olds.ownerMark ? run.withMark(patchFor(olds, news), mark) : patchFor(olds, news);
    // A rename, or an identifier in today's normal form (diff.ts): the state alone changes, with news' identifier.
    if (Object.keys(patch).length === 0)
      return { id, state: dropUndefined({ ...olds, identifier: news.identifier, owner, ownerMark: mark, [maskInput]: maskOf(news) }) };
    const { contact, keptByAccount } = await patchContact(run, id, patch, news, olds.keptByAccount);
    return { id, state: stateFrom(contact, news, { origin: olds.origin, owner, ownerMark: mark, keptByAccount }) };
  } catch (error) {
    if (error instanceof CallbellNotFoundError) {
      throw run.refuse(
        `Could not update contact ${run.describe(news)}: Callbell has no contact ${id} any more (deleted in the dashboard?); ` +
          "run 'pulumi refresh' to drop it from the state, then 'pulumi up' to create it again",
        news,
      );
    }
    throw error instanceof ContactError ? error : run.fail(error, news, "update");
  }
}

/** Deletes the contact when ownership.ts says it is this resource's to delete; otherwise leaves it, with a warning. */
export async function deleteContact(run: ContactRun, id: string, props: ContactOutputs): Promise<void> {
  try {
    const settings = run.settings();
    const facts: DeleteFacts = {
      owner: props.owner,
      ownMark: props.ownerMark,
      origin: props.origin,
      legacyAdopt: props.adopt === true,
      keeper: run.memory.keeperOf(id),
      marking: !!settings.ownerField,
      backend: settings.backend,
    };
    let decided: DeleteFacts = facts;
    let decision = decideDelete(facts);
    if (decision.delete && settings.ownerField) {
      const contact = await run.client().get(id);
      if (!contact) return; // already gone
      decided = { ...facts, mark: run.markOn(contact) };
      decision = decideDelete(decided);
    }
    if (!decision.delete) {
      const after = leftContactAdvice(decided, decision);
      run.warn(run.said(`contact ${run.describe(props)} (uuid ${id}) was left in Callbell, not deleted: ${decision.reason}. ${after}`, props));
      return;
    }
    await run.beforeWrite(props.owner);
    run.touched(id);
    await run.client().remove(id);
  } catch (error) {
    throw run.fail(error, props, "delete");
  }
}
