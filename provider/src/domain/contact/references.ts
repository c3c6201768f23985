// Teams and channels by name, and what the account can tell at preview: check() resolves
// `team` and `channel` to the uuids the state records, and, with callbell:checkAccount, checks
// assignees, team and channel uuids against the account. Every list is read at most once per
// provider host process, i.e. once per preview or up, however many contacts there are.
import { AccountClient, ApiChannel, ApiTeam } from "../../client/account";
import { shownMessage } from "../../client/errors";
import { activeChannels, findChannel, findTeam, sameName } from "../../client/names";
import { ProviderSettings, configKeys } from "../../config";
import { containsUnknown, emailKey, sameEmail, unknownValue } from "../../normalize";
import { isUuid } from "../../client/uuid";
import { InputProblem, isMainChannel } from "./schema";
import { ChannelRef, ContactInputs } from "./shape";
import { accountClientFor } from "../../connection";

/** The inputs with team and channel uuids resolved, or the problems that fail the check. */
export interface ResolvedReferences {
  inputs: ContactInputs;
  problems: InputProblem[];
}

/** The same channel reference: both the main channel, or the same title. */
function sameChannel(a: ChannelRef | undefined, b: ChannelRef): boolean {
  if (a === undefined) return false;
  if (isMainChannel(a) || isMainChannel(b)) return isMainChannel(a) && isMainChannel(b);
  return typeof a === "string" && sameName(a, b);
}

const kept = <T>(promise: Promise<T>): Promise<T> => {
  promise.catch(() => undefined);
  return promise;
};

/** Name resolution and account checks of one provider host, with its lists read once. */
export class AccountReferences {
  private client?: AccountClient;
  private teams?: Promise<ApiTeam[]>;
  private channels?: Promise<ApiChannel[]>;
  private assignees?: Promise<Set<string>>;
  private readonly warned = new Set<string>();

  constructor(
    private readonly settings: () => ProviderSettings,
    private readonly warn: (message: string) => void,
  ) {}

  /**
   * Resolves `team` and `channel` of checked inputs. A name that did not change since the last
   * run keeps the uuid the state holds, without a request: a team renamed in the dashboard
   * changes nothing, and writing its new name resolves to the same uuid. With checkAccount,
   * assignees, team and channel uuids that this run would write are checked.
   */
  async resolve(olds: Partial<ContactInputs> | undefined, inputs: ContactInputs): Promise<ResolvedReferences> {
    const out: ContactInputs = { ...inputs };
    const problems: InputProblem[] = [];
    let settings: ProviderSettings | undefined;
    try {
      settings = this.settings();
    } catch (error) {
      // A setting that is wrong is reported by the first request; names need the account, though.
      if (inputs.team === undefined && inputs.channel === undefined) return { inputs, problems };
      return { inputs, problems: [{ property: inputs.team !== undefined ? "team" : "channel", reason: (error as Error).message }] };
    }
    const token = settings.apiToken;

    if (inputs.team !== undefined) {
      const name = inputs.team;
      if (containsUnknown(name)) out.teamUuid = unknownValue;
      else if (olds?.team !== undefined && sameName(String(olds.team), name) && isUuid(olds.teamUuid)) out.teamUuid = olds.teamUuid;
      else if (!token) out.teamUuid = this.unresolved();
      else {
        const quoted = `team ${JSON.stringify(name)}`;
        try {
          const match = findTeam(await this.teamList(), name);
          if (match.found) out.teamUuid = match.found.uuid;
          else problems.push({ property: "team", reason: `${quoted}: ${match.problem}` });
        } catch (error) {
          problems.push({
            property: "team",
            reason: `${quoted}: could not read the teams of the Callbell account (${this.say(error)}); nothing was written, run it again`,
          });
        }
      }
    }

    if (inputs.channel !== undefined) {
      const channel = inputs.channel;
      const sameSource = olds?.source === inputs.source;
      if (containsUnknown(channel) || containsUnknown(inputs.source)) out.channelUuid = unknownValue;
      else if (sameSource && sameChannel(olds?.channel, channel) && isUuid(olds?.channelUuid)) out.channelUuid = olds.channelUuid;
      else if (!token) out.channelUuid = this.unresolved();
      else {
        const title = isMainChannel(channel) ? undefined : channel;
        const quoted = title === undefined ? `channel { main: true }` : `channel ${JSON.stringify(title)}`;
        try {
          const match = findChannel(await this.channelList(), inputs.source, title);
          if (match.found) out.channelUuid = match.found.uuid;
          else problems.push({ property: "channel", reason: `${quoted}: ${match.problem}` });
        } catch (error) {
          const reason = `${quoted}: could not read the channels of the Callbell account (${this.say(error)}); nothing was written, run it again`;
          problems.push({ property: "channel", reason });
        }
      }
    }

    if (settings.checkAccount && problems.length === 0) problems.push(...(await this.checkAccount(olds ?? {}, out, !!token)));
    return { inputs: out, problems };
  }

  // The values this run would write (new, or changed since the state) that the account can vouch for.
  private async checkAccount(olds: Partial<ContactInputs>, inputs: ContactInputs, hasToken: boolean): Promise<InputProblem[]> {
    const team = inputs.team === undefined && isUuid(inputs.teamUuid) && inputs.teamUuid !== olds.teamUuid ? inputs.teamUuid : undefined;
    const channel = inputs.channel === undefined && isUuid(inputs.channelUuid) && inputs.channelUuid !== olds.channelUuid ? inputs.channelUuid : undefined;
    const assignee =
      typeof inputs.assignedUser === "string" && !containsUnknown(inputs.assignedUser) && !sameEmail(inputs.assignedUser, olds.assignedUser)
        ? inputs.assignedUser
        : undefined;
    if (!team && !channel && !assignee) return [];
    if (!hasToken) {
      this.once(
        `this run has no Callbell API token (a pull request from a fork?): assignees, teams and channels were not checked against the ` +
          `account; the preview itself is complete (set ${configKeys.checkAccount} to false to skip these checks without this note)`,
      );
      return [];
    }
    const problems: InputProblem[] = [];
    try {
      if (team) {
        const teams = await this.teamList();
        if (!teams.some((t) => t.uuid === team)) {
          const known = teams.map((t) => `"${t.name}" (${t.uuid})`).join(", ") || "none";
          problems.push({
            property: "teamUuid",
            reason: `teamUuid ${team} is not a team of this Callbell account; known teams: ${known}; copy one of these uuids, or write team: "<name>"`,
          });
        }
      }
      if (channel) {
        const channels = await this.channelList();
        const found = channels.find((c) => c.uuid === channel && !c.discardedAt);
        const known = activeChannels(channels, inputs.source)
          .map((c) => `"${c.title}" (${c.uuid})`)
          .join(", ");
        const fix = `known ${inputs.source} channels: ${known || "none"}; copy one of these uuids, or write channel: "<title>"`;
        if (!found) {
          problems.push({ property: "channelUuid", reason: `channelUuid ${channel} is not a channel of this Callbell account (or it was discarded); ${fix}` });
        } else if (found.type !== inputs.source) {
          problems.push({
            property: "channelUuid",
            reason: `channelUuid ${channel} is the ${found.type} channel "${found.title}", not a ${inputs.source} channel; ${fix}`,
          });
        }
      }
      if (assignee && !(await this.assigneeList()).has(emailKey(assignee))) {
        problems.push({
          property: "assignedUser",
          reason:
            `assignedUser ${assignee} is no member of any team of this Callbell account, so Callbell would refuse the assignment; ` +
            "check the email, or add the user to a team in the Callbell dashboard",
        });
      }
    } catch (error) {
      this.once(`assignees, teams and channels were not checked against the Callbell account: a list could not be read (${this.say(error)})`);
      return [];
    }
    return problems;
  }

  private unresolved(): string {
    this.once(
      "this run has no Callbell API token (a pull request from a fork?): team and channel names that are new or changed show as unknown " +
        "until a run with the token resolves them; names that did not change keep the uuids in the state",
    );
    return unknownValue;
  }

  private once(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.warn(message);
  }

  private say(error: unknown): string {
    return shownMessage(error, [this.settings().apiToken]);
  }

  private account(): AccountClient {
    const s = this.settings();
    // Only called with a token: without one, names resolve to unknown (unresolved) and nothing is read.
    this.client ??= accountClientFor(s, s.apiToken ?? "");
    return this.client;
  }

  // Each list is read once per run, and a failed read is kept too: one failure per run, not one (with its retries)
  // per contact. Each caller handles the failure; the empty catch only keeps it from counting as unhandled.
  private teamList(): Promise<ApiTeam[]> {
    return (this.teams ??= kept(this.account().listTeams()));
  }

  private channelList(): Promise<ApiChannel[]> {
    return (this.channels ??= kept(this.account().listChannels()));
  }

  // Callbell lists no users, only team members: an assignee must be a member of some team.
  private assigneeList(): Promise<Set<string>> {
    return (this.assignees ??= kept(
      this.teamList().then(async (teams) => {
        const members = await Promise.all(teams.map((t) => this.account().listTeamMembers(t.uuid)));
        return new Set(members.flat().map((m) => emailKey(m.email)));
      }),
    ));
  }
}
