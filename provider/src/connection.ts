// The one place provider settings (config.ts) become a connection to Callbell: the HTTP settings every client is made
// with. The client knows nothing of settings, and the settings nothing of HTTP.
import { AccountClient } from "./client/account";
import { ContactsClient } from "./client/contacts";
import { HttpSettings } from "./client/http";
import { ProviderSettings, requireToken } from "./config";

/** The HTTP settings for these provider settings; the token is required (an error names both ways to set it) unless given. */
export function httpSettingsOf(settings: ProviderSettings, token: string = requireToken(settings)): HttpSettings {
  return { baseUrl: settings.apiUrl, token, requestsPerSecond: settings.requestsPerSecond };
}

/** A contacts client for these settings. */
export const contactsClientFor = (settings: ProviderSettings, token?: string): ContactsClient => new ContactsClient(httpSettingsOf(settings, token));

/** An account (lists) client for these settings. */
export const accountClientFor = (settings: ProviderSettings, token?: string): AccountClient => new AccountClient(httpSettingsOf(settings, token));
