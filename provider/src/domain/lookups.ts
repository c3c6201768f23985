// Lookups for programs: find a team, a channel or a contact of the Callbell account by what
// people know it by (a name, a title, a phone number), to pass its uuid to a Contact. They read
// the same settings as the provider (stack config callbell:*, else the environment) and only GET.
import { AccountClient, ApiChannel, ApiTeam } from "../client/account";
import { ApiContact, ContactSource, ContactsClient, contactSources } from "../client/contacts";
import { redact, shownMessage } from "../client/errors";
import { findChannel, findTeam } from "../client/names";
import { ProviderSettings, requireToken, resolveSettings } from "../config";
import { phoneDigits, phoneSources } from "./contact/phone";
import { CallbellProblem } from "../problem";
import type { AnswerValue, AnsweredField, ContactComputed, ContactInputs, ListField, LookupOutput } from "./contact/shape";
import { lookupFields } from "./contact/shape";
import { accountClientFor, contactsClientFor, customStatusesClientFor } from "../connection";
import { statusNameKey } from "./custom-status/shape";

/** A team of the account. */
export interface TeamInfo {
  uuid: string;
  name: string;
  /** True for the team new contacts land in. */
  isDefault: boolean;
  /** Its members (GET /teams/:uuid/members); Callbell gives no user uuid, the email is the id. */
  members: { email: string; name: string; available: boolean }[];
}

/** A channel of the account. */
export interface ChannelInfo {
  uuid: string;
  title: string;
  source: ContactSource;
  /** True for the channel contacts of this source go to by default. */
  main: boolean;
}

/**
 * A contact of the account as getContact returns it (shape.ts lookupFields): its source, the computed outputs marked
 * lookup, and every field Callbell's answer holds, custom field values as Callbell gives them. Lists and mappings are
 * empty when Callbell has none; an empty text is left out.
 */
export type ContactInfo = { source: ContactSource } & Pick<ContactComputed, LookupOutput> & {
    [K in keyof ContactInputs as K extends Exclude<AnsweredField, ListField> ? K : never]: K extends AnsweredField ? AnswerValue<K> : never;
  } & { [K in keyof ContactInputs as K extends ListField ? K : never]-?: K extends AnsweredField ? AnswerValue<K> : never };

/** A lookup that found nothing, or more than one: the message names the known names. */
export class CallbellLookupError extends CallbellProblem {}

interface Session {
  settings: ProviderSettings;
  account: AccountClient;
  contacts: ContactsClient;
  teams?: Promise<ApiTeam[]>;
  channels?: Promise<ApiChannel[]>;
}

// One session per settings in a process: a program that looks up ten contacts of one team
// reads the team list once.
const sessions = new Map<string, Session>();

// The program's stack config. The SDK is loaded here only, so the provider plugin, which passes its own settings,
// starts without it (its require costs about 0.55 s of CPU per plugin process).
function stackConfig(): { get(key: string): string | undefined } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Config } = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  return new Config("callbell");
}

// The settings: given by the caller (the provider plugin, from its configuration), else the program's stack config.
function session(given?: ProviderSettings): Session {
  const config = given ? undefined : stackConfig();
  const settings = given ?? resolveSettings((key) => config?.get(key.replace(/^callbell:/, "")));
  const token = requireToken(settings);
  const key = `${settings.apiUrl}\u0000${token}`;
  let found = sessions.get(key);
  if (!found) {
    found = { settings, account: accountClientFor(settings, token), contacts: contactsClientFor(settings, token) };
    sessions.set(key, found);
  }
  return found;
}

// A failed list is not kept, so the next lookup asks again.
function cached<T>(s: Session, field: "teams" | "channels", load: () => Promise<T>): Promise<T> {
  const promise = (s[field] ??= load() as never) as Promise<T>;
  promise.catch(() => {
    if (s[field] === (promise as never)) s[field] = undefined;
  });
  return promise;
}

async function lookup<T>(call: string, run: (s: Session) => Promise<T>, settings?: ProviderSettings): Promise<T> {
  const s = session(settings);
  try {
    return await run(s);
  } catch (error) {
    if (error instanceof CallbellLookupError) throw error;
    throw new CallbellLookupError(`${redact(call, [s.settings.apiToken])}: ${shownMessage(error, [s.settings.apiToken])}`);
  }
}

/** The team with this name (case-insensitive), with its members. */
export async function getTeam(args: { name: string }, settings?: ProviderSettings): Promise<TeamInfo> {
  const call = `getTeam({ name: ${JSON.stringify(args?.name)} })`;
  if (typeof args?.name !== "string" || args.name.trim() === "") throw new CallbellLookupError(`${call}: name must be a team's name, e.g. "Support"`);
  return lookup(
    call,
    async (s) => {
      const teams = await cached(s, "teams", () => s.account.listTeams());
      const match = findTeam(teams, args.name);
      if (!match.found) throw new CallbellLookupError(`${call}: ${match.problem}`);
      const team = match.found;
      const members = await s.account.listTeamMembers(team.uuid);
      return { uuid: team.uuid, name: team.name, isDefault: team.default, members };
    },
    settings,
  );
}

/** The channel of a source with this title (case-insensitive); without a title, the source's main channel. */
export async function getChannel(args: { source: ContactSource; title?: string }, settings?: ProviderSettings): Promise<ChannelInfo> {
  const call = `getChannel({ source: ${JSON.stringify(args?.source)}${args?.title !== undefined ? `, title: ${JSON.stringify(args.title)}` : ""} })`;
  checkSource(call, args?.source);
  return lookup(
    call,
    async (s) => {
      const match = findChannel(await cached(s, "channels", () => s.account.listChannels()), args.source, args.title);
      if (!match.found) throw new CallbellLookupError(`${call}: ${match.problem}`);
      const c = match.found;
      return { uuid: c.uuid, title: c.title, source: args.source, main: c.main };
    },
    settings,
  );
}

/** The contact with this phone number on the given channel, else on the source's main channel. */
export async function getContact(args: { identifier: string; source: ContactSource; channelUuid?: string }, settings?: ProviderSettings): Promise<ContactInfo> {
  const call =
    `getContact({ identifier: ${JSON.stringify(args?.identifier)}, source: ` +
    `${JSON.stringify(args?.source)}${args?.channelUuid ? `, channelUuid: "${args.channelUuid}"` : ""} })`;
  checkSource(call, args?.source);
  if (!phoneSources.includes(args.source)) {
    throw new CallbellLookupError(
      `${call}: Callbell can look contacts up only by phone number (sources ${phoneSources.join(", ")}); it has no lookup ` + `for ${args.source} identifiers`,
    );
  }
  const digits = phoneDigits(String(args.identifier ?? ""));
  if (!/^\d+$/.test(digits)) throw new CallbellLookupError(`${call}: identifier must be a phone number with country code, e.g. "393331234567"`);
  return lookup(
    call,
    async (s) => {
      let channelUuid = args.channelUuid;
      // Without channel_uuid Callbell searches the main WhatsApp channel, so a telegram number needs its channel.
      if (!channelUuid && args.source === "telegram") channelUuid = (await getChannel({ source: "telegram" }, settings)).uuid;
      const contact = await s.contacts.findByPhone(digits, channelUuid);
      if (!contact) {
        throw new CallbellLookupError(
          `${call}: Callbell has no contact with this number on ` +
            `${channelUuid ? `channel ${channelUuid}` : "the main whatsapp channel"}; check the number, or pass the channelUuid it is on`,
        );
      }
      if (contact.source && contact.source !== args.source) {
        throw new CallbellLookupError(`${call}: the contact with this number is a ${contact.source} contact, not ${args.source}`);
      }
      return contactInfo(contact, args.source);
    },
    settings,
  );
}

function checkSource(call: string, source: unknown): asserts source is ContactSource {
  if (!(contactSources as readonly unknown[]).includes(source)) {
    throw new CallbellLookupError(`${call}: source must be one of ${contactSources.join(", ")}`);
  }
}

function contactInfo(c: ApiContact, source: ContactSource): ContactInfo {
  const info: Record<string, unknown> = { source };
  for (const { name, spec, required, answer } of lookupFields) {
    const value = answer?.read(c);
    if (answer && required) info[name] = value ?? (spec.type === "array" ? [] : spec.type === "object" ? {} : value);
    else if (answer && value !== undefined && value !== "") info[name] = value;
  }
  return info as ContactInfo;
}

/** A custom status as getCustomStatus answers it. */
export interface CustomStatusInfo {
  id: string;
  name: string;
  emoji?: string;
}

/** The custom status with this name (compared without case). */
export async function getCustomStatus(args: { name: string }, settings?: ProviderSettings): Promise<CustomStatusInfo> {
  const call = `getCustomStatus({ name: ${JSON.stringify(args?.name)} })`;
  if (typeof args?.name !== "string" || args.name.trim() === "") throw new CallbellLookupError(`${call}: name must be a status name, e.g. "Lunch"`);
  return lookup(
    call,
    async (s) => {
      const statuses = await customStatusesClientFor(s.settings).list();
      const matches = statuses.filter((status) => statusNameKey(status.name) === statusNameKey(args.name));
      if (matches.length > 1) {
        throw new CallbellLookupError(
          `${call}: the account has ${matches.length} statuses of that name (${matches.map((m) => m.id).join(", ")}); pass one by its id`,
        );
      }
      const found = matches[0];
      if (!found) {
        const names = statuses.map((status) => JSON.stringify(status.name)).join(", ");
        throw new CallbellLookupError(`${call}: the account has no custom status of that name${names ? `; it has ${names}` : " (it has none)"}`);
      }
      return { id: found.id, name: found.name, ...(found.emoji ? { emoji: found.emoji } : {}) };
    },
    settings,
  );
}
