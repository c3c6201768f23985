// Everything the lifecycle's operations (lifecycle.ts) share during one run: the settings and the client, the
// account checks before a write, the run's memory, the owner marks in the settings' owner field, and the sentences
// about a contact, masked when its personal data is secret. Each front door builds one: the dynamic-provider host
// (host.ts) and tests, over a ProviderContext.
import { ApiContact, ContactsClient } from "../../client/contacts";
import { CallbellError, redact } from "../../client/errors";
import { maskInput, maskPersonalData, personalValues } from "./personal-data";
import { ContactError } from "./error";
import { OwnerMarkable, ownerMarkOn, withOwnerMark } from "./mapping";
import { writeMark } from "./ownership";
import { Origin, Owner } from "../../run/owner";
import { adoptHint } from "./hints";
import { AccountRun, ProviderContext } from "../account-run";
import { PageSnapshot, defaultPageReadLimits } from "../../run/page-snapshot";
import { listedAnswersFor, pageReadable } from "./page-fit";
import { AccountReferences } from "./references";
import { ContactInputs, ContactOutputs } from "./shape";
import { accountContactKey, createKey } from "./identity";

/** The context a run is built over (account-run.ts), as the contact lifecycle's callers know it. */
export type { ProviderContext };

/** One run of the contact lifecycle: the account run, with the contact's references, pages, marks and sentences. */
export class ContactRun extends AccountRun {
  /** Team, channel and assignee checks and name resolution, with one read of each list per run. */
  readonly references: AccountReferences;
  // The page snapshot of the client it was read with: a client made anew (other settings) starts another.
  private pages?: { client: ContactsClient; snapshot: PageSnapshot };

  constructor(context: ProviderContext) {
    super(context);
    this.references = new AccountReferences(
      () => context.settings(),
      (message) => this.warn(message),
    );
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
