// What every resource type's operations share during one run of a provider process: the settings and the client, the
// run's memory of who keeps and declares what (run/run-memory.ts), and the checks before a write (the run is alive, no
// second run of the stack writes beside it, the token belongs to the expected account). ContactRun and the runs of
// the account's other resource types build on it; each front door builds their context (ProviderContext).
import { ContactsClient } from "../client/contacts";
import { CallbellConfigError, ProviderSettings } from "../config";
import { normalApiUrl, sameEmail } from "../normalize";
import { EngineRun } from "../run/engine-run";
import { type Owner, resourceOfOwner } from "../run/owner";
import type { PageReadLimits } from "../run/page-snapshot";
import { RunMemory, anotherProvider } from "../run/run-memory";
import { StackWriteLock } from "../run/write-lock";

/** The front door a run serves: the dynamic resource (TypeScript/JavaScript) or the provider plugin (any language). */
export type Door = "dynamic" | "plugin";

/** What a run needs from its surroundings: a client, made on first use, and the settings. */
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
   * The front door this run serves, for the syntax its messages suggest (contact/hints.ts): "dynamic" (default), the
   * resources of TypeScript/JavaScript programs, or "plugin", the provider plugin of any language.
   */
  door?: Door;
}

/** One run of the provider over one account: its context, its memory and the checks before a write. */
export class AccountRun {
  /** Who keeps and who declares each Callbell object (by its id and identity) in this run. */
  readonly memory: RunMemory;
  private readonly engineRun?: EngineRun;
  private readonly writeLock: StackWriteLock;
  private accountChecked?: Promise<void>;

  constructor(protected readonly context: ProviderContext) {
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

  /** The contacts client, made on first use; it also answers who the token belongs to. */
  client(): ContactsClient {
    return this.context.client();
  }

  /**
   * What makes two providers of the run one account, for the run's memory: the API URL in one spelling and the token
   * (hashed by the run files). Two accounts on one URL are two; one account spelled two ways is one.
   */
  accountKey(): string {
    const { apiUrl, apiToken } = this.settings();
    return `${normalApiUrl(apiUrl)}\u0000${apiToken ?? ""}`;
  }

  /** The API URL in one spelling: creates on it wait for each other, whatever the token. */
  urlKey(): string {
    return normalApiUrl(this.settings().apiUrl);
  }

  /**
   * Records that `owner` declares this identity in the run; when another resource of the run already does, answers it
   * as a sentence names it ("resource \"x\"", or a resource of another provider process).
   */
  declareOnce(identity: string, owner: Owner): string | undefined {
    const other = this.memory.declare(identity, owner);
    if (other === undefined) return undefined;
    return other === anotherProvider ? "a resource of another provider on the same Callbell account" : `resource "${resourceOfOwner(other)}"`;
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
}
