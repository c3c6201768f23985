// The type tokens of everything this package declares or serves, one home for each: URNs are made of them, so a token
// that changed would make the engine delete every contact and create it again.

/** The Contact of the dynamic provider (TypeScript only): the token pulumi.dynamic.Resource registered, kept so URNs never change. */
export const contactType = "pulumi-nodejs:dynamic/callbell:Contact";

/** The Contact the provider plugin serves (every language). */
export const contactToken = "callbell:index:Contact";

/** The ContactSet component: a TypeScript component, and a component the plugin constructs for the other languages. */
export const contactSetToken = "callbell:index:ContactSet";

/** The lookups the plugin serves through Invoke. */
export const functionTokens = {
  getTeam: "callbell:index:getTeam",
  getChannel: "callbell:index:getChannel",
  getContact: "callbell:index:getContact",
  getCustomStatus: "callbell:index:getCustomStatus",
} as const;

/** The CustomStatus the provider plugin serves (every language). */
export const customStatusToken = "callbell:index:CustomStatus";

/** The CustomStatus of the dynamic provider (TypeScript only). */
export const customStatusType = "pulumi-nodejs:dynamic/callbell:CustomStatus";

/** The account's Webhook the provider plugin serves (every language). */
export const webhookToken = "callbell:index:Webhook";

/** The Webhook of the dynamic provider (TypeScript only). */
export const webhookType = "pulumi-nodejs:dynamic/callbell:Webhook";
