// The account the export tests and the benchmark's account run seed: contacts across sources, channels, tags, teams,
// assignees, notes and every custom-field type, as POST /contacts bodies for the simulator's admin API (not logged).
// Under scripts/ because the benchmark seeds it and scripts import nothing from test/.
import { CHANNELS, TEAMS } from "callbell-simulator";

/** How many of n seeded contacts have no identifier in Callbell's answers (instagram, facebook). */
export const withoutIdentifier = (n: number) => Array.from({ length: n }, (_, i) => i % 10).filter((k) => k === 8 || k === 9).length;

/** Phone number (digits) of the i-th seeded whatsapp/telegram contact. */
export const seededPhone = (i: number) => `39333${String(2_000_000 + i)}`;

/**
 * The POST /contacts body of the i-th seeded contact: every source, channel, tag set, team, assignee, note and custom-field
 * type, with names YAML must quote. `phonesOnly` makes the instagram and facebook ones WhatsApp contacts (all exportable).
 */
export function seededContactBody(i: number, { phonesOnly = false } = {}): Record<string, unknown> {
  const tagSets = [[], ["qa"], ["VIP", "qa"], ["demo"], ["support", "beta", "seed"]];
  const kind = i % 10;
  const social = !phonesOnly && (kind === 8 || kind === 9);
  const source = kind === 7 ? "telegram" : social ? (kind === 8 ? "instagram" : "facebook") : "whatsapp";
  const body: Record<string, unknown> = {
    identifier: social ? (kind === 8 ? `ig.user${i}` : `fb-${i}`) : seededPhone(i),
    source,
    // Names YAML must quote: a colon, quotes, a leading dash or #, non-ASCII.
    name: [`Contact ${i}`, `O'Brien: "VIP" ${i}`, `- dash ${i}`, `#${i} hash`, `Zoë Ünal ${i}`][i % 5],
    tags: tagSets[i % tagSets.length],
  };
  if (kind === 6) body.channel_uuid = CHANNELS.whatsappSales;
  if (kind === 7) body.channel_uuid = CHANNELS.telegram;
  if (i % 3 === 1) body.team_uuid = TEAMS.support;
  if (i % 3 === 2) body.team_uuid = TEAMS.sales;
  if (i % 4 === 0) body.assigned_user = ["alice@acme-dev.example", "bob@acme-dev.example", "carol@acme-dev.example"][i % 3];
  if (i % 6 === 0) body.note = i % 12 === 0 ? `Line one: ${i}\nline two # not a comment` : `note ${i}`;
  if (i % 5 === 0) {
    body.custom_fields = {
      company: `Acme ${i}`,
      seats: String(i),
      plan: ["free", "pro", "enterprise"][i % 3],
      renewal_date: "2026-03-03",
      billing_email: `billing${i}@acme.example`,
      interests: i % 2 ? ["api"] : ["whatsapp", "instagram"],
    };
  }
  return body;
}
