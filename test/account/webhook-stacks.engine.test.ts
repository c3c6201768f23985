// The account's one webhook, set by two stacks and changed in the dashboard, through the plain `pulumi` CLI (YAML
// programs, the plugin), once against the documented API (no read of the webhook) and once against an account that
// answers GET /webhooks. What docs/webhook.md promises, step by step: the simulator's webhook, its request log, the
// state and what the user is told.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { RequestLogEntry, StartedSimulator, startSimulator } from "callbell-simulator";
import { CliResult, ok, run, scratchDir } from "../plain-cli/support";
import { PLUGIN_DIR, pluginEnv, stateOf } from "../harness/plugin";

const WEBHOOK = "callbell:index:Webhook";
const shown = (r: CliResult) => `${r.command}\n${r.stdout}${r.stderr}`;
const writes = (log: RequestLogEntry[]) => log.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path.replace(/^\/v1/, "").split("?")[0]}`);
const urlA = "https://a.example.com/callbell";
const urlB = "https://b.example.com/callbell";

/** A YAML project that declares only the webhook, its url and flags from config; each call makes another project. */
function webhookProject(name: string): string {
  const dir = path.join(scratchDir(`webhook-${name}`), name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    [
      `name: ${name}`,
      "runtime: yaml",
      "plugins:",
      "  providers:",
      "    - name: callbell",
      `      path: ${PLUGIN_DIR}`,
      "config:",
      "  url: { type: string }",
      "  unsubscribe: { type: boolean, default: false }",
      "  adopt: { type: boolean, default: false }",
      "resources:",
      "  hook:",
      "    type: callbell:index:Webhook",
      "    properties:",
      "      url: ${url}",
      "      subscriptions: [contact_created]",
      "      unsubscribeOnDelete: ${unsubscribe}",
      "      adopt: ${adopt}",
      "",
    ].join("\n"),
  );
  return dir;
}

for (const read of ["none", "get"] as const) {
  const title = read === "none" ? "the documented API (no read of the webhook)" : "an account that answers GET /webhooks";
  describe(`Webhook: two stacks and the dashboard on one account, against ${title}`, function () {
    this.timeout(6 * 60_000);
    let sim: StartedSimulator;
    const stacks: Record<"a" | "b", { project: string; env: NodeJS.ProcessEnv }> = {} as never;
    const pulumi = (who: "a" | "b", ...args: string[]) => ok(stacks[who].project, stacks[who].env, args, "pulumi", [sim.token]);
    const step = async (run: () => Promise<CliResult>) => {
      await sim.admin.clearRequests();
      const result = await run();
      return { result, text: result.stdout + result.stderr, writes: writes(await sim.admin.requests()) };
    };
    const heldUrl = async (who: "a" | "b") => (await stateOf(stacks[who].project, stacks[who].env, WEBHOOK))[0]?.outputs?.url;

    before(async function () {
      this.timeout(10 * 60_000);
      sim = await startSimulator({ rateLimitPerSecond: 0, webhookRead: read });
      for (const [who, url] of [
        ["a", urlA],
        ["b", urlB],
      ] as const) {
        const project = webhookProject(`hooks-${who}`);
        stacks[who] = { project, env: pluginEnv(project, sim) };
        await pulumi(who, "stack", "init", "dev");
        await pulumi(who, "config", "set", "url", url);
      }
    });
    after(async () => sim?.close());

    const refused = async (who: "a" | "b", pattern: RegExp) => {
      await sim.admin.clearRequests();
      const up = await run(stacks[who].project, stacks[who].env, ["up", "--yes", "--skip-preview"]);
      assert.notEqual(up.code, 0, shown(up));
      assert.match(up.stdout + up.stderr, pattern, shown(up));
      assert.match(up.stdout + up.stderr, /set its adopt property to true .*Nothing was written/);
      assert.deepEqual(writes(await sim.admin.requests()), []);
    };

    if (read === "none") {
      it("a create without adopt is refused, as the provider cannot tell what it would replace, and writes nothing", async () => {
        await refused("a", /Callbell cannot show whether the account already has one \(it documents no read of the webhook: GET \/webhooks answered 404/);
        assert.equal(await sim.admin.webhook(), null);
      });

      it("with adopt, the first stack sets it, saying that whatever the account had is replaced; the URL's path is never shown", async () => {
        await pulumi("a", "config", "set", "adopt", "true");
        const up = await step(() => pulumi("a", "up", "--yes", "--skip-preview"));
        assert.deepEqual(up.writes, ["POST /webhooks/subscribe"], shown(up.result));
        assert.match(up.text, /the account's webhook is now https:\/\/a\.example\.com\/… \(adopt\): Callbell documents no read of the webhook/);
        assert.ok(!up.text.includes("/callbell"), "the URL's path is not in the output");
        assert.equal((await sim.admin.webhook())?.url, urlA);
        assert.equal(await heldUrl("a"), urlA);
      });

      it("a change of subscriptions is one subscribe with the new list; their order in the code is no change", async () => {
        const program = path.join(stacks.a.project, "Pulumi.yaml");
        const edit = (from: string, to: string) => fs.writeFileSync(program, fs.readFileSync(program, "utf8").replace(from, to));
        edit("subscriptions: [contact_created]", "subscriptions: [contact_deleted, contact_created]");
        const up = await step(() => pulumi("a", "up", "--yes", "--skip-preview"));
        assert.deepEqual(up.writes, ["POST /webhooks/subscribe"]);
        assert.deepEqual((await sim.admin.webhook())?.subscriptions, ["contact_created", "contact_deleted"]);
        edit("subscriptions: [contact_deleted, contact_created]", "subscriptions: [contact_created, contact_deleted, contact_created]");
        const preview = await step(() => pulumi("a", "preview", "--expect-no-changes"));
        assert.deepEqual(preview.writes, []);
      });

      it("a second stack with adopt replaces it: the account keeps one", async () => {
        await pulumi("b", "config", "set", "adopt", "true");
        const up = await step(() => pulumi("b", "up", "--yes", "--skip-preview"));
        assert.deepEqual(up.writes, ["POST /webhooks/subscribe"]);
        assert.equal((await sim.admin.webhook())?.url, urlB);
      });

      it("the first stack's refresh cannot see that, says so, and keeps its state", async () => {
        const refresh = await step(() => pulumi("a", "refresh", "--yes", "--skip-preview"));
        assert.deepEqual(refresh.writes, []);
        assert.match(refresh.text, /refresh cannot see the account's webhook: Callbell documents no read of it/);
        assert.equal(await heldUrl("a"), urlA);
      });

      it("the first stack's destroy leaves the webhook, which it cannot show to be its own, and says how to remove it", async () => {
        const destroy = await step(() => pulumi("a", "destroy", "--yes", "--skip-preview"));
        assert.deepEqual(destroy.writes, [], shown(destroy.result));
        assert.match(destroy.text, /was left in Callbell, not removed: Callbell documents no read .*set unsubscribeOnDelete: true and run up before destroy/);
        assert.equal((await sim.admin.webhook())?.url, urlB, "the other stack's webhook is still there");
        assert.deepEqual(await stateOf(stacks.a.project, stacks.a.env, WEBHOOK), []);
      });

      it("with unsubscribeOnDelete, the user's explicit choice, destroy removes it", async () => {
        await pulumi("b", "config", "set", "unsubscribe", "true");
        const up = await step(() => pulumi("b", "up", "--yes", "--skip-preview"));
        assert.deepEqual(up.writes, [], "the flag is state only");
        const destroy = await step(() => pulumi("b", "destroy", "--yes", "--skip-preview"));
        assert.deepEqual(destroy.writes, ["DELETE /webhooks/unsubscribe"]);
        assert.equal(await sim.admin.webhook(), null);
      });
    } else {
      it("with none set, GET /webhooks answers 404, which cannot tell none from no such endpoint: refused without adopt, set with it", async () => {
        await refused("a", /Callbell cannot show whether the account already has one/);
        await pulumi("a", "config", "set", "adopt", "true");
        const up = await step(() => pulumi("a", "up", "--yes", "--skip-preview"));
        assert.deepEqual(up.writes, ["POST /webhooks/subscribe"]);
        assert.equal((await stateOf(stacks.a.project, stacks.a.env, WEBHOOK))[0]?.outputs?.origin, "adopted");
      });

      it("a change in the dashboard shows on refresh and in preview --diff, and up puts the code's back", async () => {
        await sim.admin.setWebhook({ url: "https://elsewhere.example.com/hook" });
        const refresh = await step(() => pulumi("a", "refresh", "--yes", "--skip-preview"));
        assert.deepEqual(refresh.writes, []);
        assert.equal(await heldUrl("a"), "https://elsewhere.example.com/hook");
        const preview = await pulumi("a", "preview", "--diff");
        assert.match(preview.stdout, /~ url\s*: "https:\/\/elsewhere\.example\.com\/hook" => "https:\/\/a\.example\.com\/callbell"/, shown(preview));
        const up = await step(() => pulumi("a", "up", "--yes", "--skip-preview"));
        assert.deepEqual(up.writes, ["POST /webhooks/subscribe"]);
        assert.equal((await sim.admin.webhook())?.url, urlA);
      });

      it("a second stack without adopt is refused, naming the webhook there, and writes nothing", async () => {
        await refused("b", /the account already has one \(https:\/\/a\.example\.com\/…: contact_created\), another stack's or set in the dashboard/);
        assert.equal((await sim.admin.webhook())?.url, urlA);
      });

      it("with adopt, the second stack replaces it; the first stack's destroy then leaves it, as it is no longer its own", async () => {
        await pulumi("b", "config", "set", "adopt", "true");
        const up = await step(() => pulumi("b", "up", "--yes", "--skip-preview"));
        assert.deepEqual(up.writes, ["POST /webhooks/subscribe"]);
        await pulumi("a", "config", "set", "unsubscribe", "true");
        await pulumi("a", "up", "--yes", "--skip-preview");
        const destroy = await step(() => pulumi("a", "destroy", "--yes", "--skip-preview"));
        assert.deepEqual(destroy.writes, []);
        assert.match(destroy.text, /Callbell shows it set to https:\/\/b\.example\.com\/… now .* not this stack's to remove/);
        assert.equal((await sim.admin.webhook())?.url, urlB);
      });

      it("the second stack's destroy without unsubscribeOnDelete leaves it, and says how to remove it", async () => {
        const destroy = await step(() => pulumi("b", "destroy", "--yes", "--skip-preview"));
        assert.deepEqual(destroy.writes, []);
        assert.match(destroy.text, /this stack removes the account's webhook only when told to\. To remove it on destroy, set unsubscribeOnDelete: true/);
        assert.equal((await sim.admin.webhook())?.url, urlB);
      });
    }
  });
}
