// Team and channel names, and the account checks, through the provider's check against the
// simulator: what check resolves, the exact messages, and the list reads (once per provider
// host, never per contact).
import { strict as assert } from "assert";
import { ContactsClient } from "../../provider/src/client/contacts";
import { ProviderSettings, requireToken, resolveSettings } from "../../provider/src/config";
import { ContactProvider, makeContactProvider } from "../../provider/src/doors/dynamic/dynamic-provider";
import { validateInputs } from "../../provider/src/domain/contact/schema";
import { ContactInputs } from "../../provider/src/domain/contact/shape";
import { unknownValue } from "../../provider/src/normalize";
import { CHANNELS, RequestLogEntry, StartedSimulator, TEAMS, startSimulator } from "callbell-simulator";

const base = { identifier: "393331234567", source: "whatsapp", name: "QA Alice" };

/** A fresh provider (one provider host, one run) over the simulator; warnings collected. */
function providerFor(sim: StartedSimulator, overrides: Partial<ProviderSettings> = {}) {
  const settings: ProviderSettings = { apiUrl: sim.url, apiToken: sim.token, ...overrides };
  const warnings: string[] = [];
  let client: ContactsClient | undefined;
  const provider = makeContactProvider({
    settings: () => settings,
    client: () => (client ??= new ContactsClient({ baseUrl: settings.apiUrl, token: requireToken(settings) })),
    warn: (m) => warnings.push(m),
  });
  return { provider, warnings };
}

async function check(provider: ContactProvider, news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  const result = await provider.check!(olds as unknown as ContactInputs, news as unknown as ContactInputs);
  return { inputs: result.inputs as unknown as Record<string, unknown>, failures: result.failures ?? [] };
}

const reads = (log: RequestLogEntry[]) => log.map((e) => `${e.method} ${e.path}`).sort();

describe("names instead of uuids, and the account checks, in check", function () {
  let sim: StartedSimulator;
  before(async () => {
    sim = await startSimulator({ rateLimitPerSecond: 0 });
  });
  after(() => sim?.close());
  beforeEach(async () => {
    await sim.admin.reset();
  });

  it("resolves team and channel names (any case) to uuids, reading each list once for many contacts", async () => {
    const { provider } = providerFor(sim);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        check(provider, {
          ...base,
          identifier: `3933312345${10 + i}`,
          team: i % 2 ? "support" : " Sales ",
          channel: i % 2 ? "whatsapp sales line" : { main: true },
        }),
      ),
    );
    for (const [i, r] of results.entries()) {
      assert.deepEqual(r.failures, []);
      assert.equal(r.inputs.teamUuid, i % 2 ? TEAMS.support : TEAMS.sales);
      assert.equal(r.inputs.channelUuid, i % 2 ? CHANNELS.whatsappSales : CHANNELS.whatsappMain);
      assert.equal(r.inputs.team, i % 2 ? "support" : "Sales", "the name as written (trimmed) stays an input");
    }
    assert.deepEqual(reads(await sim.admin.requests()), ["GET /v1/channels?page=1", "GET /v1/teams?page=1"]);
  });

  it("keeps the state's uuid for a name that did not change, without a request, even after a rename in the dashboard", async () => {
    await sim.admin.renameTeam(TEAMS.support, "Customer Care");
    const { provider } = providerFor(sim);
    const olds = { ...base, team: "Support", teamUuid: TEAMS.support, channel: "WhatsApp Sales Line", channelUuid: CHANNELS.whatsappSales };
    const same = await check(provider, { ...base, team: "support", channel: "WhatsApp Sales Line" }, olds);
    assert.deepEqual([same.inputs.teamUuid, same.inputs.channelUuid, same.failures], [TEAMS.support, CHANNELS.whatsappSales, []]);
    assert.deepEqual(await sim.admin.requests(), []);
    // The new name resolves to the same uuid.
    const renamed = await check(provider, { ...base, team: "Customer Care", channel: "WhatsApp Sales Line" }, olds);
    assert.equal(renamed.inputs.teamUuid, TEAMS.support);
    assert.deepEqual(reads(await sim.admin.requests()), ["GET /v1/teams?page=1"]);
  });

  it("an unknown or ambiguous name fails with the names the account has", async () => {
    const { provider } = providerFor(sim);
    assert.deepEqual((await check(provider, { ...base, team: "Suport" })).failures, [
      { property: "team", reason: 'team "Suport": no team of this Callbell account is named so; known teams: "General", "Support", "Sales"' },
    ]);
    assert.deepEqual((await check(provider, { ...base, channel: "Sales" })).failures, [
      {
        property: "channel",
        reason: 'channel "Sales": no whatsapp channel has this title; known whatsapp channels: "WhatsApp Main", "WhatsApp Sales Line"',
      },
    ]);
    const ambiguous = await check(providerFor(sim).provider, { ...base, team: "sales" });
    assert.deepEqual(ambiguous.failures, []);
    await sim.admin.renameTeam(TEAMS.general, "SALES");
    assert.deepEqual((await check(providerFor(sim).provider, { ...base, team: "sales" })).failures, [
      {
        property: "team",
        reason: `team "sales": 2 teams have this name (uuids ${TEAMS.general}, ${TEAMS.sales}); rename one in the Callbell dashboard, or use the uuid`,
      },
    ]);
  });

  it("team with teamUuid, or channel with channelUuid, is an input error naming both", () => {
    const result = validateInputs({ ...base, team: "Support", teamUuid: TEAMS.support, channel: { main: true }, channelUuid: CHANNELS.whatsappMain });
    assert.deepEqual(result.ok ? [] : result.problems, [
      { property: "team", reason: "team and teamUuid are both set; keep one: team (by name) or teamUuid (by uuid)" },
      { property: "channel", reason: "channel and channelUuid are both set; keep one: channel (by name) or channelUuid (by uuid)" },
    ]);
    const bad = validateInputs({ ...base, channel: { main: false } });
    assert.deepEqual(bad.ok ? [] : bad.problems, [
      {
        property: "channel",
        reason: `channel must be a channel's title, e.g. "WhatsApp Sales Line", or { main: true } for the source's main channel, not an object`,
      },
    ]);
    const telegram = validateInputs({ identifier: "393331234567", source: "telegram", name: "T", channel: { main: true }, adopt: true });
    assert.ok(telegram.ok, "adopt of a telegram contact takes a channel by name as it takes channelUuid");
  });

  it("with checkAccount: a missing team or channel uuid and an assignee in no team fail, with the fix; lists read once", async () => {
    const { provider } = providerFor(sim, { checkAccount: true });
    const missingTeam = "7ea70000000000000000000000000009";
    const missingChannel = "c4a00000000000000000000000000009";
    const [team, channel, otherType, assignee, fine] = await Promise.all([
      check(provider, { ...base, teamUuid: missingTeam }),
      check(provider, { ...base, channelUuid: missingChannel }),
      check(provider, { ...base, channelUuid: CHANNELS.telegram }),
      check(provider, { ...base, assignedUser: "nobody@acme-dev.example" }),
      check(provider, { ...base, assignedUser: "CAROL@acme-dev.example", teamUuid: TEAMS.sales, channelUuid: CHANNELS.whatsappSales }),
    ]);
    assert.deepEqual(team.failures, [
      {
        property: "teamUuid",
        reason:
          `teamUuid ${missingTeam} is not a team of this Callbell account; known teams: "General" (${TEAMS.general}), "Support" (${TEAMS.support}), ` +
          `"Sales" (${TEAMS.sales}); copy one of these uuids, or write team: "<name>"`,
      },
    ]);
    const fix = 'copy one of these uuids, or write channel: "<title>"';
    const known = `known whatsapp channels: "WhatsApp Main" (${CHANNELS.whatsappMain}), "WhatsApp Sales Line" (${CHANNELS.whatsappSales})`;
    assert.deepEqual(channel.failures, [
      {
        property: "channelUuid",
        reason: `channelUuid ${missingChannel} is not a channel of this Callbell account (or it was discarded); ${known}; ${fix}`,
      },
    ]);
    assert.deepEqual(otherType.failures, [
      {
        property: "channelUuid",
        reason: `channelUuid ${CHANNELS.telegram} is the telegram channel "Telegram Bot", not a whatsapp channel; ${known}; ${fix}`,
      },
    ]);
    assert.deepEqual(assignee.failures, [
      {
        property: "assignedUser",
        reason:
          "assignedUser nobody@acme-dev.example is no member of any team of this Callbell account, so Callbell would refuse the assignment; " +
          "check the email, or add the user to a team in the Callbell dashboard",
      },
    ]);
    assert.deepEqual(fine.failures, []);
    assert.deepEqual(reads(await sim.admin.requests()), [
      "GET /v1/channels?page=1",
      "GET /v1/teams/7ea70000000000000000000000000001/members?page=1",
      "GET /v1/teams/7ea70000000000000000000000000002/members?page=1",
      "GET /v1/teams/7ea70000000000000000000000000003/members?page=1",
      "GET /v1/teams?page=1",
    ]);
  });

  it("checks only what this run would write: values unchanged since the state cost no request", async () => {
    const { provider } = providerFor(sim, { checkAccount: true });
    const olds = { ...base, assignedUser: "gone@acme-dev.example", teamUuid: "7ea70000000000000000000000000009" };
    const r = await check(provider, { ...olds }, olds);
    assert.deepEqual(r.failures, []);
    assert.deepEqual(await sim.admin.requests(), []);
  });

  it("without a token: names that did not change keep their uuid, new ones are unknown, and the checks say once that they were skipped", async () => {
    const { provider, warnings } = providerFor(sim, { apiToken: undefined, checkAccount: true });
    const olds = { ...base, team: "Support", teamUuid: TEAMS.support };
    const kept = await check(provider, { ...base, team: "Support" }, olds);
    assert.equal(kept.inputs.teamUuid, TEAMS.support);
    for (let i = 0; i < 3; i++) {
      const r = await check(provider, { ...base, team: "Sales", assignedUser: "alice@acme-dev.example" });
      assert.deepEqual(r.failures, []);
      assert.equal(r.inputs.teamUuid, unknownValue);
    }
    assert.deepEqual(await sim.admin.requests(), []);
    assert.equal(warnings.length, 2, warnings.join("\n"));
    assert.match(
      warnings[0],
      /^this run has no Callbell API token \(a pull request from a fork\?\): team and channel names that are new or changed show as unknown/,
    );
    assert.match(
      warnings[1],
      /^this run has no Callbell API token .*were not checked against the account; the preview itself is complete \(set callbell:checkAccount to false to skip these checks without this note\)$/,
    );
  });

  it("a list that cannot be read: names fail clearly, checks are skipped with one warning, each list read once", async () => {
    const { provider, warnings } = providerFor(sim, { checkAccount: true, apiUrl: `${sim.url.replace(/\/v1$/, "")}/nowhere/v1` });
    const named = await check(provider, { ...base, team: "Support" });
    assert.equal(named.failures.length, 1);
    assert.match(named.failures[0].reason, /^team "Support": could not read the teams of the Callbell account \(.*404.*\); nothing was written, run it again$/);
    for (let i = 0; i < 3; i++) assert.deepEqual((await check(provider, { ...base, assignedUser: "alice@acme-dev.example" })).failures, []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^assignees, teams and channels were not checked against the Callbell account: a list could not be read/);
    assert.ok(!warnings[0].includes(sim.token) && !named.failures[0].reason.includes(sim.token));
  });

  it("callbell:checkAccount is read from config or CALLBELL_CHECK_ACCOUNT, and must be true or false", () => {
    assert.equal(resolveSettings((k) => (k === "callbell:checkAccount" ? "true" : undefined), {}).checkAccount, true);
    assert.equal(resolveSettings(() => undefined, { CALLBELL_CHECK_ACCOUNT: "1" }).checkAccount, true);
    assert.equal(resolveSettings(() => undefined, {}).checkAccount, true, "on unless turned off");
    assert.equal(resolveSettings(() => undefined, { CALLBELL_CHECK_ACCOUNT: "false" }).checkAccount, false);
    assert.throws(() => resolveSettings(() => undefined, { CALLBELL_CHECK_ACCOUNT: "yes" }), /callbell:checkAccount "yes" must be true or false/);
  });
});
