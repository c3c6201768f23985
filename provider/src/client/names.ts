// Finding a team or a channel of the account by what people call it: the one home of the
// matching rules (trimmed, case-insensitive; discarded channels never match) and of the words
// that list what the account has, for domain/lookups.ts, the Contact's names and the export.
import type { ApiChannel, ApiTeam } from "./account";

/** A name matches another when they are equal trimmed and case-insensitively, as the dashboard shows them. */
export const sameName = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Names quoted and joined for a message: "General", "Support" (or "none"). */
export const quoteList = (names: readonly string[]): string => (names.length ? names.map((n) => `"${n}"`).join(", ") : "none");

/** What a search by name found: exactly one, or the reason (what the account has, and the fix). */
export type NameMatch<T> = { found: T; problem?: undefined } | { found?: undefined; problem: string };

/** The teams with this name (the matching rule for teams). */
export const teamsNamed = (teams: readonly ApiTeam[], name: string): ApiTeam[] => teams.filter((t) => sameName(t.name, name));

/** The team with this name, or why there is not exactly one. */
export function findTeam(teams: readonly ApiTeam[], name: string): NameMatch<ApiTeam> {
  const matches = teamsNamed(teams, name);
  if (matches.length === 1) return { found: matches[0] };
  if (matches.length === 0) return { problem: `no team of this Callbell account is named so; known teams: ${quoteList(teams.map((t) => t.name))}` };
  return {
    problem: `${matches.length} teams have this name (uuids ${matches.map((t) => t.uuid).join(", ")}); rename one in the Callbell dashboard, or use the uuid`,
  };
}

/** The channels of a source that are not discarded. */
export function activeChannels(channels: readonly ApiChannel[], source: string): ApiChannel[] {
  return channels.filter((c) => !c.discardedAt && c.type === source);
}

/** The channel of a source with this title; without a title, the source's main channel. */
export function findChannel(channels: readonly ApiChannel[], source: string, title?: string): NameMatch<ApiChannel> {
  const ofSource = activeChannels(channels, source);
  const titles = quoteList(ofSource.map((c) => c.title));
  const matches = title === undefined ? ofSource.filter((c) => c.main) : ofSource.filter((c) => sameName(c.title, title));
  if (matches.length === 1) return { found: matches[0] };
  if (matches.length === 0) {
    return {
      problem:
        title === undefined
          ? `this Callbell account has no main ${source} channel; pass a title, one of: ${titles}`
          : `no ${source} channel has this title; known ${source} channels: ${titles}`,
    };
  }
  const uuids = matches.map((c) => c.uuid).join(", ");
  return { problem: `${matches.length} ${source} channels match (uuids ${uuids}); rename one in the Callbell dashboard, or use the uuid` };
}
