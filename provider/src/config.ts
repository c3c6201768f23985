// Where the provider's settings come from: the stack's config first (callbell:*), then the
// environment. Knows nothing about HTTP.
import { backendFingerprint, backendUrl } from "./backend";
import { CallbellProblem } from "./problem";

/** The stack config keys the provider reads. */
export const configKeys = {
  apiToken: "callbell:apiToken",
  apiUrl: "callbell:apiUrl",
  expectedAccount: "callbell:expectedAccount",
  requestsPerSecond: "callbell:requestsPerSecond",
  ownerField: "callbell:ownerField",
  recoverCreates: "callbell:recoverCreates",
  checkAccount: "callbell:checkAccount",
  pageReads: "callbell:pageReads",
} as const;

/** The environment variables used when the stack config does not set a value. */
export const envVars = {
  apiToken: "CALLBELL_API_TOKEN",
  apiUrl: "CALLBELL_API_URL",
  expectedAccount: "CALLBELL_EXPECTED_ACCOUNT",
  requestsPerSecond: "CALLBELL_REQUESTS_PER_SECOND",
  ownerField: "CALLBELL_OWNER_FIELD",
  recoverCreates: "CALLBELL_RECOVER_CREATES",
  checkAccount: "CALLBELL_CHECK_ACCOUNT",
  pageReads: "CALLBELL_PAGE_READS",
} as const;

/** Callbell's public API. */
export const defaultApiUrl = "https://api.callbell.eu/v1";

/** Resolved provider settings. The token is optional here: check and diff work without one. */
export interface ProviderSettings {
  apiToken?: string;
  apiUrl: string;
  /** Email that GET /auth/me must report before anything is written. */
  expectedAccount?: string;
  requestsPerSecond?: number;
  /** Text custom field in which each contact carries "<project>/<stack>/<resource>", its owner. */
  ownerField?: string;
  /** Take over a found contact with the declared name: the recovery after a killed run, without ownerField. */
  recoverCreates?: boolean;
  /** Check assignees, team and channel uuids against the account at preview (a few list reads per run); on by default. */
  checkAccount?: boolean;
  /** Let a refresh of many contacts read the account in pages (GET /contacts) instead of each contact alone; on by default. */
  pageReads?: boolean;
  /** Fingerprint of the Pulumi backend that holds the stack (backend.ts), written into owner marks; undefined when unknown. */
  backend?: string;
}

/** A setting is missing or malformed: the message says which and how to set it. */
export class CallbellConfigError extends CallbellProblem {
  constructor(message: string) {
    super(message, "named");
  }
}

/** Reads the settings from a config lookup (e.g. the provider's configure request) and the environment. */
export function resolveSettings(config: (key: string) => string | undefined, env: NodeJS.ProcessEnv = process.env): ProviderSettings {
  const pick = (name: keyof typeof configKeys) => nonEmpty(config(configKeys[name])) ?? nonEmpty(env[envVars[name]]);
  const apiUrl = pick("apiUrl") ?? defaultApiUrl;
  const url = URL.canParse(apiUrl) && /^https?:\/\/[^\s/]+/.test(apiUrl) ? new URL(apiUrl) : undefined;
  // The value is never echoed whole: a token pasted into the wrong variable must not end up in a log.
  if (!url) {
    // A URL of another scheme is shown by its scheme and host only; anything else not at all.
    const other = URL.canParse(apiUrl) ? new URL(apiUrl) : undefined;
    const value = other?.host ? `"${other.protocol}//${other.host}"` : `(or ${envVars.apiUrl})`;
    const hidden = other?.host ? "" : " (its value is not shown, in case it is a token)";
    throw new CallbellConfigError(
      `${configKeys.apiUrl} ${value} is not an http(s) URL${hidden}; set it to e.g. ${defaultApiUrl}, or unset it to use that default`,
    );
  }
  // Without the version, every path is a 404, and a phone lookup's 404 means "no such contact". The path is not shown:
  // a token pasted into it would be printed.
  if (!/\/v1\/?$/.test(url.pathname)) {
    throw new CallbellConfigError(
      `${configKeys.apiUrl} "${url.protocol}//${url.host}${url.pathname === "/" ? "" : "/…"}" does not end with /v1, the API version this provider speaks; ` +
        `set it to the base URL including /v1, e.g. ${defaultApiUrl}`,
    );
  }
  const rateText = pick("requestsPerSecond");
  const requestsPerSecond = rateText === undefined ? undefined : Number(rateText);
  if (requestsPerSecond !== undefined && !(Number.isFinite(requestsPerSecond) && requestsPerSecond > 0 && requestsPerSecond <= 300)) {
    throw new CallbellConfigError(`${configKeys.requestsPerSecond} ${shown(String(rateText))} must be a number above 0 and at most 300 (Callbell's limit)`);
  }
  const flag = (name: "recoverCreates" | "checkAccount" | "pageReads", unset: boolean): boolean => {
    const text = pick(name)?.toLowerCase();
    if (text === undefined) return unset;
    if (!["true", "false", "1", "0"].includes(text)) throw new CallbellConfigError(`${configKeys[name]} ${shown(text)} must be true or false`);
    return text === "true" || text === "1";
  };
  const recoverCreates = flag("recoverCreates", false);
  // On unless turned off: a preview that knows the account should say a wrong assignee, team or channel before any write.
  const checkAccount = flag("checkAccount", true);
  const pageReads = flag("pageReads", true);
  const settings = { apiToken: pick("apiToken"), apiUrl, expectedAccount: pick("expectedAccount"), requestsPerSecond, ownerField: pick("ownerField") };
  const backend = backendUrl(env);
  return { ...settings, recoverCreates, checkAccount, pageReads, backend: backend ? backendFingerprint(backend, env.PULUMI_ORGANIZATION) : undefined };
}

/** The token, or an error that names both ways to set it. */
export function requireToken(settings: ProviderSettings): string {
  if (settings.apiToken) return settings.apiToken;
  throw new CallbellConfigError(
    `No Callbell API token: run 'pulumi config set --secret ${configKeys.apiToken} <token>' or set the ${envVars.apiToken} environment variable ` +
      "(create a token in the Callbell dashboard, Settings > API)",
  );
}

// A setting's value in a message: short values as written, anything longer withheld, since a token pasted into the
// wrong variable is long and would otherwise be printed.
function shown(value: string): string {
  return value.length <= 12 ? `"${value}"` : "(a value of " + value.length + " characters, not shown in case it is a token)";
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
