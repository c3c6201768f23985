// The simulated Callbell account: the fixture, checked once, with O(1) lookups for validation.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  CHANNEL_TYPES,
  type AccountFixture,
  type Channel,
  type ChannelType,
  type FixtureChannel,
  type FixtureCustomField,
  type FixtureTeam,
  type FixtureUser,
  type Team,
  type TeamMember,
} from "./types";

/** Path of the fixture used when SimulatorOptions.fixture is not given. */
export const DEFAULT_FIXTURE_PATH = path.join(__dirname, "..", "fixtures", "default-account.json");

/** Channel uuids of the default fixture. */
export const CHANNELS = {
  whatsappMain: "c4a00000000000000000000000000001",
  whatsappSales: "c4a00000000000000000000000000002",
  instagram: "c4a00000000000000000000000000003",
  facebook: "c4a00000000000000000000000000004",
  telegram: "c4a00000000000000000000000000005",
} as const;

/** Team uuids of the default fixture. */
export const TEAMS = {
  general: "7ea70000000000000000000000000001",
  support: "7ea70000000000000000000000000002",
  sales: "7ea70000000000000000000000000003",
} as const;

const UUID_PATTERN = /^[0-9a-f]{32}$/;
const CUSTOM_FIELD_TYPES = new Set(["text", "email", "number", "date", "dropdown", "checkbox"]);

/** Reads a fixture from a JSON file path, or returns the object given. */
export function loadFixture(fixture: string | AccountFixture | undefined): AccountFixture {
  if (typeof fixture === "object") return fixture;
  const file = fixture ?? DEFAULT_FIXTURE_PATH;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as AccountFixture;
  } catch (error) {
    throw new Error(`cannot read simulator fixture ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** The account the simulator serves, built from a checked fixture. */
export class Account {
  readonly owner: { email: string; name: string };
  readonly botEnabled: boolean;
  private teamList: readonly FixtureTeam[];
  private readonly fixtureTeams: readonly FixtureTeam[];
  readonly channels: readonly FixtureChannel[];
  private defaultTeamUuid: string;
  private readonly tagsByLowerName = new Map<string, string>();
  private readonly fieldsByName = new Map<string, FixtureCustomField>();
  private readonly usersByLowerEmail = new Map<string, FixtureUser>();
  private readonly teamsByUuid = new Map<string, FixtureTeam>();
  private readonly channelsByUuid = new Map<string, FixtureChannel>();
  private readonly mainChannelByType = new Map<ChannelType, FixtureChannel>();
  // API views are built once: contacts embed them on every answer.
  private readonly teamViews = new Map<string, Team>();
  private readonly channelViews = new Map<string, Channel>();

  constructor(fixture: AccountFixture) {
    const fail = (message: string): never => {
      throw new Error(`invalid simulator fixture: ${message}`);
    };
    if (!fixture || typeof fixture !== "object") fail("not an object");
    for (const key of ["users", "tags", "customFields", "teams", "channels"] as const) {
      if (!Array.isArray(fixture[key])) fail(`${key} must be an array`);
    }
    for (const user of fixture.users) this.usersByLowerEmail.set(user.email.toLowerCase(), user);
    for (const tag of fixture.tags) this.tagsByLowerName.set(tag.toLowerCase(), tag);
    for (const field of fixture.customFields) {
      if (!CUSTOM_FIELD_TYPES.has(field.type)) fail(`custom field ${field.name} has unknown type ${field.type}`);
      const needsOptions = field.type === "dropdown" || field.type === "checkbox";
      if (needsOptions !== Array.isArray(field.options)) fail(`custom field ${field.name}: options only and always for dropdown/checkbox`);
      this.fieldsByName.set(field.name, field);
    }
    for (const team of fixture.teams) {
      if (!UUID_PATTERN.test(team.uuid)) fail(`team uuid ${team.uuid} is not 32 lowercase hex characters`);
      for (const email of team.members) if (!this.user(email)) fail(`team ${team.name} lists unknown member ${email}`);
      this.teamsByUuid.set(team.uuid, team);
      this.teamViews.set(team.uuid, teamView(team));
    }
    for (const channel of fixture.channels) {
      if (!UUID_PATTERN.test(channel.uuid)) fail(`channel uuid ${channel.uuid} is not 32 lowercase hex characters`);
      if (!CHANNEL_TYPES.includes(channel.type)) fail(`channel ${channel.title} has unknown type ${channel.type}`);
      if (channel.main && this.mainChannelByType.has(channel.type)) fail(`two main ${channel.type} channels`);
      if (channel.main) this.mainChannelByType.set(channel.type, channel);
      this.channelsByUuid.set(channel.uuid, channel);
      this.channelViews.set(channel.uuid, channelView(channel));
    }
    const defaultTeams = fixture.teams.filter((team) => team.default);
    if (defaultTeams.length !== 1) fail(`exactly one team must be default, found ${defaultTeams.length}`);
    if (!fixture.owner || !this.user(fixture.owner.email)) fail("owner must be one of the users");
    this.owner = fixture.owner;
    this.botEnabled = fixture.botEnabled === true;
    this.teamList = fixture.teams;
    this.fixtureTeams = fixture.teams;
    this.channels = fixture.channels;
    this.defaultTeamUuid = defaultTeams[0].uuid;
  }

  /** The teams, in fixture order. */
  get teams(): readonly FixtureTeam[] {
    return this.teamList;
  }

  /** The team new contacts land in. */
  get defaultTeam(): FixtureTeam {
    return this.teamsByUuid.get(this.defaultTeamUuid)!;
  }

  /** Renames a team, as the dashboard does: same uuid, same members; every answer shows the new name. The fixture is not touched. */
  renameTeam(uuid: string, name: string): Team {
    const team = this.teamsByUuid.get(uuid);
    if (!team) throw new Error(`no team ${uuid}`);
    const renamed = { ...team, name };
    this.teamsByUuid.set(uuid, renamed);
    this.teamViews.set(uuid, teamView(renamed));
    this.teamList = this.teamList.map((t) => (t.uuid === uuid ? renamed : t));
    return this.teamViews.get(uuid)!;
  }

  /** Gives every team back its fixture name (admin reset). */
  resetTeams(): void {
    for (const team of this.fixtureTeams) {
      this.teamsByUuid.set(team.uuid, team);
      this.teamViews.set(team.uuid, teamView(team));
    }
    this.teamList = this.fixtureTeams;
  }

  /** The tag as the fixture spells it, matched case-insensitively. */
  tag(name: string): string | undefined {
    return this.tagsByLowerName.get(name.toLowerCase());
  }

  /** The account's custom fields, in fixture order. */
  get customFields(): readonly FixtureCustomField[] {
    return [...this.fieldsByName.values()];
  }

  /** The custom field with exactly this name. */
  customField(name: string): FixtureCustomField | undefined {
    return this.fieldsByName.get(name);
  }

  /** The user with this email, matched case-insensitively. */
  user(email: string): FixtureUser | undefined {
    return this.usersByLowerEmail.get(email.toLowerCase());
  }

  /** The team with this uuid. */
  team(uuid: string): FixtureTeam | undefined {
    return this.teamsByUuid.get(uuid);
  }

  /** The channel with this uuid. */
  channel(uuid: string): FixtureChannel | undefined {
    return this.channelsByUuid.get(uuid);
  }

  /** The main channel of this type, if the account has one. */
  mainChannel(type: ChannelType): FixtureChannel | undefined {
    return this.mainChannelByType.get(type);
  }

  /** The API view of a team of this account (shared object: never mutate it). */
  teamView(uuid: string): Team {
    const view = this.teamViews.get(uuid);
    if (!view) throw new Error(`contact refers to team ${uuid}, which the fixture does not have`);
    return view;
  }

  /** The API view of a channel of this account (shared object: never mutate it). */
  channelView(uuid: string): Channel {
    const view = this.channelViews.get(uuid);
    if (!view) throw new Error(`contact refers to channel ${uuid}, which the fixture does not have`);
    return view;
  }
}

function teamView(team: FixtureTeam): Team {
  return { uuid: team.uuid, name: team.name, createdAt: team.createdAt, default: team.default === true, members: team.members.length };
}

function channelView(channel: FixtureChannel): Channel {
  return { uuid: channel.uuid, title: channel.title, type: channel.type, main: channel.main === true, discardedAt: channel.discardedAt ?? null };
}

/** A team member as the API returns it. */
export function memberView(user: FixtureUser): TeamMember {
  const member: TeamMember = {
    email: user.email,
    name: user.name,
    available: user.available !== false,
    lastUpdatedAt: user.lastUpdatedAt ?? "2026-01-01T00:00:00Z",
  };
  if (user.userCustomStatus !== undefined) member.userCustomStatus = user.userCustomStatus;
  return member;
}
