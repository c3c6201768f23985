// Every resource type and lookup the provider serves, in one list each: the doors serve these and know none by name.
import type { ProviderSettings } from "../config";
import { functionTokens } from "../tokens";
import { contactResource } from "./contact/contact-type";
import { customStatusResource } from "./custom-status/custom-status-type";
import { webhookResource } from "./webhook/webhook-type";
import { getChannel, getContact, getCustomStatus, getTeam } from "./lookups";
import type { PropertyValues, ResourceType } from "./resource-type";

/** The resource types, by plugin token. */
export const resourceTypes: readonly ResourceType[] = [contactResource, customStatusResource, webhookResource];

/** A lookup as a door calls it: the arguments as the engine sent them (each lookup checks its own), the settings. */
export type Lookup = (args: PropertyValues, settings: ProviderSettings) => Promise<Record<string, unknown>>;

/** The lookups, by function token. The argument types are what each lookup checks at run time, with a message. */
export const lookups: Readonly<Record<string, Lookup>> = {
  [functionTokens.getTeam]: async (args, settings) => ({ ...(await getTeam(args as { name: string }, settings)) }),
  [functionTokens.getChannel]: async (args, settings) => ({ ...(await getChannel(args as Parameters<typeof getChannel>[0], settings)) }),
  [functionTokens.getContact]: async (args, settings) => ({ ...(await getContact(args as Parameters<typeof getContact>[0], settings)) }),
  [functionTokens.getCustomStatus]: async (args, settings) => ({ ...(await getCustomStatus(args as { name: string }, settings)) }),
};
