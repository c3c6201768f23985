// CustomStatus, Webhook and a signed delivery, from TypeScript (the dynamic provider), YAML and Python (the plugin), each
// through the plain `pulumi` CLI in a project of its own: a refused second status of one name, adoption by name, an
// update, drift on refresh, `pulumi import` (plugin), and destroy, which deletes what the stack created only. A receiver
// on 127.0.0.1 gets the contact's events, and the test checks each signature with the documented algorithm. After each
// step: the simulator's statuses, its request log and the stack's state.
import { strict as assert } from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { RequestLogEntry, StartedSimulator, startSimulator } from "callbell-simulator";
import { CliResult, cliEnv, ok, run } from "../plain-cli/support";
import { REPO_ROOT, tempDir } from "../harness";
import { installPythonSdk, pluginEnv, projectFrom, stateOf } from "../harness/plugin";

const SECRET = "whsec_account_engine_test";
const shown = (r: CliResult) => `${r.command}\n${r.stdout}${r.stderr}`;
const writes = (log: RequestLogEntry[]) => log.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path.replace(/^\/v1/, "").split("?")[0]}`);

/** What a receiver on 127.0.0.1 was sent: each delivery's raw body and signature header. */
interface Received {
  body: string;
  signature: string;
}

/** A webhook receiver on 127.0.0.1 that answers 200 and keeps what it is sent. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ body: Buffer.concat(chunks).toString("utf8"), signature: String(req.headers["x-callbell-signature"] ?? "") });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/callbell`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Checks a delivery's signature as Callbell documents it: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">. */
function assertSigned(delivery: Received, secret: string): void {
  const parts = Object.fromEntries(delivery.signature.split(",").map((p) => p.split("=", 2) as [string, string]));
  assert.match(parts.t ?? "", /^\d+$/, `no t in ${delivery.signature}`);
  assert.ok(Math.abs(Date.now() / 1000 - Number(parts.t)) < 300, "t is within 5 minutes");
  const expected = crypto.createHmac("sha256", secret).update(`${parts.t}.${delivery.body}`).digest();
  const given = Buffer.from(parts.v1 ?? "", "hex");
  assert.ok(given.length === expected.length && crypto.timingSafeEqual(given, expected), `the signature ${delivery.signature} checks out`);
}

interface Language {
  name: string;
  /** The project folder and the user's shell for it. */
  setUp(sim: StartedSimulator): Promise<{ project: string; env: NodeJS.ProcessEnv }>;
  statusType: string;
  webhookType: string;
  contactType: string;
  /** Whether `pulumi import` works (not for dynamic resources). */
  imports: boolean;
}

const plugin = { statusType: "callbell:index:CustomStatus", webhookType: "callbell:index:Webhook", contactType: "callbell:index:Contact", imports: true };
const languages: Language[] = [
  {
    name: "TypeScript (examples/account-typescript)",
    // Inside the repository, so that the program finds pulumi-callbell, ts-node and typescript in its node_modules.
    async setUp(sim) {
      const dir = tempDir(path.join(REPO_ROOT, ".pulumi-local"), "account-ts-");
      const project = path.join(dir, "project");
      fs.cpSync(path.join(REPO_ROOT, "examples", "account-typescript"), project, { recursive: true, filter: (f) => !f.includes("node_modules") });
      const backend = path.join(dir, "backend");
      fs.mkdirSync(backend, { recursive: true });
      return { project, env: cliEnv(backend, "account-test", { CALLBELL_API_URL: sim.url, CALLBELL_API_TOKEN: sim.token }) };
    },
    statusType: "pulumi-nodejs:dynamic/callbell:CustomStatus",
    webhookType: "pulumi-nodejs:dynamic/callbell:Webhook",
    contactType: "pulumi-nodejs:dynamic/callbell:Contact",
    imports: false,
  },
  {
    name: "YAML (examples/account-yaml)",
    async setUp(sim) {
      const project = projectFrom("account-yaml");
      return { project, env: pluginEnv(project, sim) };
    },
    ...plugin,
  },
  {
    name: "Python (examples/account-python)",
    async setUp(sim) {
      const project = projectFrom("account-python");
      const env = pluginEnv(project, sim);
      await installPythonSdk(env);
      return { project, env };
    },
    ...plugin,
  },
];

for (const lang of languages) {
  describe(`CustomStatus, Webhook and signed deliveries from ${lang.name} through the plain CLI`, function () {
    this.timeout(6 * 60_000);
    let sim: StartedSimulator;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let project: string;
    let env: NodeJS.ProcessEnv;
    let meetingId: string;
    let lunchId: string;
    const pulumi = (...args: string[]) => ok(project, env, args, "pulumi", [sim.token]);
    const statuses = async () => (await sim.admin.customStatuses()).map((s) => `${s.name} ${s.emoji ?? ""}`.trim()).sort();
    const held = async (type: string) => Object.fromEntries((await stateOf(project, env, type)).map((r) => [r.urn.split("::").pop(), r]));
    const logAfter = async <T>(step: () => Promise<T>): Promise<{ result: T; writes: string[] }> => {
      await sim.admin.clearRequests();
      const result = await step();
      return { result, writes: writes(await sim.admin.requests()) };
    };

    before(async function () {
      this.timeout(10 * 60_000);
      sim = await startSimulator({ rateLimitPerSecond: 0 });
      receiver = await startReceiver();
      ({ project, env } = await lang.setUp(sim));
      await pulumi("stack", "init", "dev");
      await pulumi("config", "set", "receiverUrl", receiver.url);
      await sim.admin.setSigningSecret(SECRET);
      meetingId = (await sim.admin.createCustomStatus({ name: "In meeting", emoji: "💬" })).id;
    });
    after(async () => {
      await receiver?.close();
      await sim?.close();
    });

    it("a status of a name the account has is refused without adopt, naming the fix; no second one is made", async () => {
      await sim.admin.clearRequests();
      const up = await run(project, env, ["up", "--yes", "--skip-preview"]);
      assert.notEqual(up.code, 0, shown(up));
      assert.match(up.stdout + up.stderr, /Could not create custom status "In meeting": the account already has a status of that name/, shown(up));
      assert.match(up.stdout + up.stderr, /To manage it, set (adopt: true|its adopt property to true)/);
      assert.ok(!(up.stdout + up.stderr).includes(sim.token));
      const posted = (await sim.admin.requests()).filter((e) => e.method === "POST" && e.path.endsWith("/custom_statuses"));
      assert.ok(!posted.some((e) => (e.body as { name?: string } | undefined)?.name === "In meeting"), "no POST of In meeting");
      assert.equal((await statuses()).filter((s) => s.startsWith("In meeting")).length, 1);
      assert.equal((await held(lang.statusType)).meeting, undefined, "the refused status is not in the state");
    });

    it("with adopt, up takes the status over and writes nothing to it; the contact's creation arrives signed", async () => {
      await pulumi("config", "set", "adoptMeeting", "true");
      const up = await logAfter(() => pulumi("up", "--yes", "--skip-preview"));
      assert.ok(!up.writes.some((w) => w.includes(`/custom_statuses/${meetingId}`)), up.writes.join(", "));
      assert.ok(up.writes.filter((w) => w === "POST /custom_statuses").length <= 1, "at most one status create (Lunch, if step 1 did not)");
      assert.deepEqual(await statuses(), ["In meeting 💬", "Lunch 🍙"]);
      const state = await held(lang.statusType);
      assert.equal(state.meeting.id, meetingId);
      assert.equal(state.meeting.outputs?.origin, "adopted");
      assert.equal(state.lunch.outputs?.origin, "created");
      lunchId = String(state.lunch.id);
      assert.equal((await sim.admin.webhook())?.url, receiver.url);
      const deliveries = await sim.admin.settleDeliveries();
      assert.ok(
        deliveries.some((d) => d.event === "contact_created"),
        JSON.stringify(deliveries),
      );
      const created = receiver.received.find((r) => JSON.parse(r.body).event === "contact_created");
      assert.ok(created, `the receiver got ${receiver.received.length} deliveries`);
      assert.equal(JSON.parse(created.body).payload.name, "QA Alice");
      assertSigned(created, SECRET);
    });

    it("an emoji change is one PUT of that status", async () => {
      await pulumi("config", "set", "lunchEmoji", "🥪");
      const up = await logAfter(() => pulumi("up", "--yes", "--skip-preview"));
      assert.deepEqual(up.writes, [`PUT /custom_statuses/${lunchId}`], shown(up.result));
      assert.deepEqual(await statuses(), ["In meeting 💬", "Lunch 🥪"]);
      assert.equal((await held(lang.statusType)).lunch.outputs?.emoji, "🥪");
    });

    it("refresh shows a name changed in the dashboard, preview --diff names it, and up puts it back with one PUT", async () => {
      await sim.admin.editCustomStatus(lunchId, { name: "Lunch break" });
      const refresh = await logAfter(() => pulumi("refresh", "--yes", "--skip-preview"));
      assert.deepEqual(refresh.writes, []);
      assert.equal((await held(lang.statusType)).lunch.outputs?.name, "Lunch break");
      const preview = await pulumi("preview", "--diff");
      assert.match(preview.stdout, /~ name\s*: "Lunch break" => "Lunch"/, shown(preview));
      const up = await logAfter(() => pulumi("up", "--yes", "--skip-preview"));
      assert.deepEqual(up.writes, [`PUT /custom_statuses/${lunchId}`]);
      assert.deepEqual(await statuses(), ["In meeting 💬", "Lunch 🥪"]);
    });

    if (lang.imports) {
      it("pulumi import takes a status made in the dashboard as adopted, prints its code with adopt, and writes nothing", async () => {
        const sick = await sim.admin.createCustomStatus({ name: "Off sick", emoji: "🤒" });
        const imported = await logAfter(() => pulumi("import", lang.statusType, "offsick", sick.id, "--yes", "--protect=false"));
        assert.deepEqual(imported.writes, []);
        assert.match(imported.result.stdout, /adopt/, shown(imported.result));
        const state = await held(lang.statusType);
        assert.equal(state.offsick.id, sick.id);
        assert.equal(state.offsick.outputs?.origin, "adopted");
      });
    }

    it("destroy deletes the status, contact and webhook it made, and leaves the adopted and imported statuses", async () => {
      receiver.received.length = 0;
      const destroy = await logAfter(() => pulumi("destroy", "--yes", "--skip-preview"));
      const text = destroy.result.stdout + destroy.result.stderr;
      assert.ok(destroy.writes.includes(`DELETE /custom_statuses/${lunchId}`), destroy.writes.join(", "));
      assert.ok(destroy.writes.includes("DELETE /webhooks/unsubscribe"), destroy.writes.join(", "));
      assert.ok(!destroy.writes.includes(`DELETE /custom_statuses/${meetingId}`));
      assert.equal(destroy.writes.filter((w) => w.startsWith("DELETE /custom_statuses/")).length, 1, destroy.writes.join(", "));
      assert.match(text, /custom status "In meeting" \([0-9a-f-]{36}\) was left in Callbell, not deleted: it was adopted or imported/, shown(destroy.result));
      assert.deepEqual(await statuses(), lang.imports ? ["In meeting 💬", "Off sick 🤒"] : ["In meeting 💬"]);
      assert.equal(await sim.admin.webhook(), null);
      assert.deepEqual(await stateOf(project, env, lang.statusType), []);
      // The contact's delete came before the webhook's (the contact depends on it), so it was delivered, signed.
      await sim.admin.settleDeliveries();
      const deleted = receiver.received.find((r) => JSON.parse(r.body).event === "contact_deleted");
      assert.ok(deleted, `the receiver got ${receiver.received.map((r) => JSON.parse(r.body).event).join(", ") || "nothing"}`);
      assertSigned(deleted, SECRET);
      assert.deepEqual(await sim.admin.contacts(), []);
      assert.deepEqual(await stateOf(project, env, lang.contactType), []);
    });
  });
}
