// The one place provider settings (config.ts) become a connection to Callbell: the HTTP settings every client is made
// with. The client knows nothing of settings, and the settings nothing of HTTP.
import { AccountClient } from "./client/account";
import { ContactsClient } from "./client/contacts";
import { CustomStatusesClient } from "./client/custom-statuses";
import { WebhooksClient } from "./client/webhooks";
import { HttpSettings } from "./client/http";
import { ProviderSettings, requireToken, resolveSettings } from "./config";

/** The HTTP settings for these provider settings; the token is required (an error names both ways to set it) unless given. */
export function httpSettingsOf(settings: ProviderSettings, token: string = requireToken(settings)): HttpSettings {
  return { baseUrl: settings.apiUrl, token, requestsPerSecond: settings.requestsPerSecond };
}

/** A contacts client for these settings. */
export const contactsClientFor = (settings: ProviderSettings, token?: string): ContactsClient => new ContactsClient(httpSettingsOf(settings, token));

/** An account (lists) client for these settings. */
export const accountClientFor = (settings: ProviderSettings, token?: string): AccountClient => new AccountClient(httpSettingsOf(settings, token));

/** A provider process's connection: its settings, and one contacts client made on first use and again after a configure. */
export interface ConfiguredConnection {
  /** Takes the settings from a provider's configuration (its stack config or properties), falling back to the environment. */
  configure(config: (key: string) => string | undefined): void;
  settings(): ProviderSettings;
  client(): ContactsClient;
}

/** A connection whose settings come from configure, else (never configured) from the environment alone. */
export function configuredConnection(): ConfiguredConnection {
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
      client ??= contactsClientFor(this.settings());
      return client;
    },
  };
}

/** A custom statuses client for these settings. */
export const customStatusesClientFor = (settings: ProviderSettings, token?: string): CustomStatusesClient =>
  new CustomStatusesClient(httpSettingsOf(settings, token));

/** A webhooks client for these settings. */
export const webhooksClientFor = (settings: ProviderSettings, token?: string): WebhooksClient => new WebhooksClient(httpSettingsOf(settings, token));
