// Whether a page's list item can stand for a single read of a contact held with a given state: the contact's side of
// the run's page reads (run/page-snapshot.ts reads the pages and knows no contact field).
import type { ApiContact, ApiContactKey } from "../../client/contacts";
import { phoneSources } from "./phone";
import { type ContactOutputs, answeredRules, computedRules } from "./shape";

/**
 * The keys of Callbell's contact that the state is made from (the answer rules of shape.ts's field tables): a list item
 * that lacks one cannot stand for GET /contacts/:uuid, whose answer has them all (null when empty).
 */
export const fieldsAReadNeeds: readonly ApiContactKey[] = [
  ...new Set([
    ...answeredRules.map(([, rule]) => rule.answer.from),
    ...computedRules.filter(([, rule]) => rule.pageRead === "needed").map(([, rule]) => rule.answer.from),
  ]),
];

// What Callbell gives some contacts only (pageRead "whenHeld": the bsuid): its absence from an item says nothing, so a
// state that has one is read alone.
const neededWhenHeld = computedRules.filter(([, rule]) => rule.pageRead === "whenHeld");

/** True when a page's item can stand for GET /contacts/:uuid of a contact held with this state. */
export function listedAnswersFor(listed: ApiContact, held: ContactOutputs): boolean {
  if (listed.source !== held.source) return false;
  if (fieldsAReadNeeds.some((key) => listed[key] === undefined)) return false;
  return neededWhenHeld.every(([name, rule]) => held[name] === undefined || listed[rule.answer.from] !== undefined);
}

/** True when the pages may answer for a contact held with this state: a whatsapp or telegram one the state knows. */
export function pageReadable(held: ContactOutputs | undefined): held is ContactOutputs {
  return held?.identifier !== undefined && (phoneSources as readonly string[]).includes(held.source);
}
