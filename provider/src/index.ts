// pulumi-callbell: Callbell contacts as Pulumi resources.
export { Contact, ContactArgs, ContactOptions, PluginContact } from "./contact/resource";
export { contactType, contactToken, contactSetToken } from "./tokens";
export type { ContactInputs, ContactOutputs, BotStatus } from "./contact/shape";
export type { ContactSource } from "./client/contacts";
export { contactSources } from "./client/contacts";
export { configKeys, envVars, defaultApiUrl } from "./config";
export { ContactSet, ContactSetArgs, ContactSummary } from "./seed/contact-set";
export { loadSeedFiles, SeedContact, SeedFileError } from "./seed/seed-file";
export { seedKey, hashedSeedKey } from "./seed/keys";
export { getTeam, getChannel, getContact, TeamInfo, ChannelInfo, ContactInfo, CallbellLookupError } from "./lookups";
