// pulumi-callbell: Callbell contacts, custom statuses and the account's webhook as Pulumi resources.
export { Contact, ContactArgs, ContactOptions, PluginContact } from "./doors/typescript/resource";
export { contactType, contactToken, contactSetToken } from "./tokens";
export type { ContactInputs, ContactOutputs, BotStatus } from "./domain/contact/shape";
export type { ContactSource } from "./client/contacts";
export { contactSources } from "./client/contacts";
export { configKeys, envVars, defaultApiUrl } from "./config";
export { ContactSet, ContactSetArgs, ContactSummary } from "./doors/typescript/contact-set";
export { loadSeedFiles, SeedContact, SeedFileError } from "./doors/seed/seed-file";
export { seedKey, hashedSeedKey } from "./domain/contact/identity";
export { getTeam, getChannel, getContact, TeamInfo, ChannelInfo, ContactInfo, CallbellLookupError } from "./domain/lookups";
export { CustomStatus, CustomStatusArgs, Webhook, WebhookArgs } from "./doors/typescript/account-resources";
export { customStatusToken, customStatusType, webhookToken, webhookType } from "./tokens";
export { getCustomStatus, CustomStatusInfo } from "./domain/lookups";
export { webhookEvents } from "./client/webhooks";
