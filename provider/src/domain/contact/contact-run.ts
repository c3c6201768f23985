// Everything the lifecycle's operations (lifecycle.ts) share during one run: the settings and the client, the
// account checks before a write, the run's memory, the owner marks in the settings' owner field, and the sentences
// about a contact, masked when its personal data is secret. Each front door builds one: the dynamic-provider host
// (host.ts) and tests, over a ProviderContext.
import { ApiContact, ContactsClient } from "../../client/contacts";
import { CallbellError, redact } from "../../client/errors";
import { CallbellConfigError, ProviderSettings } from "../../config";
import { sameEmail } from "../../normalize";
import { maskInput, maskPersonalData, personalValues } from "./personal-data";
import { ContactError } from "./error";
import { OwnerMarkable, ownerMarkOn, withOwnerMark } from "./mapping";
import { writeMark } from "./ownership";
import { Origin, Owner } from "../../run/owner";
import { Door, adoptHint } from "./hints";
import { PageReadLimits, PageSnapshot, defaultPageReadLimits } from "../../run/page-snapshot";
import { listedAnswersFor, pageReadable } from "./page-fit";
import { AccountReferences } from "./references";
import { RunMemory } from "../../run/run-memory";
import { EngineRun } from "../../run/engine-run";
import { ContactInputs, ContactOutputs } from "./shape";
import { accountContactKey, createKey } from "./identity";
import { StackWriteLock } from "../../run/write-lock";

/** What the lifecycle needs from its surroundings: a client, made on first use, and the settings. */
export interface ProviderContext {
  settings(): ProviderSettings;
  client(): ContactsClient;
  /** Where a warning goes (default: the process's stderr, which the engine shows as a diagnostic). */
  warn?(message: string): void;
  /** The guard against a second run of the stack writing beside this one (default: a lock file per stack on this machine). */
  writeLock?: StackWriteLock;
  /** The engine run this process serves (default: the one its arguments name; none in a test's own process). */
  engineRun?: EngineRun;
  /** When a run's reads turn to page reads (default: defaultPageReadLimits). */
  pageReads?: PageReadLimits;
  /**
   * The front door this run serves, for the syntax its messages suggest (hints.ts): "dynamic" (default), the Contact
   * of TypeScript/JavaScript programs, or "plugin", the provider plugin of any language.
   */
  door?: Door;
}

/** One run of the provider: its context, its memory and the helpers every operation uses. */
export class ContactRun {
  /** Team, channel and assignee checks and name resolution, with one read of each list per run. */
  readonly references: AccountReferences;
  /** Who keeps and who declares each contact in this run. */
  readonly memory: RunMemory;
  private readonly engineRun?: EngineRun;
  private readonly writeLock: StackWriteLock;
  private accountChecked?: Promise<void>;
  // The page snapshot of the client it was read with: a client made anew (other settings) starts another.
  private pages?: { client: ContactsClient; snapshot: PageSnapshot };

  constructor(private readonly context: ProviderContext) {
    this.references = new AccountReferences(
      () => context.settings(),
      (message) => this.warn(message),
    );
    this.engineRun = context.engineRun ?? EngineRun.ofThisProcess();
    this.memory = new RunMemory(this.engineRun);
    this.writeLock = context.writeLock ?? new StackWriteLock(undefined, undefined, this.engineRun);
  }

  /** The resolved settings. */
  settings(): ProviderSettings {
    return this.context.settings();
  }

  /** The front door this run serves (ProviderContext.door). */
  door(): Door {
    return this.context.door ?? "dynamic";
  }

  /** The Callbell client, made on first use. */
  client(): ContactsClient {
    return this.context.client();
  }

  /**
   * The contact as Callbell has it now, for read (refresh): from the run's page snapshot when the pages can answer for
   * it (run/page-snapshot.ts), else GET /contacts/:uuid; undefined when Callbell has it no more. Only a single read ever
   * says "gone". Never for a write decision: create and delete read for themselves.
   */
  async currentContact(uuid: string, held: ContactOutputs | undefined): Promise<ApiContact | undefined> {
    const client = this.client();
    if (this.settings().pageReads !== false && pageReadable(held)) {
      if (this.pages?.client !== client)
        this.pages = { client, snapshot: new PageSnapshot((page) => client.listPage(page), this.context.pageReads ?? defaultPageReadLimits) };
      const listed = await this.pages.snapshot.find(uuid);
      if (listed && listedAnswersFor(listed, held)) return listed;
    }
    return client.get(uuid);
  }

  /**
   * Records that this run writes the contact, the one record of what it touched: the page snapshot never answers for it
   * again (it may predate the write), and, with a keeper, the run memory knows which live resource keeps it.
   */
  touched(uuid: string, keeper?: { owner?: Owner; origin?: Origin }): void {
    this.pages?.snapshot.forget(uuid);
    if (keeper) this.memory.keep(uuid, keeper);
  }

  /** What makes two declarations one contact on this run's account (identity.ts). */
  identityOf(inputs: Pick<ContactInputs, "source" | "identifier">): string {
    return accountContactKey(this.settings(), inputs);
  }

  /** The key that keeps creates of one number one at a time on this run's account (identity.ts). */
  createKeyOf(inputs: Pick<ContactInputs, "source" | "identifier">): string {
    return createKey(this.settings().apiUrl, inputs);
  }

  /** Says a warning once, as a diagnostic of the run. */
  warn(message: string): void {
    if (this.context.warn) this.context.warn(message);
    else process.stderr.write(`warning: ${message}\n`);
  }

  /**
   * Before each write: the run this process serves is still alive (an orphaned provider of a killed `pulumi` writes
   * nothing more). Before the first write of this process: no other run of this stack on this machine may still be writing (a run
   * cancelled with `pulumi cancel` goes on until it ends, and a second `up` beside it would create every contact it
   * is creating a second time); and the token must belong to the account the stack expects, so a prod token in a dev
   * stack cannot seed prod.
   */
  async beforeWrite(owner: Owner | undefined): Promise<void> {
    await this.engineRun?.assertAlive();
    await this.writeLock.acquire(owner, this.settings().backend);
    const expected = this.settings().expectedAccount;
    if (!expected) return;
    this.accountChecked ??= this.client()
      .me()
      .then((account) => {
        if (!sameEmail(account.email, expected)) {
          throw new CallbellConfigError(
            `Refusing to write: this stack expects the Callbell account ${expected} (callbell:expectedAccount), but the API token belongs to ` +
              `${account.email}. Use the token of ${expected}, or change callbell:expectedAccount if the stack really targets ${account.email}.`,
          );
        }
      });
    this.accountChecked.catch(() => {
      this.accountChecked = undefined;
    });
    return this.accountChecked;
  }

  /** The owner mark this resource should carry, when the account has an owner field. */
  markFor(owner: Owner | undefined, origin: Origin | undefined): string | undefined {
    const { ownerField, backend } = this.settings();
    return ownerField && owner ? writeMark({ owner, backend, adopted: origin === "adopted" }) : undefined;
  }

  /** The body, also writing this mark in the owner field. */
  withMark<T extends OwnerMarkable>(body: T, mark: string | undefined): T {
    return withOwnerMark(body, this.settings().ownerField, mark);
  }

  /** The owner mark a contact carries now. */
  markOn(contact: ApiContact): string | undefined {
    return ownerMarkOn(contact, this.settings().ownerField);
  }

  /** A contact as sentences name it: `"QA Alice" (393331234567)`. */
  describe(inputs: Partial<ContactInputs>): string {
    return `${inputs.name ? `"${inputs.name}" ` : ""}(${inputs.identifier ?? "?"})`;
  }

  /** A sentence about a contact, masked when its personal data is secret. */
  said(text: string, inputs: Partial<ContactInputs> | undefined, more: readonly unknown[] = []): string {
    const record = inputs as Record<string, unknown> | undefined;
    return record?.[maskInput] === true ? maskPersonalData(text, personalValues(record, more)) : text;
  }

  /** The error that refuses an operation with this sentence. */
  refuse(text: string, inputs: Partial<ContactInputs> | undefined, more: readonly unknown[] = []): ContactError {
    return new ContactError(this.said(text, inputs, more));
  }

  /** The error for a failed `action` on a contact, with the token redacted. */
  fail(error: unknown, inputs: Partial<ContactInputs>, action: string): ContactError {
    let detail = error instanceof Error ? error.message : String(error);
    if (error instanceof CallbellError && error.status === 409) detail += `; to manage the existing contact, ${adoptHint(this.door())}`;
    return this.refuse(redact(`Could not ${action} contact ${this.describe(inputs)}: ${detail}`, [this.settings().apiToken]), inputs);
  }
}
