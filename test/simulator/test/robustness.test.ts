// Conformance of the simulator on bad input, its request log, persistence across restarts, and the command line.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { startSimulator } from "../src";
import { call, createContact, expectError, jsonHeaders, newContactBody, rawRequest, useSimulator } from "./support";

const MEGABYTE = 1024 * 1024;

describe("simulator: bad input", () => {
  const context = useSimulator();

  it("malformed JSON is 400 bad_json; an empty body is 400 bad_request", async () => {
    const malformed = await call(context.sim, "POST", "/contacts", { rawBody: '{"name": ', headers: { "content-type": "application/json" } });
    expectError(malformed, 400, "bad_json");
    const empty = await call(context.sim, "PATCH", `/contacts/${"a".repeat(32)}`, { rawBody: "", headers: { "content-type": "application/json" } });
    expectError(empty, 400, "bad_request");
    const emptyPost = await call(context.sim, "POST", "/contacts", { rawBody: "", headers: { "content-type": "application/json" } });
    expectError(emptyPost, 400, "bad_request");
  });

  it("a write without Content-Type: application/json is 415; a charset parameter is fine", async () => {
    const body = JSON.stringify(newContactBody());
    expectError(await call(context.sim, "POST", "/contacts", { rawBody: body, headers: { "content-type": "text/plain" } }), 415, "unsupported_media_type");
    expectError(await call(context.sim, "POST", "/contacts", { rawBody: body }), 415, "unsupported_media_type");
    const withCharset = await call(context.sim, "POST", "/contacts", { rawBody: body, headers: { "content-type": "application/json; charset=utf-8" } });
    assert.equal(withCharset.status, 200);
  });

  it("a body over 1 MB is 413 at once, whether announced by Content-Length or streamed; the server stays up", async () => {
    const big = Buffer.alloc(MEGABYTE + 1, " ");
    const announced = await rawRequest(`${context.sim.url}/contacts`, {
      method: "POST",
      headers: { ...jsonHeaders(context.sim), "content-length": big.length },
      body: big,
    });
    assert.ok("status" in announced, JSON.stringify(announced));
    assert.equal(announced.status, 413);
    assert.equal(JSON.parse(announced.text).error.code, "payload_too_large");
    const streamed = await rawRequest(`${context.sim.url}/contacts`, {
      method: "POST",
      headers: jsonHeaders(context.sim),
      chunks: [big.subarray(0, MEGABYTE / 2), big.subarray(MEGABYTE / 2)],
    });
    assert.ok("status" in streamed && streamed.status === 413, JSON.stringify(streamed));
    assert.equal((await call(context.sim, "GET", "/auth/me")).status, 200);
  });

  it("an unknown route is 404 route_not_found, inside /v1 or outside it", async () => {
    expectError(await call(context.sim, "GET", "/contacts/a/b/c"), 404, "route_not_found");
    expectError(await call(context.sim, "GET", "/webhooks"), 404, "route_not_found");
    expectError(await call(context.sim, "GET", "/contacts/"), 404, "route_not_found");
    const outside = await fetch(`${context.sim.origin}/v2/contacts`);
    assert.equal(outside.status, 404);
    assert.equal(((await outside.json()) as { error: { code: string } }).error.code, "route_not_found");
  });

  it("a known route with the wrong method is 405 with an Allow header", async () => {
    const answer = await call(context.sim, "PUT", "/contacts", { body: newContactBody() });
    expectError(answer, 405, "method_not_allowed");
    assert.equal(answer.headers.get("allow"), "GET, POST");
    expectError(await call(context.sim, "POST", "/teams", { body: {} }), 405, "method_not_allowed");
    const head = await fetch(`${context.sim.url}/auth/me`, { method: "HEAD", headers: { authorization: `Bearer ${context.sim.token}` } });
    assert.equal(head.status, 405);
  });

  it("malformed percent-encoding in the path is 400 bad_request", async () => {
    expectError(await call(context.sim, "GET", "/contacts/phone/%E0%A4%A"), 400, "bad_request");
  });

  it("a client that hangs up mid-body does not take the server down, and is logged with status 0", async () => {
    await new Promise<void>((resolve) => {
      const request = http.request(`${context.sim.url}/contacts`, {
        method: "POST",
        headers: { ...jsonHeaders(context.sim), "content-length": 1000 },
        agent: false,
      });
      request.on("error", () => resolve());
      request.write('{"name": "half');
      setTimeout(() => {
        request.destroy();
        resolve();
      }, 50);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await call(context.sim, "GET", "/auth/me")).status, 200);
    const [aborted] = await context.sim.admin.requests();
    assert.deepEqual([aborted.method, aborted.status, aborted.committed], ["POST", 0, false]);
  });
});

describe("simulator: request log", () => {
  const context = useSimulator();

  it("records every /v1 request in arrival order with path and query, status, duration, time and write bodies", async () => {
    const body = newContactBody();
    const contact = await createContact(context.sim, body);
    await call(context.sim, "GET", `/contacts/${contact.uuid}?include_field_types=true`);
    await call(context.sim, "GET", "/auth/me", { token: "wrong" });
    const log = await context.sim.admin.requests();
    assert.deepEqual(
      log.map((entry) => [entry.method, entry.path, entry.status, entry.outcome, entry.committed]),
      [
        ["POST", "/v1/contacts", 200, "ok", true],
        ["GET", `/v1/contacts/${contact.uuid}?include_field_types=true`, 200, "ok", false],
        ["GET", "/v1/auth/me", 401, "error", false],
      ],
    );
    assert.deepEqual(log[0].body, body);
    assert.equal("body" in log[1], false);
    assert.ok(log[0].seq < log[1].seq && log[1].seq < log[2].seq);
    for (const entry of log) {
      assert.equal(typeof entry.durationMs, "number");
      assert.match(entry.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
  });
});

describe("simulator: persistence with dataFile", () => {
  let directory: string;
  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), "callbell-sim-"));
  });
  afterEach(() => fs.rm(directory, { recursive: true, force: true }));

  it("keeps contacts across a restart, in a valid JSON file written without leftovers", async () => {
    const dataFile = path.join(directory, "contacts.json");
    const first = await startSimulator({ dataFile });
    const kept = await createContact(first, { tags: ["qa"], custom_fields: { interests: ["api"] } });
    const deleted = await createContact(first);
    await call(first, "PATCH", `/contacts/${kept.uuid}`, { body: { name: "Persisted" } });
    await call(first, "DELETE", `/contacts/${deleted.uuid}`);
    await first.close();

    const contents = JSON.parse(await fs.readFile(dataFile, "utf8"));
    assert.equal(contents.version, 1);
    assert.deepEqual(
      contents.contacts.map((c: { uuid: string }) => c.uuid),
      [kept.uuid],
    );
    assert.deepEqual(await fs.readdir(directory), ["contacts.json"], "no temporary file is left behind");

    const second = await startSimulator({ dataFile });
    try {
      const answer = await call(second, "GET", `/contacts/${kept.uuid}`);
      // The links follow the simulator that answers (another port now): they are not stored.
      const links = { href: `${second.origin}/contacts/${kept.uuid}`, conversationHref: `${second.origin}/chat/${kept.uuid}` };
      assert.deepEqual(answer.body.contact[0], { ...kept, name: "Persisted", ...links });
      const duplicate = await call(second, "POST", "/contacts", { body: newContactBody({ identifier: kept.phoneNumber.replace(/\D/g, "") }) });
      expectError(duplicate, 409, "duplicate_contact", "identifier");
    } finally {
      await second.close();
    }
  });

  it("writes shortly after a change, not only on close", async () => {
    const dataFile = path.join(directory, "contacts.json");
    const sim = await startSimulator({ dataFile });
    try {
      const contact = await createContact(sim);
      // The write comes a moment after the change: poll for it (a loaded machine is slow) instead of sleeping a fixed time.
      while (!(await fs.stat(dataFile).catch(() => undefined))) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(JSON.parse(await fs.readFile(dataFile, "utf8")).contacts[0].uuid, contact.uuid);
    } finally {
      await sim.close();
    }
  });

  it("refuses to start on a data file that is not valid JSON, rather than overwrite it", async () => {
    const dataFile = path.join(directory, "broken.json");
    await fs.writeFile(dataFile, "{ not json");
    await assert.rejects(startSimulator({ dataFile }), /not valid JSON/);
    assert.equal(await fs.readFile(dataFile, "utf8"), "{ not json");
  });
});

describe("simulator: command line", () => {
  it("prints the URL and token exports, honours CALLBELL_SIMULATOR_TOKEN, and flushes the data file on SIGTERM", async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), "callbell-cli-"));
    const dataFile = path.join(directory, "contacts.json");
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(__dirname, "..", "src", "cli.ts"), "--port", "0", "--data", dataFile, "--rate", "0"],
      { env: { ...process.env, CALLBELL_SIMULATOR_TOKEN: "sim_stable_demo_token" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      let output = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          const match = /^export CALLBELL_API_URL=(\S+)$/m.exec(output);
          if (match && /^export CALLBELL_API_TOKEN=/m.test(output)) resolve(match[1]);
        });
        child.on("exit", (code) => reject(new Error(`simulator exited with ${code}: ${output}`)));
      });
      assert.match(output, /^export CALLBELL_API_TOKEN=sim_stable_demo_token$/m);
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const created = await fetch(`${url}/contacts`, {
        method: "POST",
        headers: { authorization: "Bearer sim_stable_demo_token", "content-type": "application/json" },
        body: JSON.stringify(newContactBody()),
      });
      assert.equal(created.status, 200);
      const exitCode = new Promise<number | null>((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      assert.equal(await exitCode, 0);
      assert.equal(JSON.parse(await fs.readFile(dataFile, "utf8")).contacts.length, 1);
    } finally {
      child.kill("SIGKILL");
      await fs.rm(directory, { recursive: true, force: true });
    }
  });
});
