// The Contact provider: maps Pulumi's check/diff/create/read/update/delete onto the typed
// Callbell client. It never builds a URL and never sees an HTTP detail. The Pulumi provider
// host loads this module by name at run time (see resource.ts), so nothing here is serialized.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ApiContact, ContactsClient, canLookUpByPhone } from "../client/contacts";
import { CallbellError, redact } from "../client/errors";
import { CallbellConfigError, ProviderSettings, requireToken, resolveSettings } from "../config";
import { ContactOutputs, diffContact, patchFor } from "./diff";
import { ContactInputs, dropUndefined, toCreateBody, validateInputs } from "./schema";

/** What the provider needs from its surroundings: a client, made on first use, and the settings. */
export interface ProviderContext {
  settings(): ProviderSettings;
  client(): ContactsClient;
}

/** The operations the Pulumi dynamic-provider host calls. */
export type ContactProvider = Required<Pick<dynamic.ResourceProvider<ContactInputs, ContactOutputs>, "check" | "diff" | "create" | "read" | "update" | "delete">> & {
  configure(req: dynamic.ConfigureRequest): Promise<void>;
};

/** An error Pulumi shows as is: one line naming the contact, no stack trace. */
export class ContactError extends Error {
  /** Set when Callbell holds the contact although the operation failed, so Pulumi keeps it in state. */
  id?: string;
  properties?: Record<string, unknown>;
  reasons?: string[];

  constructor(message: string) {
    super(message);
    this.name = "ContactError";
    this.stack = message;
  }
}

/** Builds a provider over a context (tests pass their own; the host uses the configured one). */
export function makeContactProvider(context: ProviderContext): ContactProvider {
  let accountChecked: Promise<void> | undefined;

  // Environment fencing: before the first write of this process, make sure the token belongs
  // to the account the stack expects, so a prod token in a dev stack cannot seed prod.
  const beforeWrite = (): Promise<void> => {
    const expected = context.settings().expectedAccount;
    if (!expected) return Promise.resolve();
    accountChecked ??= context.client().me().then((account) => {
      if (account.email.toLowerCase() !== expected.toLowerCase()) {
        throw new CallbellConfigError(
          `Refusing to write: this stack expects the Callbell account ${expected} (callbell:expectedAccount), but the API token belongs to ${account.email}. Use the token of ${expected}, or change callbell:expectedAccount if the stack really targets ${account.email}.`);
      }
    });
    accountChecked.catch(() => { accountChecked = undefined; });
    return accountChecked;
  };

  const fail = (error: unknown, inputs: Partial<ContactInputs>, action: string): ContactError => {
    const who = `contact ${inputs.name ? `"${inputs.name}" ` : ""}(${inputs.identifier ?? "?"})`;
    let detail = error instanceof Error ? error.message : String(error);
    if (error instanceof CallbellError && error.status === 409) {
      detail += `; to manage the existing contact, set adopt: true`;
    }
    return new ContactError(redact(`Could not ${action} ${who}: ${detail}`, [context.settings().apiToken]));
  };

  // Brings an existing contact to the declared state (adoption, or a POST whose answer was lost).
  const takeOver = async (existing: ApiContact, inputs: ContactInputs) => {
    const current = { ...outputsFrom(existing, inputs), botStatus: undefined };
    const patch = patchFor(current, inputs);
    try {
      const updated = Object.keys(patch).length ? await context.client().update(existing.uuid, patch) : existing;
      return { id: existing.uuid, outs: outputsFrom(updated, inputs) };
    } catch (error) {
      const failure = fail(error, inputs, "update the adopted");
      Object.assign(failure, { id: existing.uuid, properties: current, reasons: [failure.message] });
      throw failure;
    }
  };

  return {
    async configure(req) {
      // Settings are read by the context; nothing to do per provider instance.
      void req;
    },

    async check(_olds, news) {
      const result = validateInputs(news);
      if (result.ok) return { inputs: result.inputs };
      return { inputs: news, failures: result.problems.map((p) => ({ property: p.property, reason: p.reason })) };
    },

    async diff(_id, olds, news) {
      const d = diffContact(olds, news);
      return { changes: d.changed.length > 0, replaces: d.replaces, stables: d.stables, deleteBeforeReplace: false };
    },

    async create(inputs) {
      try {
        await beforeWrite();
        const client = context.client();
        // Look before creating: Callbell may silently accept a second contact with the same
        // identifier, and a create interrupted earlier (a killed `pulumi up`) may have landed.
        const existing = canLookUpByPhone(inputs.source, inputs.channelUuid) ? await client.findByPhone(inputs.identifier, inputs.channelUuid) : undefined;
        if (existing) {
          // The same name is the mark of this resource's own earlier create; anything else is
          // somebody else's contact, taken over only when the code says so.
          if (inputs.adopt || existing.name.trim() === inputs.name.trim()) return await takeOver(existing, inputs);
          throw new ContactError(`Could not create contact "${inputs.name}" (${inputs.identifier}): Callbell already has a contact with this identifier ("${existing.name}", uuid ${existing.uuid}); set adopt: true to manage it with this resource, or change the identifier`);
        }
        const outcome = await client.create(toCreateBody(inputs));
        if (outcome.recoveredAfterLostAnswer) return await takeOver(outcome.contact, inputs);
        return { id: outcome.contact.uuid, outs: outputsFrom(outcome.contact, inputs) };
      } catch (error) {
        throw error instanceof ContactError ? error : fail(error, inputs, "create");
      }
    },

    async read(id, props) {
      const managed = (props ?? {}) as ContactOutputs;
      try {
        const contact = await context.client().get(id);
        if (!contact) return { id: "" }; // gone: Pulumi drops it from state
        return { id, props: outputsFrom(contact, managed) };
      } catch (error) {
        throw fail(error, managed, "read");
      }
    },

    async update(id, olds, news) {
      try {
        await beforeWrite();
        const patch = patchFor(olds, news);
        const client = context.client();
        const contact = Object.keys(patch).length ? await client.update(id, patch) : await client.get(id);
        if (!contact) throw new ContactError(`contact ${id} no longer exists in Callbell; run 'pulumi refresh' and then 'pulumi up' to create it again`);
        return { outs: outputsFrom(contact, news) };
      } catch (error) {
        throw error instanceof ContactError ? error : fail(error, news, "update");
      }
    },

    async delete(id, props) {
      try {
        await beforeWrite();
        await context.client().remove(id);
      } catch (error) {
        throw fail(error, props, "delete");
      }
    },
  };
}

/**
 * The state for a contact as Callbell returned it. Only the fields the code manages (present
 * in `managed`) are reflected, so a field the code does not declare never shows as a diff.
 */
export function outputsFrom(contact: ApiContact, managed: ContactInputs): ContactOutputs {
  const declaredFields = managed.customFields;
  let customFields: Record<string, string | string[]> | undefined;
  if (declaredFields !== undefined) {
    customFields = {};
    for (const [key, declared] of Object.entries(declaredFields)) {
      const value = customValueFrom(contact.customFields?.[key], Array.isArray(declared));
      if (value !== undefined) customFields[key] = value;
    }
  }
  return dropUndefined({
    identifier: managed.identifier,
    source: managed.source,
    channelUuid: contact.channel?.uuid ?? managed.channelUuid,
    name: contact.name,
    tags: managed.tags !== undefined ? contact.tags ?? [] : undefined,
    customFields,
    assignedUser: managed.assignedUser !== undefined ? contact.assignedUser ?? "" : undefined,
    teamUuid: contact.team?.uuid ?? managed.teamUuid,
    botStatus: managed.botStatus,
    note: managed.note !== undefined ? contact.note ?? "" : undefined,
    adopt: managed.adopt,
    uuid: contact.uuid,
    href: contact.href,
    conversationHref: contact.conversationHref ?? undefined,
    createdAt: contact.createdAt,
    phoneNumber: contact.phoneNumber ?? undefined,
    avatarUrl: contact.avatarUrl ?? undefined,
  });
}

// Callbell may return a checkbox value as a JSON-encoded string and numbers as numbers.
function customValueFrom(value: unknown, expectList: boolean): string | string[] | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (Array.isArray(value)) return value.map(String);
  if (expectList && typeof value === "string" && value.trim().startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // not JSON after all: keep the text
    }
  }
  return String(value);
}

/** The context the provider host uses: settings from configure (stack config), else the environment. */
export function hostContext(): ProviderContext & { configure(config: (key: string) => string | undefined): void } {
  let settings: ProviderSettings | undefined;
  let client: ContactsClient | undefined;
  return {
    configure(config) {
      settings = resolveSettings(config);
      client = undefined;
    },
    settings() {
      settings ??= resolveSettings(() => undefined);
      return settings;
    },
    client() {
      if (!client) {
        const s = this.settings();
        client = new ContactsClient({ baseUrl: s.apiUrl, token: requireToken(s), requestsPerSecond: s.requestsPerSecond });
      }
      return client;
    },
  };
}

const host = hostContext();
const hostProvider = makeContactProvider(host);

/** The provider the serialized stub in resource.ts delegates to inside the Pulumi provider host. */
export const contactProvider: ContactProvider = {
  ...hostProvider,
  async configure(req) {
    host.configure((key) => req.config.get(key));
  },
};
