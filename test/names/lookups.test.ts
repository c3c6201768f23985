// getTeam, getChannel and getContact against the simulator: what they answer, the one-line
// errors that name the known names, where they read the token and URL, and that they only GET.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CallbellLookupError, getChannel, getContact, getTeam } from "../../provider/src/domain/lookups";
import { CHANNELS, DEFAULT_FIXTURE_PATH, RequestLogEntry, StartedSimulator, TEAMS, startSimulator, type AccountFixture } from "callbell-simulator";
import { readFileSync } from "fs";

const fixture = JSON.parse(readFileSync(DEFAULT_FIXTURE_PATH, "utf8")) as AccountFixture;
const lines = (log: RequestLogEntry[]) => log.map((e) => `${e.method} ${e.path}`);

function withEnv(values: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(values))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  return () => {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  };
}

async function rejectsWith(promise: Promise<unknown>, message: string | RegExp): Promise<void> {
  await assert.rejects(promise, (e: Error) => {
    assert.ok(e instanceof CallbellLookupError, `not a CallbellLookupError: ${e}`);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    assert.equal(e.stack, e.message, "no stack trace");
    return true;
  });
}

describe("lookups: getTeam, getChannel, getContact", () => {
  let sim: StartedSimulator;
  let restore: () => void;
  before(async () => {
    // A second team named like another, in other case, to be ambiguous.
    sim = await startSimulator({
      rateLimitPerSecond: 0,
      fixture: {
        ...fixture,
        teams: [...fixture.teams, { uuid: "7ea70000000000000000000000000009", name: "sales", createdAt: "2025-07-01T00:00:00Z", members: [] }],
      },
    });
    restore = withEnv({ CALLBELL_API_URL: sim.url, CALLBELL_API_TOKEN: sim.token });
  });
  after(async () => {
    restore?.();
    await sim?.close();
  });
  beforeEach(() => sim.admin.clearRequests());

  it("getTeam answers the team by name (any case) with its members, reading the team list once per process", async () => {
    const team = await getTeam({ name: "support" });
    assert.deepEqual(team, {
      uuid: TEAMS.support,
      name: "Support",
      isDefault: false,
      members: [
        { email: "alice@acme-dev.example", name: "Alice Agent", available: true },
        { email: "bob@acme-dev.example", name: "Bob Builder", available: false },
      ],
    });
    assert.equal((await getTeam({ name: "General" })).isDefault, true);
    const log = lines(await sim.admin.requests());
    assert.deepEqual(
      log.filter((l) => l.startsWith("GET /v1/teams?")),
      ["GET /v1/teams?page=1"],
      "the list is read once",
    );
    assert.ok(log.every((l) => l.startsWith("GET ")));
  });

  it("getTeam: an unknown name lists the known teams; an ambiguous one lists the uuids", async () => {
    await rejectsWith(
      getTeam({ name: "Suport" }),
      'getTeam({ name: "Suport" }): no team of this Callbell account is named so; known teams: ' + '"General", "Support", "Sales", "sales"',
    );
    await rejectsWith(
      getTeam({ name: "SALES" }),
      `getTeam({ name: "SALES" }): 2 teams have this name (uuids ${TEAMS.sales}, 7ea70000000000000000000000000009); rename one in the Callbell ` +
        `dashboard, or use the uuid`,
    );
    await rejectsWith(getTeam({ name: " " }), 'getTeam({ name: " " }): name must be a team\'s name, e.g. "Support"');
  });

  it("getChannel answers the main channel of a source without a title, and the titled one with it", async () => {
    assert.deepEqual(await getChannel({ source: "whatsapp" }), { uuid: CHANNELS.whatsappMain, title: "WhatsApp Main", source: "whatsapp", main: true });
    assert.deepEqual(await getChannel({ source: "whatsapp", title: "whatsapp sales line" }), {
      uuid: CHANNELS.whatsappSales,
      title: "WhatsApp Sales Line",
      source: "whatsapp",
      main: false,
    });
    assert.equal((await getChannel({ source: "telegram" })).uuid, CHANNELS.telegram);
  });

  it("getChannel: an unknown title lists the source's channels; a bad source lists the sources", async () => {
    await rejectsWith(
      getChannel({ source: "whatsapp", title: "Sales" }),
      'getChannel({ source: "whatsapp", title: "Sales" }): no whatsapp channel has this title; known whatsapp channels: "WhatsApp Main", "WhatsApp ' +
        'Sales Line"',
    );
    await rejectsWith(getChannel({ source: "sms" as never }), 'getChannel({ source: "sms" }): source must be one of whatsapp, facebook, instagram, telegram');
  });

  it("getContact finds a WhatsApp contact by number (any format), on another channel with channelUuid, and a Telegram one on its main channel", async () => {
    const wa = await sim.admin.createContact({ identifier: "393331234567", source: "whatsapp", name: "Ada", tags: ["vip"], team_uuid: TEAMS.sales, note: "n" });
    const sales = await sim.admin.createContact({ identifier: "393331234568", source: "whatsapp", name: "Bea", channel_uuid: CHANNELS.whatsappSales });
    const tg = await sim.admin.createContact({ identifier: "393331234569", source: "telegram", name: "Cy" });
    const found = await getContact({ identifier: "+39 333 123 4567", source: "whatsapp" });
    assert.deepEqual(found, {
      uuid: wa.uuid,
      name: "Ada",
      source: "whatsapp",
      phoneNumber: "+39 333 123 4567",
      tags: ["vip"],
      customFields: {},
      href: wa.href,
      createdAt: wa.createdAt,
      teamUuid: TEAMS.sales,
      channelUuid: CHANNELS.whatsappMain,
      note: "n",
    });
    assert.equal((await getContact({ identifier: "393331234568", source: "whatsapp", channelUuid: CHANNELS.whatsappSales })).uuid, sales.uuid);
    assert.equal((await getContact({ identifier: "393331234569", source: "telegram" })).uuid, tg.uuid);
    const log = await sim.admin.requests();
    assert.ok(log.every((e) => e.method === "GET"));
    assert.ok(lines(log).includes(`GET /v1/contacts/phone/393331234569?channel_uuid=${CHANNELS.telegram}`));
  });

  it("getContact: a number Callbell lacks, and instagram (no lookup), fail with what to do", async () => {
    await rejectsWith(
      getContact({ identifier: "393330000000", source: "whatsapp" }),
      'getContact({ identifier: "393330000000", source: "whatsapp" }): Callbell has no contact with this number on the main whatsapp channel; check ' +
        "the number, or pass the channelUuid it is on",
    );
    await rejectsWith(
      getContact({ identifier: "ada.l", source: "instagram" }),
      'getContact({ identifier: "ada.l", source: "instagram" }): Callbell can look contacts up only by phone number (sources whatsapp, telegram); it ' +
        "has no lookup for instagram identifiers",
    );
  });

  it("stack config callbell:apiUrl and callbell:apiToken win over the environment; a rejected token is never in the message", async () => {
    const before = pulumi.runtime.allConfig();
    const undo = withEnv({ CALLBELL_API_URL: "http://127.0.0.1:9/v1", CALLBELL_API_TOKEN: "sim_wrong_environment_token" });
    try {
      pulumi.runtime.setAllConfig({ "callbell:apiUrl": sim.url, "callbell:apiToken": sim.token }, ["callbell:apiToken"]);
      assert.equal((await getChannel({ source: "facebook" })).uuid, CHANNELS.facebook);
      const bad = "sim_bad_stack_token_0123456789";
      pulumi.runtime.setAllConfig({ "callbell:apiUrl": sim.url, "callbell:apiToken": bad }, ["callbell:apiToken"]);
      await assert.rejects(getTeam({ name: "Support" }), (e: Error) => {
        assert.match(e.message, /^getTeam\(\{ name: "Support" \}\): Callbell rejected the API token \(check [^)]+\): GET \/teams\?page=1 answered 401/);
        assert.ok(!e.message.includes(bad));
        return true;
      });
    } finally {
      pulumi.runtime.setAllConfig(before);
      undo();
    }
  });

  it("without any token it says how to set one", async () => {
    const undo = withEnv({ CALLBELL_API_TOKEN: undefined });
    try {
      await assert.rejects(
        getTeam({ name: "Support" }),
        /^CallbellConfigError: No Callbell API token: run 'pulumi config set --secret callbell:apiToken <token>' or set the CALLBELL_API_TOKEN/,
      );
    } finally {
      undo();
    }
  });
});
