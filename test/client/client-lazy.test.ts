// Two host-side trims: the provider module loads no HTTP library until its first request (a preview or a no-change
// up sends none), and a lookup that finds nothing is a 404 answer, not an error thrown through axios and the
// CallbellError factory.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as http from "http";
import * as path from "path";
import { AddressInfo } from "net";
import { ContactsClient } from "../../provider/src/client/contacts";
import * as errors from "../../provider/src/client/errors";
import { createHttp } from "../../provider/src/client/http";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

async function withServer(status: number, body: string, run: (url: string, seen: string[]) => Promise<void>): Promise<void> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(status, { "content-type": "application/json" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, seen);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("client: lazy HTTP libraries and lookups that find nothing", () => {
  it("loading the provider loads no axios or axios-retry; building a client does (and bottleneck is gone)", () => {
    const script = `
      const loaded = () => Object.keys(require.cache).filter((k) => /node_modules\\/(axios|axios-retry|bottleneck)\\//.test(k))
        .map((k) => k.split("node_modules/")[1].split("/")[0]);
      const { hostContext } = require("pulumi-callbell/dist/contact/host");
      const before = [...new Set(loaded())];
      const context = hostContext();
      context.configure((key) => ({ "callbell:apiToken": "t", "callbell:apiUrl": "http://127.0.0.1:9/v1" })[key]);
      context.client();
      process.stdout.write(JSON.stringify([before, [...new Set(loaded())].sort()]));`;
    const out = execFileSync(process.execPath, ["-e", script], { cwd: REPO_ROOT, encoding: "utf8" });
    assert.deepEqual(JSON.parse(out), [[], ["axios", "axios-retry"]]);
  });

  it("findByPhone and get: a 404 is undefined after one request, and no CallbellError is built", async () => {
    await withServer(404, JSON.stringify({ error: "not found" }), async (url, seen) => {
      const client = new ContactsClient({ baseUrl: url, token: "tok_lazy_test_91f3" });
      const built: string[] = [];
      const original = errors.callbellErrorFor;
      (errors as { callbellErrorFor: typeof original }).callbellErrorFor = (d) => {
        built.push(d.path);
        return original(d);
      };
      try {
        assert.equal(await client.findByPhone("+39 333 123 4567"), undefined);
        assert.equal(await client.get("0123456789abcdef0123456789abcdef"), undefined);
      } finally {
        (errors as { callbellErrorFor: typeof original }).callbellErrorFor = original;
      }
      assert.deepEqual(seen, ["GET /v1/contacts/phone/393331234567", "GET /v1/contacts/0123456789abcdef0123456789abcdef"]);
      assert.deepEqual(built, []);
    });
  });

  it("without absentOn404, a 404 is still a CallbellNotFoundError (PATCH, DELETE keep their meaning)", async () => {
    await withServer(404, JSON.stringify({ error: "not found" }), async (url) => {
      const transport = createHttp({ baseUrl: url, token: "tok_lazy_test_91f3" });
      await assert.rejects(transport.send({ method: "PATCH", path: "/contacts/x", body: {} }), errors.CallbellNotFoundError);
      assert.deepEqual(await transport.send({ method: "GET", path: "/contacts/x", absentOn404: true }), { status: 404, body: undefined });
    });
  });
});
