// `pulumi-callbell doctor`: checks what the provider relies on in the account it would talk to, and with --probe,
// which way the account behaves where Callbell's reference is silent. Read-only by default (GET only). The token
// comes from the environment only; the --json file has the token and the probe's number redacted.
import * as fs from "fs";
import { createHttp, HttpAnswer, HttpRequest } from "../../client/http";
import { errorBodyDetails, errorBodyShapes, redact } from "../../client/errors";
import { ApiContact, contactInAnswer } from "../../client/contacts";
import { CallbellConfigError, ProviderSettings, configKeys, envVars, resolveSettings } from "../../config";
import { tagKey } from "../../normalize";
import { phoneDigits } from "../../domain/contact/phone";
import type { CliIo } from "./export";
import { UsageError, readFlags } from "./args";
import { httpSettingsOf } from "../../connection";

/** What `doctor --help` prints. */
export const doctorUsage = `Usage: pulumi-callbell doctor [--probe NUMBER [--tags A,B] [--field NAME]] [--json FILE] [--api-url URL]

Checks the Callbell account the provider would use (the same settings: ${envVars.apiUrl}, ${envVars.ownerField},
${envVars.expectedAccount}, ...): the token, the account, the owner field, that teams, channels and members can
be read, the page size of GET /contacts, the rate-limit headers, custom statuses, whether the webhook can be read,
and failed webhook deliveries. Sends GET requests only, and never touches the account's webhook.

  --probe NUMBER    also write, on an account you may write to: create one throwaway WhatsApp contact on
                    NUMBER (which must not be a contact yet; doctor refuses otherwise) and observe how the
                    account behaves where Callbell's reference is silent; and one throwaway custom status
                    (a second POST of its name shows whether Callbell refuses duplicates); then delete what it created
  --tags A,B        two existing tags for the probe's tag checks (PATCH tags, tag case, unknown tag)
  --field NAME      an existing text custom field for the probe's field checks (default: the owner field)
  --json FILE       also write the findings to FILE, token and phone number redacted, for a bug report
  --api-url URL     API base URL (default: ${envVars.apiUrl}, else https://api.callbell.eu/v1)

Exit code: 0 when everything the provider relies on holds, 1 when something does not, 2 for a usage error.
The API token is read from ${envVars.apiToken} only (never a flag, so it stays out of shell history).`;

/** How a finding bears on the provider: holds, holds with a caveat the provider handles or says, does not hold, not checked. */
export type FindingStatus = "ok" | "note" | "fail" | "skipped";

/** One row of doctor's table. */
export interface Finding {
  check: string;
  result: string;
  meaning: string;
  status: FindingStatus;
}

/** One request doctor sent, as reported. */
export interface SentRequest {
  method: string;
  path: string;
  status: number;
}

/** What a run found: the rows and every request sent. */
export interface DoctorReport {
  findings: Finding[];
  requests: SentRequest[];
}

interface DoctorOptions {
  probe?: string;
  tags?: [string, string];
  field?: string;
  json?: string;
  apiUrl?: string;
}

const probeName = "pulumi-callbell doctor probe";
const unknownTag = "pulumi-callbell-doctor-no-such-tag";

/** Runs `doctor` with these arguments; answers the exit code (0 all holds, 1 something does not, 2 usage). */
export async function runDoctor(args: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const secrets: (string | undefined)[] = [env[envVars.apiToken]];
  try {
    if (args.includes("--help") || args.includes("-h")) {
      io.out(doctorUsage);
      return 0;
    }
    const options = parseArgs(args);
    const settings = resolveSettings((key) => (key === configKeys.apiUrl ? options.apiUrl : undefined), env);
    if (!settings.apiToken)
      throw new CallbellConfigError(`No Callbell API token: set the ${envVars.apiToken} environment variable (Settings > API in the dashboard)`);
    secrets.push(settings.apiToken);
    const doctor = new Doctor(settings, settings.apiToken);
    io.out(
      `pulumi-callbell doctor: ${settings.apiUrl} ` +
        `(${options.probe ? `probe on ${options.probe}: writes one throwaway contact` : "read-only: GET requests only"})`,
    );
    if (options.probe) {
      io.out(
        `Every contact the probe creates has the number ${options.probe}; if doctor stops midway, search that number in the Callbell dashboard ` +
          "(Contacts) and delete what you find.",
      );
    }
    const report = await doctor.run(options);
    for (const line of formatTable(report.findings)) io.out(redact(line, secrets));
    io.out("");
    io.out(`Requests sent (${report.requests.length}): ${report.requests.map((r) => `${r.method} ${r.path} ${r.status}`).join(", ")}`);
    const failed = report.findings.filter((f) => f.status === "fail");
    io.out(
      failed.length
        ? `${failed.length} check${failed.length === 1 ? "" : "s"} failed: ${failed.map((f) => f.check).join(", ")}.`
        : "Everything the provider relies on holds.",
    );
    if (options.json) {
      const numbers = options.probe ? [phoneDigits(options.probe)] : [];
      fs.writeFileSync(options.json, redactNumbers(redact(JSON.stringify(report, null, 2), secrets), numbers) + "\n", { mode: 0o600 });
      io.out(`Wrote the findings to ${options.json} (token and phone numbers redacted).`);
    }
    return failed.length ? 1 : 0;
  } catch (error) {
    const message = redact(`error: ${(error as Error)?.message ?? String(error)}`, secrets);
    io.err(message);
    if (error instanceof UsageError || error instanceof CallbellConfigError) {
      if (error instanceof UsageError) io.err("Run 'pulumi-callbell doctor --help' for the options.");
      return 2;
    }
    return 1;
  }
}

/** The table: one line per finding, columns padded; the status mark leads the result. */
export function formatTable(findings: readonly Finding[]): string[] {
  const mark: Record<FindingStatus, string> = { ok: "ok", note: "note", fail: "FAIL", skipped: "-" };
  const rows = [["check", "result", "what it means for the provider"], ...findings.map((f) => [f.check, `${mark[f.status]}: ${f.result}`, f.meaning])];
  const widths = [0, 1].map((i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => `${row[0].padEnd(widths[0])}  ${row[1].padEnd(widths[1])}  ${row[2]}`.trimEnd());
}

// Every digit run of the number, however it is formatted (spaces, dashes, a leading +), becomes "<number>".
function redactNumbers(text: string, numbers: readonly string[]): string {
  let out = text;
  for (const digits of numbers) {
    if (digits.length < 6) continue;
    const pattern = new RegExp(digits.split("").join("[\\s\\-().]*"), "g");
    out = out.replace(pattern, "<number>");
  }
  return out;
}

function parseArgs(args: readonly string[]): DoctorOptions {
  const options: DoctorOptions = {};
  readFlags(args, (flag, value) => {
    switch (flag) {
      case "--probe": {
        const number = value();
        const digits = phoneDigits(number);
        if (!/^\d{8,15}$/.test(digits)) throw new UsageError(`--probe needs an international phone number, e.g. +39 333 123 4567`);
        options.probe = number;
        return true;
      }
      case "--tags": {
        const tags = value()
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean);
        if (tags.length !== 2 || tagKey(tags[0]) === tagKey(tags[1])) throw new UsageError("--tags needs two different existing tags, e.g. --tags qa,vip");
        options.tags = [tags[0], tags[1]];
        return true;
      }
      case "--field":
        options.field = value();
        return true;
      case "--json":
        options.json = value();
        return true;
      case "--api-url":
        options.apiUrl = value();
        return true;
      default:
        return false;
    }
  });
  if ((options.tags || options.field) && !options.probe) throw new UsageError("--tags and --field are for --probe NUMBER");
  return options;
}

/** One doctor run: the requests it sends (all recorded) and the findings. */
class Doctor {
  private readonly http;
  private readonly findings: Finding[] = [];
  private readonly requests: SentRequest[] = [];
  private readonly rateHeaders = new Map<string, string>();

  constructor(
    private readonly settings: ProviderSettings,
    token: string,
  ) {
    this.http = createHttp(httpSettingsOf(settings, token));
  }

  async run(options: DoctorOptions): Promise<DoctorReport> {
    if (await this.readOnlyChecks(options)) {
      if (options.probe && (await this.probe(options.probe, options))) await this.probeCustomStatus();
    }
    return { findings: this.findings, requests: this.requests };
  }

  private add(check: string, status: FindingStatus, result: string, meaning: string): void {
    this.findings.push({ check, status, result, meaning });
  }

  private async send(request: HttpRequest): Promise<HttpAnswer> {
    const answer = await this.http.send({ ...request, anyStatus: true });
    const query = request.query ? Object.entries(request.query).filter(([, v]) => v !== undefined) : [];
    this.requests.push({
      method: request.method,
      path: request.path + (query.length ? `?${query.map(([k, v]) => `${k}=${v}`).join("&")}` : ""),
      status: answer.status,
    });
    for (const [name, value] of Object.entries(answer.headers ?? {})) if (/ratelimit|rate-limit|retry-after/.test(name)) this.rateHeaders.set(name, value);
    return answer;
  }

  // GET only. Answers false when the token does not work, as nothing else can be checked then.
  private async readOnlyChecks(options: DoctorOptions): Promise<boolean> {
    const me = await this.send({ method: "GET", path: "/auth/me" });
    const email = (me.body as { user_email?: unknown } | undefined)?.user_email;
    if (me.status !== 200 || typeof email !== "string") {
      this.add(
        "token",
        "fail",
        `refused (${me.status})`,
        `the provider cannot run: set ${envVars.apiToken} / ${configKeys.apiToken} to a token from Settings > API`,
      );
      return false;
    }
    this.add("token", "ok", `valid: account ${email}`, "the provider can read and write with it");
    const expected = this.settings.expectedAccount;
    if (!expected)
      this.add("expectedAccount", "skipped", "not set", `set ${configKeys.expectedAccount} to ${email} so that a token of another account writes nothing`);
    else if (expected.toLowerCase() === email.toLowerCase()) this.add("expectedAccount", "ok", `matches ${email}`, "the provider writes to this account");
    else
      this.add(
        "expectedAccount",
        "fail",
        `is ${expected}, the token's is ${email}`,
        "the provider refuses every write with this token: fix the token or the setting",
      );

    const teams = await this.send({ method: "GET", path: "/teams", query: { page: "1" } });
    const teamList = listIn(teams.body, "teams");
    this.readable("teams", teams.status, teamList, "team names and uuids are checked and resolved (teamUuid, team)");
    const channels = await this.send({ method: "GET", path: "/channels", query: { page: "1" } });
    const channelList = listIn(channels.body, "channels");
    this.readable("channels", channels.status, channelList, "channel names and uuids are checked and resolved (channelUuid, channel)");
    const mainWhatsapp = channelList?.some((c) => (c as { type?: unknown; main?: unknown }).type === "whatsapp" && (c as { main?: unknown }).main === true);
    if (channelList && !mainWhatsapp) {
      this.add(
        "main WhatsApp channel",
        "note",
        "none",
        "without channelUuid, Callbell looks phone numbers up on the main WhatsApp channel only: declare channelUuid",
      );
    }
    const firstTeam = (teamList?.[0] as { uuid?: unknown } | undefined)?.uuid;
    if (typeof firstTeam === "string") {
      const members = await this.send({ method: "GET", path: `/teams/${encodeURIComponent(firstTeam)}/members`, query: { page: "1" } });
      this.readable("team members", members.status, listIn(members.body, "users"), "assignedUser is checked against the members of the account's teams");
    }

    const ownerField = this.settings.ownerField;
    const page = await this.send({ method: "GET", path: "/contacts", query: { page: "1", include_field_types: ownerField ? "true" : undefined } });
    const contacts = listIn(page.body, "contacts");
    if (page.status !== 200 || !contacts) {
      this.add("contacts", "fail", `not readable (${page.status})`, "the provider cannot check or export contacts");
    } else {
      // What one page shows is a count, not the page size: Callbell documents none, and a page 1 that holds every
      // contact is shorter than a full one. The provider needs none: it reads on until a short or empty page.
      this.add(
        "contacts",
        "ok",
        contacts.length === 0 ? "readable (no contacts yet)" : `readable (${contacts.length} on page 1)`,
        "export and lookups page until a page comes back short or empty, whatever the page size (Callbell documents none)",
      );
    }
    if (!ownerField) {
      this.add("owner field", "skipped", "not set", `set ${configKeys.ownerField} to a text custom field: the provider then marks the contacts it holds`);
    } else {
      const withField = (contacts ?? []).filter((c) => typeof (c as ApiContact).customFields?.[ownerField] === "string");
      const type = (withField[0] as { customFieldsMetadata?: Record<string, { type?: string }> } | undefined)?.customFieldsMetadata?.[ownerField]?.type;
      if (withField.length === 0) {
        this.add(
          "owner field",
          "note",
          `'${ownerField}' on no contact of page 1`,
          options.probe
            ? "its type cannot be seen until a contact has it: the probe's rows below say whether a create stores it"
            : "its type cannot be seen until a contact has it: run doctor --probe to check a POST stores it",
        );
      } else if (type === undefined || type === "text") {
        this.add(
          "owner field",
          "ok",
          `'${ownerField}' seen on ${withField.length} contact(s), type ${type ?? "not given"}`,
          "the provider can write and read owner marks",
        );
      } else {
        this.add(
          "owner field",
          "fail",
          `'${ownerField}' is a ${type} field`,
          `owner marks need a text field: create one and set ${configKeys.ownerField} to it`,
        );
      }
    }
    await this.accountObjectChecks();
    const seen = [...this.rateHeaders].map(([k, v]) => `${k}: ${v}`).join(", ");
    this.add(
      "rate-limit headers",
      "ok",
      seen || "none seen",
      `the provider paces itself at ${this.settings.requestsPerSecond ?? 250} requests/s (${configKeys.requestsPerSecond}) ` +
        "and retries a 429 after its Retry-After, or with backoff without one",
    );
    return true;
  }

  // Custom statuses and the webhook: GET only. A GET of the webhook is not in Callbell's reference; its answer says
  // whether refresh and destroy of a Webhook can see it (domain/webhook/lifecycle.ts).
  private async accountObjectChecks(): Promise<void> {
    const statuses = await this.send({ method: "GET", path: "/custom_statuses", query: { page: "1" } });
    const statusList = listIn(statuses.body, "customStatuses");
    if (statuses.status === 200 && statusList) {
      this.add("custom statuses", "ok", `readable (${statusList.length} on page 1)`, "CustomStatus finds a status of its name before it creates one");
    } else {
      this.add("custom statuses", "note", `not readable (${statuses.status})`, "CustomStatus cannot work with this token; contacts are not affected");
    }
    const webhook = await this.send({ method: "GET", path: "/webhooks" });
    const held = (webhook.body as { webhook?: { url?: unknown; enabled?: unknown } } | undefined)?.webhook;
    if (webhook.status === 200 && typeof held?.url === "string") {
      this.add(
        "webhook read",
        held.enabled === false ? "note" : "ok",
        `GET /webhooks answers: set${held.enabled === false ? ", disabled after failed deliveries" : ""}`,
        "a Webhook's refresh shows changes made elsewhere, and destroy removes it only when it is unchanged",
      );
    } else {
      this.add(
        "webhook read",
        "note",
        `GET /webhooks answers ${webhook.status} (not in Callbell's reference)`,
        "a Webhook's refresh cannot see changes made elsewhere, and destroy leaves it unless unsubscribeOnDelete is set",
      );
    }
    const events = await this.send({ method: "GET", path: "/webhooks/events", query: { page: "1", status: "failed" } });
    const failed = listIn(events.body, "webhook_events");
    if (events.status === 200 && failed) {
      this.add(
        "failed webhook deliveries",
        failed.length ? "note" : "ok",
        `${failed.length} on page 1`,
        failed.length ? "repeated failures disable the webhook: check the receiver, then run up to subscribe again" : "the receiver answers",
      );
    } else this.add("failed webhook deliveries", "skipped", `not readable (${events.status})`, "GET /webhooks/events lists deliveries");
  }

  // With --probe: one throwaway custom status, and a second POST of its name, which says whether Callbell refuses a
  // duplicate name (its reference does not say); both deleted before it ends.
  private async probeCustomStatus(): Promise<void> {
    const name = `${probeName} ${Date.now().toString(36)}`;
    const made: string[] = [];
    const idOf = (body: unknown) => (body as { customStatus?: { id?: unknown } } | undefined)?.customStatus?.id;
    try {
      const first = await this.send({ method: "POST", path: "/custom_statuses", body: { name, emoji: "🧪" } });
      const firstId = idOf(first.body);
      if (typeof firstId !== "string") {
        this.add("custom status create", "fail", `${first.status}`, "CustomStatus cannot create statuses with this token");
        return;
      }
      made.push(firstId);
      this.add("custom status create", "ok", `${first.status}`, "CustomStatus creates statuses");
      const second = await this.send({ method: "POST", path: "/custom_statuses", body: { name } });
      const secondId = idOf(second.body);
      const another = typeof secondId === "string" && secondId !== firstId;
      if (another) made.push(secondId);
      this.add(
        "custom status name twice",
        "ok",
        another ? "Callbell makes a second status of one name" : secondId === firstId ? "Callbell answers the first status" : `refused (${second.status})`,
        "CustomStatus never sends a second create of a name the account has (it refuses, or adopts with adopt: true)",
      );
    } finally {
      for (const id of made) {
        const removed = await this.send({ method: "DELETE", path: `/custom_statuses/${encodeURIComponent(id)}` });
        if (removed.status !== 200) this.add("custom status cleanup", "fail", `${removed.status}`, `delete the status "${name}" in the dashboard`);
      }
    }
  }

  private readable(check: string, status: number, list: unknown[] | undefined, meaning: string): void {
    if (status === 200 && list) this.add(check, "ok", `readable (${list.length} on page 1)`, meaning);
    else this.add(check, "fail", `not readable (${status})`, `${meaning}: set callbell:checkAccount false to skip these checks`);
  }

  // Writes only to contacts it created on this number, and deletes each of them before it ends, even after an error.
  // Answers false when it wrote nothing because the number is a contact (or could not be looked up).
  private async probe(number: string, options: DoctorOptions): Promise<boolean> {
    const digits = phoneDigits(number);
    const phonePath = `/contacts/phone/${encodeURIComponent(digits)}`;
    let before = await this.send({ method: "GET", path: phonePath });
    // A probe that was killed leaves its contacts behind: those (its name, and its mark where there is an owner field)
    // are removed first, so that running the probe again cleans up after the one that stopped.
    let leftovers = 0;
    for (let found = this.probeLeftover(before.body, digits); found && leftovers < 5; found = this.probeLeftover(before.body, digits)) {
      const removed = await this.send({ method: "DELETE", path: `/contacts/${found.uuid}` });
      if (removed.status !== 200 && removed.status !== 404) break;
      leftovers++;
      before = await this.send({ method: "GET", path: phonePath });
    }
    if (leftovers > 0)
      this.add("earlier probe", "ok", `removed ${leftovers} contact(s) an earlier, stopped probe left on ${number}`, "nothing else was touched");
    if (before.status !== 404) {
      const why = before.status === 200 ? "is already a contact" : `could not be looked up (${before.status})`;
      this.add("probe number", "fail", `${number} ${why}`, "doctor wrote nothing: pass a number that is not a contact of this account");
      return false;
    }
    this.add("probe number", "ok", "not a contact yet", "the probe creates its throwaway contact on it");
    const created: string[] = [];
    try {
      await this.probeSteps(digits, phonePath, options, created);
    } catch (error) {
      this.add("probe", "fail", `stopped: ${(error as Error)?.message ?? String(error)}`, `search +${digits} in the Callbell dashboard for what it left`);
    }
    try {
      await this.cleanUp(digits, phonePath, created);
    } catch (error) {
      this.add(
        "left behind",
        "fail",
        `clean-up stopped: ${(error as Error)?.message ?? String(error)}`,
        `search +${digits} in the Callbell dashboard (Contacts) and delete what the probe left`,
      );
    }
    return true;
  }

  private async probeSteps(digits: string, phonePath: string, options: DoctorOptions, created: string[]): Promise<void> {
    const ownerField = this.settings.ownerField;
    let field = options.field ?? ownerField;
    const customFields: Record<string, string> = {};
    if (field) customFields[field] = "doctor probe";
    if (ownerField) customFields[ownerField] = "pulumi-callbell/doctor/probe";
    const body = { identifier: digits, source: "whatsapp", name: probeName };
    let post = await this.send({ method: "POST", path: "/contacts", body: field ? { ...body, custom_fields: customFields } : body });
    let contact = this.ownContact(post, digits, created);
    if (field && !contact && post.status >= 400 && post.status < 500) {
      // Refused: either the create takes no custom fields, or the field is not one of the account's. A PATCH tells which.
      post = await this.send({ method: "POST", path: "/contacts", body });
      contact = this.ownContact(post, digits, created);
      const patched = contact ? await this.send({ method: "PATCH", path: `/contacts/${contact.uuid}`, body: { custom_fields: customFields } }) : undefined;
      if (patched && patched.status < 300) {
        this.add("custom field in POST", "fail", `refused (${post.status})`, "the owner mark and custom fields must be written by a PATCH after the create");
      } else if (patched) {
        const flag = options.field ? `--field ${options.field}` : configKeys.ownerField;
        this.add(
          "custom field",
          "fail",
          `'${field}' refused by POST and PATCH (${patched.status}${namedIn(patched.body)})`,
          `pass --field NAME of an existing text custom field${options.field ? "" : `, or set ${configKeys.ownerField} to one`} (${flag} is not)`,
        );
        field = undefined;
      }
    } else if (field && contact) {
      // The owner field, when it is also the field tried, holds the owner mark that was sent.
      const stored = contact.customFields?.[field] === customFields[field];
      this.add(
        "custom field in POST",
        stored ? "ok" : "fail",
        stored ? "stored" : "dropped",
        stored ? "custom fields are set by the create itself" : "declared custom fields are not set by the create",
      );
      if (ownerField && ownerField !== field) {
        const mark = contact.customFields?.[ownerField] === "pulumi-callbell/doctor/probe";
        this.add(
          "owner mark in POST",
          mark ? "ok" : "fail",
          mark ? "stored" : "dropped",
          mark ? "a create carries its owner mark" : "a create's owner mark is lost",
        );
      }
    } else if (!field) {
      this.add("custom field in POST", "skipped", "no field to try", `pass --field NAME (an existing text field) or set ${configKeys.ownerField}`);
    }
    if (!contact) {
      this.add("create", "fail", `POST /contacts answered ${post.status}`, "the provider cannot create contacts with this account");
      return;
    }
    const uuid = contact.uuid;
    this.add("contact in answers", "ok", `POST: ${contactInAnswer(post.body)!.shape}`, "the client reads a contact as an array or an object");

    const second = await this.send({ method: "POST", path: "/contacts", body: { identifier: digits, source: "whatsapp", name: probeName } });
    const again = this.ownContact(second, digits, created);
    if (!again) {
      this.add(
        "duplicates",
        second.status >= 400 && second.status < 500 ? "ok" : "note",
        `refused (${second.status})`,
        "a second create of a number fails; the provider looks up before it creates",
      );
    } else if (again.uuid === uuid) {
      this.add("duplicates", "ok", "answers the existing contact", "a second create of a number is harmless");
    } else {
      this.add(
        "duplicates",
        "note",
        "allowed (a second contact)",
        "the provider looks the number up before each create and after a lost answer, so it never makes one itself",
      );
    }

    if (field) {
      const cleared = await this.send({ method: "PATCH", path: `/contacts/${uuid}`, body: { custom_fields: { [field]: "" } } });
      const after = contactInAnswer(cleared.body)?.contact;
      if (!after) this.add('"" on PATCH', "fail", `answered ${cleared.status}`, "removing a custom field from code cannot be sent");
      else if (after.customFields?.[field] === undefined || after.customFields?.[field] === "") {
        this.add('"" on PATCH', "ok", "clears", "removing a custom field from code clears it in Callbell");
      } else {
        this.add('"" on PATCH', "note", "ignored", "a custom field removed from code stays in Callbell; `up` says which, to remove in the dashboard");
      }
    } else this.add('"" on PATCH', "skipped", "no field to try", `pass --field NAME (an existing text field) or set ${configKeys.ownerField}`);
    const [tagA, tagB] = options.tags ?? [];
    // Both tags first, then one: what the account does with the other is what a tag removed from code meets.
    const tagged = tagA && tagB ? await this.send({ method: "PATCH", path: `/contacts/${uuid}`, body: { tags: [tagA, tagB] } }) : undefined;
    if (tagged && tagged.status >= 300) {
      this.add(
        "PATCH tags",
        "fail",
        `--tags ${tagA},${tagB} refused (${tagged.status}${namedIn(tagged.body)})`,
        "pass --tags A,B with two tags the account has (tags are created in the dashboard)",
      );
    } else if (tagA && tagB) {
      const patched = await this.send({ method: "PATCH", path: `/contacts/${uuid}`, body: { tags: [tagA] } });
      const tags = contactInAnswer(patched.body)?.contact.tags ?? undefined;
      if (!tags) this.add("PATCH tags", "fail", `answered ${patched.status}`, "tags cannot be changed with this account");
      else if (tags.some((t) => t.toLowerCase() === tagB.toLowerCase())) {
        this.add("PATCH tags", "note", "merge", "a tag removed from code stays in Callbell; `up` says which, to remove in the dashboard");
      } else this.add("PATCH tags", "ok", "replace", "removing a tag from code removes it in Callbell");
      const swapped = swapCase(tagA);
      const cased = await this.send({ method: "PATCH", path: `/contacts/${uuid}`, body: { tags: [swapped] } });
      const casedTags = contactInAnswer(cased.body)?.contact.tags;
      if (casedTags) {
        const stored = casedTags.find((t) => t.toLowerCase() === tagA.toLowerCase());
        this.add(
          "tag in another case",
          "ok",
          `accepted, stored as '${stored ?? "?"}'`,
          "tags are compared without case, so a tag's case in code makes no diff",
        );
      } else this.add("tag in another case", "note", `refused (${cased.status})`, "write tags in the case the dashboard has them");
    } else {
      this.add("PATCH tags", "skipped", "no tags to try", "pass --tags A,B (two tags the account has) to see whether a tag removed from code is removed");
    }
    const refused = await this.send({ method: "PATCH", path: `/contacts/${uuid}`, body: { tags: [unknownTag] } });
    const details = errorBodyDetails(refused.body);
    if (refused.status < 400) this.add("error body", "note", `an unknown tag was accepted (${refused.status})`, "Callbell may create tags it does not know");
    else {
      const named = details.field ? `, names '${details.field}'` : ", names no field";
      this.add(
        "error body",
        details.shape === "other" ? "note" : "ok",
        `${refused.status} ${errorBodyShapes[details.shape]}${named}`,
        details.shape === "other" ? "errors show Callbell's raw answer" : "errors quote Callbell's message" + (details.field ? " and the field it blames" : ""),
      );
    }

    const lookup = await this.send({ method: "GET", path: phonePath });
    const found = contactInAnswer(lookup.body);
    if (found?.contact.uuid === uuid || (found && again && found.contact.uuid === again.uuid)) {
      this.add("lookup by phone", "ok", `finds it (contact as an ${found.shape})`, "creates are duplicate-safe: a lost answer is found before any re-send");
    } else
      this.add("lookup by phone", "fail", `answered ${lookup.status}${found ? " with another contact" : ""}`, "a create whose answer is lost cannot be found");
    const read = await this.send({ method: "GET", path: `/contacts/${uuid}` });
    const readShape = contactInAnswer(read.body)?.shape;
    this.add("GET by uuid", readShape ? "ok" : "fail", readShape ? `contact as an ${readShape}` : `answered ${read.status}`, "refresh reads contacts by uuid");

    const deleted = await this.send({ method: "DELETE", path: `/contacts/${uuid}` });
    if (deleted.status === 200) created.splice(created.indexOf(uuid), 1);
    this.add("DELETE", deleted.status === 200 ? "ok" : "fail", `${deleted.status}`, "destroy deletes the contacts it holds");
    const twice = await this.send({ method: "DELETE", path: `/contacts/${uuid}` });
    this.add(
      "DELETE of a missing contact",
      twice.status === 404 || twice.status === 200 ? "ok" : "note",
      twice.status === 200 ? "200 (as if deleted)" : `${twice.status}`,
      "the client takes a 404 or a 200 as already gone",
    );
    const gone = await this.send({ method: "GET", path: `/contacts/${uuid}` });
    this.add(
      "GET after DELETE",
      gone.status === 404 ? "ok" : "fail",
      gone.status === 404 ? "404: gone" : `${gone.status}: still there`,
      "refresh drops a deleted contact",
    );
  }

  // A contact in a lookup's answer that an earlier probe made: on the number, with the probe's name, and with the probe's
  // mark when the account has an owner field. Anything else on the number is a real contact and is never touched.
  private probeLeftover(body: unknown, digits: string): ApiContact | undefined {
    const contact = contactInAnswer(body)?.contact;
    if (!contact || contact.name !== probeName || phoneDigits(contact.phoneNumber ?? "") !== digits) return undefined;
    const ownerField = this.settings.ownerField;
    if (ownerField && contact.customFields?.[ownerField] !== "pulumi-callbell/doctor/probe") return undefined;
    return contact;
  }

  // The contact an answer created, remembered for clean-up only when it is on the probe's number.
  private ownContact(answer: HttpAnswer, digits: string, created: string[]): ApiContact | undefined {
    const contact = answer.status < 300 ? contactInAnswer(answer.body)?.contact : undefined;
    if (!contact || phoneDigits(contact.phoneNumber ?? "") !== digits) return undefined;
    if (!created.includes(contact.uuid)) created.push(contact.uuid);
    return contact;
  }

  // Deletes what the probe created, and what a POST whose answer was lost created: a contact on the number (free when the
  // probe began) that carries the probe's name. Anything else on the number is left alone and reported.
  private async cleanUp(digits: string, phonePath: string, created: string[]): Promise<void> {
    for (const uuid of [...created]) {
      const answer = await this.send({ method: "DELETE", path: `/contacts/${uuid}` });
      if (answer.status === 200 || answer.status === 404) created.splice(created.indexOf(uuid), 1);
    }
    let still: ApiContact | undefined;
    for (let tries = 0; tries < 3; tries++) {
      const left = await this.send({ method: "GET", path: phonePath });
      still = contactInAnswer(left.body)?.contact;
      if (!still || still.name !== probeName || phoneDigits(still.phoneNumber ?? "") !== digits) break;
      await this.send({ method: "DELETE", path: `/contacts/${still.uuid}` });
      still = undefined;
    }
    if (created.length === 0 && !still) this.add("left behind", "ok", "nothing", "the probe deleted every contact it created");
    else
      this.add(
        "left behind",
        "fail",
        still ? `a contact on +${digits}` : `${created.length} contact(s)`,
        `search +${digits} in the Callbell dashboard (Contacts) and delete what the probe left`,
      );
  }
}

// ", names 'tags'" when an error body names the field it refused, else nothing.
function namedIn(body: unknown): string {
  const field = errorBodyDetails(body).field;
  return field ? `, names '${field}'` : "";
}

function listIn(body: unknown, key: string): unknown[] | undefined {
  const list = body && typeof body === "object" ? (body as Record<string, unknown>)[key] : undefined;
  return Array.isArray(list) ? list : undefined;
}

function swapCase(text: string): string {
  const upper = text.toUpperCase();
  return upper !== text ? upper : text.toLowerCase();
}
