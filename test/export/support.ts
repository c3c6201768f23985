// An account to export, created through the simulator's admin API (not logged): the contacts of
// scripts/lib/seeded-account.ts (shared with the benchmark), re-exported so a test imports one module.
import type { Contact, StartedSimulator } from "callbell-simulator";
import { seededContactBody } from "../../scripts/lib/seeded-account";

export { seededContactBody, seededPhone, withoutIdentifier } from "../../scripts/lib/seeded-account";

/** Creates n contacts: per 10, 6 WhatsApp main, 1 WhatsApp Sales Line, 1 Telegram, 1 Instagram, 1 Facebook. */
export async function seedAccount(sim: StartedSimulator, n: number): Promise<Contact[]> {
  const made: Contact[] = [];
  for (let i = 0; i < n; i++) {
    const body = seededContactBody(i);
    made.push(await sim.admin.createContact(body));
  }
  return made;
}
