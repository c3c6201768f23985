// What one run of the provider remembers between its operations. The engine serves every Contact of a `pulumi` run
// from one provider process and runs the deletes of removed or replaced resources after the creates and diffs, so
// this memory knows, before any delete, which contacts a live resource keeps and which resource declares which
// contact. Bookkeeping; the only I/O is the run's shared log (run-log.ts) and create claims (write-lock.ts), when the
// process serves an engine run.
import type { Keeper, Owner } from "./owner";
import type { EngineRun } from "./engine-run";
import { RunLog } from "./run-log";
import { withCreateClaim } from "./write-lock";

/** The run's memory of who keeps and who declares each contact, and the queue of creates per number. */
export class RunMemory {
  // Contacts a live resource of this run keeps (uuid → that resource and how it holds it): created or taken over
  // here, or diffed or updated without a replacement. Deleting one of them would delete a contact the program still
  // declares: a renamed resource took it over, or the replacement of a resource (`up --replace`) kept it.
  private readonly kept = new Map<string, Keeper>();
  // The contact each resource keeps (owner → uuid), to find the one a replacement lets go.
  private readonly keptFor = new Map<Owner, string>();
  // Which resource declares each contact in this run (identity → owner): one contact declared twice, e.g. as
  // "393331234567" and "+39 333 123 4567", would otherwise become two creates that both find nothing and both POST.
  private readonly declaredBy = new Map<string, Owner>();
  private readonly creating = new Map<string, Promise<unknown>>();

  private readonly log?: RunLog;

  /** A memory of its own; within an engine run, what it keeps and declares is shared with the run's other provider processes. */
  constructor(private readonly run?: EngineRun) {
    this.log = run ? RunLog.inFolder(run.folder) : undefined;
  }

  /** Records that a live resource keeps this contact. */
  keep(uuid: string, keeper: Keeper): void {
    this.run?.assertIntact();
    // A replacement that holds another contact than its resource's old one lets the old one go: that is the one the
    // replace deletes.
    const before = keeper.owner === undefined ? undefined : this.keptFor.get(keeper.owner);
    if (before !== undefined && before !== uuid && this.kept.get(before)?.owner === keeper.owner) {
      this.kept.delete(before);
      this.log?.release(before, keeper.owner ?? "");
    }
    this.kept.set(uuid, keeper);
    this.log?.record(uuid, keeper);
    if (keeper.owner !== undefined) this.keptFor.set(keeper.owner, uuid);
  }

  /**
   * Records that the program declares a contact whose create was refused (Callbell has it, and nothing shows it is this
   * resource's): no delete of this run may take it, though no resource holds it. Nothing when a resource keeps it.
   */
  stillDeclared(uuid: string, owner: Owner | undefined): void {
    if (this.keeperOf(uuid)) return;
    const keeper: Keeper = { owner, origin: "adopted" };
    this.kept.set(uuid, keeper);
    this.log?.record(uuid, keeper);
  }

  /** The live resource of this run that keeps the contact, if any, in this process or in another of the run. */
  keeperOf(uuid: string): Keeper | undefined {
    this.run?.assertIntact();
    const local = this.kept.get(uuid);
    if (local) return local;
    const logged = this.log?.find(uuid);
    return logged && { ownerFingerprint: logged.ownerFingerprint, origin: logged.origin };
  }

  /**
   * Records that `owner` declares the contact of this identity; returns the other resource that already does, if any:
   * its name in this process, or "another provider of this run" when a resource of another provider process did.
   */
  declare(identity: string, owner: Owner): Owner | undefined {
    this.run?.assertIntact();
    const other = this.declaredBy.get(identity);
    if (other !== undefined && other !== owner) return other;
    this.declaredBy.set(identity, owner);
    return this.log?.declare(identity, owner) ? anotherProvider : undefined;
  }

  /** True when `owner` declared this identity in this run, in this process or another: a resource the code still declares. */
  declares(identity: string, owner: Owner | undefined): boolean {
    if (owner === undefined) return false;
    return this.declaredBy.get(identity) === owner || (this.log?.declaredBy(identity, owner) ?? false);
  }

  /**
   * Runs creates of one number one after the other, so the second finds what the first made (a declaration whose
   * number check could not see, e.g. one taken from another resource's output, reaches create unchecked), in this
   * process and, through a claim file, in every provider process of the run.
   */
  async oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
    const turn = (this.creating.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => withCreateClaim(this.run, key, work));
    this.creating.set(key, turn);
    try {
      return await turn;
    } finally {
      if (this.creating.get(key) === turn) this.creating.delete(key);
    }
  }
}

/** What `declare` answers when the other declaration came from another provider process of the run. */
export const anotherProvider = "another provider of this run";
