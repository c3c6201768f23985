// `pulumi-callbell export`: reads an account's contacts (GET only) and writes a seed file that
// ContactSet adopts without a write. The file is the only place contacts go: stdout and
// stderr get counts, never a phone number or a name. The token comes from the environment
// only, so it never lands in shell history.
import * as fs from "fs";
import * as path from "path";
import { ApiTeam } from "../../client/account";
import { CallbellError, redact } from "../../client/errors";
import { ContactFilters, ContactSource, contactSources } from "../../client/contacts";
import { CallbellConfigError, configKeys, envVars, requireToken, resolveSettings } from "../../config";
import { teamsNamed } from "../../client/names";
import { isUuid } from "../../client/uuid";
import { buildSeedFile, describeManaged } from "./export-file";
import { UsageError, readFlags } from "./args";
import { accountClientFor, customStatusesClientFor } from "../../connection";
import type { ApiCustomStatus } from "../../client/custom-statuses";
import { customStatusToken } from "../../tokens";

/** Where the command writes; tests pass their own. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** What `export --help` prints. */
export const exportUsage = `Usage: pulumi-callbell export --out FILE [--force] [--source S] [--tags a,b] [--team UUID|NAME]
                              [--owner-field F [--stack P/S]] [--statuses FILE] [--api-url URL]

Reads the contacts of a Callbell account (GET /contacts, page by page; nothing is written to
Callbell) and writes them to FILE as a seed file for ContactSet, each with adopt: true.

  --out FILE        seed file to write (required); an existing file is kept unless --force
  --force           overwrite FILE
  --source S        only contacts of one source: ${contactSources.join(", ")}
  --tags a,b        only contacts that have these tags (comma-separated, case-insensitive)
  --team T          only contacts of one team, by uuid or name
  --owner-field F   the custom field where stacks write their owner mark (default: ${envVars.ownerField}); contacts
                    that carry a mark are left out, as \`pulumi up\` would refuse to adopt them
  --stack P/S       the <project>/<stack> the file is for: contacts whose mark names it are its own and are
                    written (re-exporting a stack's file without it drops that stack's contacts from it)
  --statuses FILE   also write the account's custom statuses to FILE, for \`pulumi import --file FILE\`, which
                    adds each to the stack as a callbell:index:CustomStatus (adopted: never deleted) and prints
                    its code in the program's language
  --api-url URL     API base URL (default: ${envVars.apiUrl}, else https://api.callbell.eu/v1)

The API token is read from ${envVars.apiToken} only (never a flag, so it stays out of shell history).`;

interface ExportOptions {
  out: string;
  force: boolean;
  source?: ContactSource;
  tags?: string[];
  team?: string;
  ownerField?: string;
  stack?: string;
  statuses?: string;
  apiUrl?: string;
}

/** Runs `export` with these arguments; answers the exit code (0 done, 1 API failure, 2 usage). */
export async function runExport(args: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  let token: string | undefined;
  let out = "the output file";
  try {
    if (args.includes("--help") || args.includes("-h")) {
      io.out(exportUsage);
      return 0;
    }
    const options = parseArgs(args);
    out = options.out;
    const flags: Record<string, string | undefined> = { [configKeys.apiUrl]: options.apiUrl, [configKeys.ownerField]: options.ownerField };
    const settings = resolveSettings((key) => flags[key], env);
    token = requireTokenForCli(settings);
    if (options.stack && !settings.ownerField) {
      throw new UsageError(`--stack needs the owner field (${envVars.ownerField} or --owner-field): a contact's stack is read from its mark there`);
    }
    for (const [flag, file] of [
      ["--out", options.out],
      ["--statuses", options.statuses],
    ] as const) {
      if (file && fs.existsSync(file) && !options.force)
        throw new UsageError(`${flag}: ${file} already exists; choose another file, or add --force to overwrite it`);
    }
    const client = accountClientFor(settings, token);
    const teams = await client.listTeams();
    const channels = await client.listChannels();
    const filters: ContactFilters = { source: options.source, tags: options.tags, teamUuid: options.team ? resolveTeam(options.team, teams) : undefined };
    const contacts = await client.listAllContacts(filters, true, (page, total) => io.err(`read page ${page} (${total} contacts)`));
    const result = buildSeedFile(contacts, {
      teams,
      channels,
      ownerField: settings.ownerField,
      stack: options.stack,
      header: [
        "Exported from Callbell by `pulumi-callbell export`" + describeFilters(options, teams) + ".",
        "Every entry has adopt: true: `pulumi up` takes the existing contact over, and writes nothing where it matches.",
        "Teams and channels are named where the name is unique in the account (by uuid otherwise, with the name as a comment).",
        ...(options.stack ? [`For the stack ${options.stack}: the contacts its owner marks name are its own, and are written.`] : []),
      ],
    });
    // Read before anything is written, so that a failure leaves both files as they were.
    const statuses = options.statuses ? await customStatusesClientFor(settings, token).list() : undefined;
    writeAtomically(options.out, result.text);
    const sources = Object.entries(result.bySource)
      .map(([s, n]) => `${s} ${n}`)
      .join(", ");
    io.out(
      `Wrote ${result.written} contact${result.written === 1 ? "" : "s"} to ${options.out}${sources ? ` (${sources})` : ""}; read ` +
        `${contacts.length} from Callbell.`,
    );
    const skippedTotal = Object.values(result.skipped).reduce((a, b) => a + b, 0);
    if (skippedTotal) {
      io.out(`Skipped ${skippedTotal}:`);
      for (const [reason, n] of Object.entries(result.skipped)) io.out(`  ${n}: ${reason}`);
    }
    if (settings.ownerField) {
      if (Object.keys(result.managed).length) {
        io.out(`Left out ${describeManaged(result.managed, settings.ownerField)}; \`pulumi up\` would refuse to adopt them: each stays with its stack.`);
        if (!options.stack) {
          io.out(
            "  If this file is one of those stacks' seed file, export with --stack <project>/<stack> to keep its contacts: " +
              "a file without them makes its next `pulumi up` delete the ones it created.",
          );
        }
      }
    } else {
      io.out(
        `No owner field set (${envVars.ownerField} or --owner-field): contacts that other stacks manage cannot be told apart and are included; ` +
          "see docs/ownership.md.",
      );
      for (const [field, n] of Object.entries(result.markLikeFields).sort(([a], [b]) => (a < b ? -1 : 1))) {
        io.out(
          `  Custom field ${field} holds an owner mark (<project>/<stack>/<resource> @<backend>) on ${n} contact${n === 1 ? "" : "s"}: ` +
            `if stacks manage this account with it, export again with ${envVars.ownerField}=${field} (or --owner-field ${field}) to leave those contacts out.`,
        );
      }
    }
    if (result.namesToTrim) {
      io.out(
        `${result.namesToTrim} contact name${result.namesToTrim === 1 ? " has" : "s have"} leading or trailing spaces; Contact trims names, so ` +
          `\`pulumi up\` will send one PATCH for each.`,
      );
    }
    if (options.statuses && statuses) {
      writeAtomically(options.statuses, statusImportFile(statuses));
      io.out(
        `Wrote ${statuses.length} custom status${statuses.length === 1 ? "" : "es"} to ${options.statuses}: ` +
          `\`pulumi import --file ${path.basename(options.statuses)}\` adds them to the stack as adopted and prints their code.`,
      );
    }
    io.out(`Next: review ${options.out}, then declare it with ContactSet ({ files: ["${path.basename(options.out)}"] }) and run \`pulumi up\`.`);
    return 0;
  } catch (error) {
    const secrets = [token, env[envVars.apiToken]];
    if (error instanceof UsageError || error instanceof CallbellConfigError) {
      io.err(redact(`error: ${error.message}`, secrets));
      if (error instanceof UsageError) io.err("Run 'pulumi-callbell export --help' for the options.");
      return 2;
    }
    if (error instanceof CallbellError) {
      io.err(redact(`error: ${error.message}. Nothing was written to ${out}.`, secrets));
      return 1;
    }
    io.err(redact(`error: ${(error as Error)?.message ?? String(error)}`, secrets));
    return 1;
  }
}

function parseArgs(args: readonly string[]): ExportOptions {
  const options: Partial<ExportOptions> & { force: boolean } = { force: false };
  readFlags(args, (flag, value) => {
    switch (flag) {
      case "--out":
        options.out = value();
        return true;
      case "--force":
        options.force = true;
        return true;
      case "--api-url":
        options.apiUrl = value();
        return true;
      case "--team":
        options.team = value();
        return true;
      case "--statuses":
        options.statuses = value();
        return true;
      case "--owner-field":
        options.ownerField = value();
        return true;
      case "--stack": {
        const s = value();
        if (!/^[^/\s]+\/[^/\s]+$/.test(s)) throw new UsageError(`--stack: ${JSON.stringify(s)} is not <project>/<stack>, e.g. acme/dev`);
        options.stack = s;
        return true;
      }
      case "--source": {
        const s = value();
        if (!(contactSources as readonly string[]).includes(s))
          throw new UsageError(`--source "${s}" is not a Callbell source; use one of ` + `${contactSources.join(", ")}`);
        options.source = s as ContactSource;
        return true;
      }
      case "--tags": {
        const tags = value()
          .split(",")
          .map((t) => t.trim())
          .filter((t) => t !== "");
        if (!tags.length) throw new UsageError("--tags needs at least one tag name, e.g. --tags vip,qa");
        options.tags = tags;
        return true;
      }
      default:
        return false;
    }
  });
  if (!options.out) throw new UsageError("--out FILE is required: the seed file to write, e.g. --out contacts.yaml");
  if (options.statuses && path.resolve(options.statuses) === path.resolve(options.out)) {
    throw new UsageError("--statuses names the same file as --out: give the statuses a file of their own, e.g. --statuses statuses.json");
  }
  return options as ExportOptions;
}

function requireTokenForCli(settings: ReturnType<typeof resolveSettings>): string {
  if (settings.apiToken) return settings.apiToken;
  try {
    return requireToken(settings);
  } catch {
    throw new CallbellConfigError(
      `No Callbell API token: set the ${envVars.apiToken} environment variable (create a token in the Callbell dashboard, ` + `Settings > API)`,
    );
  }
}

/** The team uuid for --team: a uuid of the account, or a name (case-insensitive) exactly one team has. */
function resolveTeam(team: string, teams: readonly ApiTeam[]): string {
  const known = () => teams.map((t) => `${t.name} (${t.uuid})`).join(", ") || "none";
  if (isUuid(team)) {
    if (teams.some((t) => t.uuid === team)) return team;
    throw new UsageError(`--team ${team} is not a team of this account; known teams: ${known()}`);
  }
  const matches = teamsNamed(teams, team);
  if (matches.length === 1) return matches[0].uuid;
  if (matches.length > 1)
    throw new UsageError(`--team "${team}" names ${matches.length} teams; pass one uuid instead: ` + `${matches.map((t) => t.uuid).join(", ")}`);
  throw new UsageError(`--team "${team}" is not a team of this account; known teams: ${known()}`);
}

function describeFilters(options: ExportOptions, teams: readonly ApiTeam[]): string {
  const parts: string[] = [];
  if (options.source) parts.push(`source ${options.source}`);
  if (options.tags) parts.push(`tags ${options.tags.join(",")}`);
  if (options.team) {
    const uuid = resolveTeam(options.team, teams);
    parts.push(`team ${teams.find((t) => t.uuid === uuid)?.name ?? ""} (${uuid})`);
  }
  return parts.length ? `, only contacts with ${parts.join(" and ")}` : "";
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  // Owner-only, as the file holds phone numbers and names; a rename never leaves half a file.
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** A `pulumi import --file` file of custom statuses: each named after its name (letters, digits and dashes), unique. */
export function statusImportFile(statuses: readonly ApiCustomStatus[]): string {
  const used = new Set<string>();
  const resources = statuses.map((status) => {
    const base =
      status.name
        .normalize("NFKD")
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "") || "status";
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    return { type: customStatusToken, name, id: status.id };
  });
  return JSON.stringify({ resources }, null, 2) + "\n";
}
