// The plugin's configuration through the plain CLI from YAML programs outside the repository: two explicit providers
// pointing at two simulators (two accounts) in one program, and bad settings that stop the run before any write.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_FIXTURE_PATH, StartedSimulator, startSimulator } from "callbell-simulator";
import { CliResult, ok, run, scratchDir } from "../plain-cli/support";
import { PLUGIN_DIR, pluginEnv, stateOf, writes } from "../harness/plugin";

const shown = (r: CliResult) => `${r.command}\n${r.stdout}${r.stderr}`;

/** A YAML project under the OS temp dir naming the plugin by path, with the given config and resources blocks. */
function yamlProject(name: string, body: string): string {
  const dir = path.join(scratchDir(`plugin-${name}`), name);
  fs.mkdirSync(dir, { recursive: true });
  const plugins = `plugins:\n  providers:\n    - name: callbell\n      path: ${PLUGIN_DIR}\n`;
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: yaml\n${plugins}${body}`);
  return dir;
}

const contact = (name: string, identifier: string, provider?: string) =>
  `  ${name}:\n    type: callbell:index:Contact\n    properties:\n      identifier: "${identifier}"\n      source: whatsapp\n      name: ${name}\n` +
  (provider ? `    options:\n      provider: \${${provider}}\n` : "");

describe("provider plugin: explicit providers and bad settings (YAML, plain CLI)", function () {
  this.timeout(5 * 60_000);
  let dev: StartedSimulator;
  let prod: StartedSimulator;
  before(async () => {
    // The two accounts differ as two Callbell accounts do: by their owner.
    const fixture = JSON.parse(fs.readFileSync(DEFAULT_FIXTURE_PATH, "utf8"));
    const owner = { email: "ops@acme-prod.example", name: "Acme Ops" };
    const prodAccount = { ...fixture, owner, users: [...fixture.users, owner] };
    [dev, prod] = await Promise.all([startSimulator({ rateLimitPerSecond: 0 }), startSimulator({ rateLimitPerSecond: 0, fixture: prodAccount })]);
  });
  after(async () => Promise.all([dev?.close(), prod?.close()]));

  it("two explicit providers in one program reach two accounts: each contact lands in its own, the tokens stay secret", async () => {
    const project = yamlProject(
      "two-accounts",
      "config:\n  devUrl: { type: string }\n  prodUrl: { type: string }\n" +
        "  devToken: { type: string, secret: true }\n  prodToken: { type: string, secret: true }\n" +
        "resources:\n" +
        "  dev:\n    type: pulumi:providers:callbell\n    properties:\n      apiUrl: ${devUrl}\n      apiToken: ${devToken}\n" +
        "  prod:\n    type: pulumi:providers:callbell\n    properties:\n      apiUrl: ${prodUrl}\n      apiToken: ${prodToken}\n" +
        contact("devAlice", "393331110001", "dev") +
        contact("prodBob", "393331110002", "prod"),
    );
    // No CALLBELL_* variables: each provider's settings come from its own properties.
    const env = pluginEnv(project, undefined);
    const pulumi = (...args: string[]) => ok(project, env, args, "pulumi", [dev.token, prod.token]);
    await pulumi("stack", "init", "dev");
    await pulumi("config", "set", "devUrl", dev.url);
    await pulumi("config", "set", "prodUrl", prod.url);
    await pulumi("config", "set", "--secret", "devToken", dev.token);
    await pulumi("config", "set", "--secret", "prodToken", prod.token);
    const up = await pulumi("up", "--yes");
    assert.deepEqual(writes(await dev.admin.requests()), ["POST /contacts"], shown(up));
    assert.deepEqual(writes(await prod.admin.requests()), ["POST /contacts"]);
    assert.deepEqual(
      (await dev.admin.contacts()).map((c) => c.name),
      ["devAlice"],
    );
    assert.deepEqual(
      (await prod.admin.contacts()).map((c) => c.name),
      ["prodBob"],
    );
    const exported = (await pulumi("stack", "export")).stdout;
    assert.ok(!exported.includes(dev.token) && !exported.includes(prod.token), "no token in the state");
    assert.equal((await stateOf(project, env)).length, 2);
    assert.ok(!fs.readFileSync(path.join(project, "Pulumi.dev.yaml"), "utf8").includes(dev.token), "the token is encrypted in the stack config");
    await pulumi("destroy", "--yes");
    assert.deepEqual(await dev.admin.contacts(), []);
    assert.deepEqual(await prod.admin.contacts(), []);
  });

  it("two explicit providers on one account, each declaring one number in two spellings: the preview fails naming it, up creates it at most once", async () => {
    // Latency and an account that allows duplicates: two plugin processes creating at once would both POST.
    const slow = await startSimulator({ duplicates: "allow", faults: { latencyMs: 200, jitterMs: 150 }, seed: 11 });
    try {
      const project = yamlProject(
        "one-account-twice",
        "config:\n  url: { type: string }\n  token: { type: string, secret: true }\n" +
          "resources:\n" +
          "  acct:\n    type: pulumi:providers:callbell\n    properties:\n      apiUrl: ${url}\n      apiToken: ${token}\n" +
          "  acct2:\n    type: pulumi:providers:callbell\n    properties:\n      apiUrl: ${url}\n      apiToken: ${token}\n      ownerField: pulumi_owner\n" +
          contact("viaAcct", "393331234570", "acct") +
          contact("viaAcct2", "+39 333 123 4570", "acct2"),
      );
      const env = pluginEnv(project, undefined);
      const pulumi = (...args: string[]) => ok(project, env, args, "pulumi", [slow.token]);
      await pulumi("stack", "init", "dev");
      await pulumi("config", "set", "url", slow.url);
      await pulumi("config", "set", "--secret", "token", slow.token);
      const preview = await run(project, env, ["preview"]);
      assert.notEqual(preview.code, 0, shown(preview));
      assert.match(preview.stdout + preview.stderr, /also declared by a resource of another provider on the same Callbell account/, shown(preview));
      assert.deepEqual(writes(await slow.admin.requests()), []);
      const up = await run(project, env, ["up", "--yes", "--skip-preview"]);
      assert.notEqual(up.code, 0, shown(up));
      const posts = writes(await slow.admin.requests()).filter((w) => w === "POST /contacts");
      assert.ok(posts.length <= 1, `at most one POST, not ${posts.length}: ${shown(up)}`);
      assert.ok((await slow.admin.contacts()).length <= 1, "Callbell holds the number at most once");
      assert.equal((await stateOf(project, env)).length, posts.length, "the state holds what was created");
      await pulumi("destroy", "--yes");
      assert.deepEqual(await slow.admin.contacts(), []);
    } finally {
      await slow.close();
    }
  });

  it("an explicit provider pointed at another account: the preview warns, naming both accounts and what refresh would do", async () => {
    const project = yamlProject(
      "repoint",
      "config:\n  url: { type: string }\n  token: { type: string, secret: true }\n" +
        "resources:\n  acct:\n    type: pulumi:providers:callbell\n    properties:\n      apiUrl: ${url}\n      apiToken: ${token}\n" +
        contact("alice", "393331110009", "acct"),
    );
    const env = pluginEnv(project, undefined);
    const pulumi = (...args: string[]) => ok(project, env, args, "pulumi", [dev.token, prod.token]);
    await pulumi("stack", "init", "dev");
    await pulumi("config", "set", "url", dev.url);
    await pulumi("config", "set", "--secret", "token", dev.token);
    await pulumi("up", "--yes");
    await pulumi("config", "set", "url", prod.url);
    await pulumi("config", "set", "--secret", "token", prod.token);
    await Promise.all([dev.admin.clearRequests(), prod.admin.clearRequests()]);
    const preview = await pulumi("preview");
    assert.match(
      preview.stdout + preview.stderr,
      /provider acct: its Callbell account changes \(owner@acme-dev\.example → ops@acme-prod\.example\)\. The contacts its resources hold stay in the old account: a refresh would drop them/,
      shown(preview),
    );
    assert.deepEqual(writes([...(await dev.admin.requests()), ...(await prod.admin.requests())]), []);
    await pulumi("config", "set", "url", dev.url);
    await pulumi("config", "set", "--secret", "token", dev.token);
    await pulumi("destroy", "--yes");
  });

  describe("bad settings stop the run with one line naming the setting and the fix, and nothing is written", () => {
    const attempt = async (name: string, extra: Record<string, string>, config: Record<string, string> = {}) => {
      const project = yamlProject(name, "resources:\n" + contact("alice", "393331110003"));
      const env = pluginEnv(project, undefined, extra);
      await ok(project, env, ["stack", "init", "dev"]);
      for (const [key, value] of Object.entries(config)) await ok(project, env, ["config", "set", key, value]);
      await dev.admin.clearRequests();
      const r = await run(project, env, ["up", "--yes"]);
      assert.notEqual(r.code, 0, shown(r));
      assert.deepEqual(writes(await dev.admin.requests()), [], shown(r));
      assert.deepEqual(await dev.admin.contacts(), []);
      return r;
    };

    for (const [setting, where] of [
      ["apiUrl", "an explicit provider's properties"],
      ["requestsPerSecond", "the stack config"],
    ] as const) {
      it(`a token pasted into ${setting} in ${where}: the message names the setting, and the token is printed nowhere`, async () => {
        const pasted = "cb_live_0123456789abcdefSECRETVALUE";
        const inProperties = where !== "the stack config";
        const project = yamlProject(
          `pasted-${setting}`,
          "resources:\n" +
            (inProperties ? `  acct:\n    type: pulumi:providers:callbell\n    properties:\n      ${setting}: ${pasted}\n      apiToken: ${dev.token}\n` : "") +
            contact("alice", "393331110004", inProperties ? "acct" : undefined),
        );
        const env = pluginEnv(project, inProperties ? undefined : dev);
        await ok(project, env, ["stack", "init", "dev"]);
        if (!inProperties) await ok(project, env, ["config", "set", `callbell:${setting}`, pasted]);
        await dev.admin.clearRequests();
        const r = await run(project, env, ["preview"]);
        assert.notEqual(r.code, 0, shown(r));
        assert.ok(!(r.stdout + r.stderr).includes("SECRETVALUE"), `the pasted value is printed:\n${shown(r)}`);
        assert.match(r.stdout + r.stderr, new RegExp(`callbell:${setting}`), shown(r));
        assert.deepEqual(writes(await dev.admin.requests()), []);
      });
    }

    it("no token: names callbell:apiToken and CALLBELL_API_TOKEN", async () => {
      const r = await attempt("no-token", { CALLBELL_API_URL: dev.url });
      assert.match(
        r.stdout + r.stderr,
        /No Callbell API token: run 'pulumi config set --secret callbell:apiToken <token>' or set the CALLBELL_API_TOKEN/,
        shown(r),
      );
    });

    it("an apiUrl without /v1 in the stack config: names callbell:apiUrl and the fix", async () => {
      const url = dev.url.replace(/\/v1$/, "");
      const r = await attempt("no-v1", { CALLBELL_API_TOKEN: dev.token }, { "callbell:apiUrl": url });
      assert.match(
        r.stdout + r.stderr,
        /callbell:apiUrl \\?"http:\/\/127\.0\.0\.1:\d+\\?" does not end with \/v1.*set it to the base URL including \/v1/,
        shown(r),
      );
    });
  });
});
