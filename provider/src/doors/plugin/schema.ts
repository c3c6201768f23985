// The package schema the plugin serves (GetSchema): package `callbell` with its config, the explicit provider, each
// resource type's own entry (domain/resource-types.ts) and the lookups as functions. Contact's properties and getContact's answer come from shape.ts's
// field tables; nothing here lists a contact field but ContactSet's own overrides.
import { contactSources } from "../../client/contacts";
import { configKeys, defaultApiUrl, envVars } from "../../config";
import { contactPropertySpecs, lookupFields } from "../../domain/contact/shape";
import type { PropertySpec } from "../../domain/resource-type";
import { contactSetToken, functionTokens } from "../../tokens";
import { resourceTypes } from "../../domain/resource-types";
import { PackageInfo } from "./package-info";

/** The package name, also the plugin's name (pulumi-resource-callbell). */
export const packageName = "callbell";

/** The provider's settings as schema properties, one per configKeys entry (config.ts). */
const settingSpecs = {
  apiToken: { type: "string", description: `Callbell API token (Settings > API in the dashboard); else ${envVars.apiToken}.` },
  apiUrl: { type: "string", description: `API base URL including /v1; default ${defaultApiUrl}; else ${envVars.apiUrl}.` },
  expectedAccount: { type: "string", description: `Email that GET /auth/me must report before anything is written; else ${envVars.expectedAccount}.` },
  requestsPerSecond: { type: "number", description: `Request rate limit, above 0 and at most 300; else ${envVars.requestsPerSecond}.` },
  ownerField: { type: "string", description: `Text custom field in which each contact carries its owner; else ${envVars.ownerField}.` },
  recoverCreates: {
    type: "boolean",
    description: `Take over a found contact with the declared name (recovery after a killed run); else ${envVars.recoverCreates}.`,
  },
  checkAccount: {
    type: "boolean",
    description: `Check assignees, team and channel uuids against the account at preview (default true); else ${envVars.checkAccount}.`,
  },
  pageReads: {
    type: "boolean",
    description: `Let a refresh of many contacts read the account in pages instead of each contact alone (default true); else ${envVars.pageReads}.`,
  },
} satisfies Record<keyof typeof configKeys, PropertySpec>;

/** The settings that are secret in config and state. */
export const secretSettings: readonly (keyof typeof configKeys)[] = ["apiToken"];

const pick = (names: readonly string[]) =>
  Object.fromEntries(
    names.map((n) => [n, { ...(contactPropertySpecs as Record<string, PropertySpec>)[n], ...(secretSettings.includes(n as never) ? { secret: true } : {}) }]),
  );
const settingsProperties = () =>
  Object.fromEntries(Object.entries(settingSpecs).map(([n, spec]) => [n, secretSettings.includes(n as never) ? { ...spec, secret: true } : spec]));
const strings = (names: readonly string[], description: Record<string, string>) =>
  Object.fromEntries(names.map((n) => [n, { type: "string", description: description[n] }]));

/** The schema, as GetSchema returns it (JSON text), for the release `info` names. */
export function packageSchema(info: PackageInfo): string {
  const { version } = info;
  const schema = {
    name: packageName,
    displayName: "Callbell",
    version,
    description:
      "Callbell (WhatsApp CRM) as Pulumi resources: contacts, custom statuses and the account's webhook. A contact or status delete is irreversible: " +
      "adopted and imported ones are never deleted.",
    keywords: ["pulumi", "callbell", "whatsapp", "crm"],
    license: "Apache-2.0",
    repository: info.repository,
    publisher: new URL(info.repository).pathname.split("/")[1],
    pluginDownloadURL: info.pluginDownloadURL,
    meta: { moduleFormat: "(.*)" },
    config: { variables: settingsProperties() },
    provider: {
      description: "The Callbell provider: one account (token and settings) per provider; two explicit providers reach two accounts.",
      inputProperties: settingsProperties(),
    },
    types: {
      "callbell:index:MainChannel": {
        type: "object",
        description: "The main channel of the contact's source.",
        properties: { main: { type: "boolean", description: "Always true." } },
        required: ["main"],
      },
      "callbell:index:ContactSetOverrides": {
        type: "object",
        description: "Applied to every contact of a ContactSet after the files' own defaults, e.g. a tag per environment.",
        properties: {
          ...pick(["team", "teamUuid", "assignedUser"]),
          tags: { type: "array", items: { type: "string" }, description: "Tags added to every contact's own." },
          adopt: { type: "boolean", description: "Take over contacts that already exist (never deleted)." },
        },
      },
      "callbell:index:ContactSummary": {
        type: "object",
        description: "What a ContactSet exports per contact.",
        properties: strings(["name", "uuid", "href", "createdAt"], {
          name: "The contact's name.",
          uuid: "Callbell's uuid.",
          href: "The contact in the Callbell dashboard.",
          createdAt: "When Callbell created it.",
        }),
        required: ["name", "uuid", "href", "createdAt"],
      },
      "callbell:index:TeamMember": {
        type: "object",
        properties: {
          ...strings(["email", "name"], { email: "The member's email (Callbell's id for users).", name: "Display name." }),
          available: { type: "boolean", description: "Whether the member is available." },
        },
        required: ["email", "name", "available"],
      },
    },
    resources: {
      ...Object.fromEntries(resourceTypes.map((type) => [type.token, type.schema])),
      [contactSetToken]: {
        isComponent: true,
        description:
          "The contacts of one environment from seed files: each file overlays the ones before it, every problem is listed with file and " +
          "line before anything is written, and each contact is a callbell:index:Contact named after its identity.",
        inputProperties: {
          files: {
            type: "array",
            items: { type: "string" },
            description: "Seed files, merged in order, relative to the program's folder: e.g. contacts.common.yaml, then contacts.<stack>.yaml.",
          },
          personalData: {
            type: "string",
            description: '"plain" (default), or "secret": numbers and names are secrets, and resource names use a hash of the identifier.',
          },
          overrides: { $ref: "#/types/callbell:index:ContactSetOverrides" },
          namePrefix: {
            type: "string",
            description:
              'Put before each contact\'s resource name (e.g. "prod-"): two sets in one program that read a shared file need it. ' +
              "Setting it on a deployed set renames its contacts.",
          },
        },
        requiredInputs: ["files"],
        properties: {
          summary: {
            type: "object",
            additionalProperties: { $ref: "#/types/callbell:index:ContactSummary" },
            description: "name, uuid, href and createdAt of each contact, keyed by its resource name.",
          },
          count: { type: "integer", description: "How many contacts the files declare." },
        },
        required: ["summary", "count"],
      },
    },
    functions: {
      [functionTokens.getTeam]: {
        description: "The team with this name (case-insensitive), with its members.",
        inputs: { properties: strings(["name"], { name: 'The team\'s name, e.g. "Support".' }), required: ["name"] },
        outputs: {
          properties: {
            ...strings(["uuid", "name"], { uuid: "Team uuid.", name: "Team name." }),
            isDefault: { type: "boolean", description: "True for the team new contacts land in." },
            members: { type: "array", items: { $ref: "#/types/callbell:index:TeamMember" } },
          },
          required: ["uuid", "name", "isDefault", "members"],
        },
      },
      [functionTokens.getChannel]: {
        description: "The channel of a source with this title (case-insensitive); without a title, the source's main channel.",
        inputs: {
          properties: strings(["source", "title"], { source: `One of ${contactSources.join(", ")}.`, title: "The channel's title." }),
          required: ["source"],
        },
        outputs: {
          properties: {
            ...strings(["uuid", "title", "source"], { uuid: "Channel uuid.", title: "Channel title.", source: "Its source." }),
            main: { type: "boolean", description: "True for the source's main channel." },
          },
          required: ["uuid", "title", "source", "main"],
        },
      },
      [functionTokens.getCustomStatus]: {
        description: "The custom status with this name (compared without case).",
        inputs: { properties: strings(["name"], { name: 'The status name, e.g. "Lunch".' }), required: ["name"] },
        outputs: {
          properties: strings(["id", "name", "emoji"], {
            id: "The status id (a dashed UUID).",
            name: "Its name as Callbell has it.",
            emoji: "Its emoji, if any.",
          }),
          required: ["id", "name"],
        },
      },
      [functionTokens.getContact]: {
        description: "The contact with this phone number on the given channel, else on the source's main channel.",
        inputs: {
          properties: strings(["identifier", "source", "channelUuid"], {
            identifier: "Phone number with country code.",
            source: `One of ${contactSources.join(", ")}.`,
            channelUuid: "The channel to look on.",
          }),
          required: ["identifier", "source"],
        },
        outputs: {
          properties: Object.fromEntries(lookupFields.map(({ name, spec }) => [name, spec])),
          required: lookupFields.filter((field) => field.required).map(({ name }) => name),
        },
      },
    },
    language: {
      python: { packageName: "pulumi_callbell", requires: { pulumi: ">=3.0.0,<4.0.0" }, pyproject: { enabled: true }, respectSchemaVersion: true },
      nodejs: { packageName: "@pulumi-callbell/callbell" },
      go: { importBasePath: info.goImportBasePath, respectSchemaVersion: true, generateResourceContainerTypes: true },
    },
  };
  return JSON.stringify(schema);
}
