// Conformance of the simulator's rate limiter and fault injection: statuses, resets, commit-then-fail, scripts, latency, seeds.
import * as assert from "node:assert/strict";
import { AdminError, startSimulator, type StartedSimulator } from "../src";
import { FaultInjector, RateLimiter } from "../src/faults";
import { call, createContact, expectError, jsonHeaders, newContactBody, rawRequest, useSimulator, type RawOutcome } from "./support";

function assertReset(outcome: RawOutcome): void {
  assert.ok("error" in outcome, `expected a dropped connection, got ${JSON.stringify(outcome)}`);
  assert.ok(["ECONNRESET", "EPIPE"].includes(outcome.error.code ?? "") || /socket hang up/.test(outcome.error.message), outcome.error.message);
}

function postContact(sim: StartedSimulator, body: Record<string, unknown> = newContactBody()): Promise<RawOutcome> {
  return rawRequest(`${sim.url}/contacts`, { method: "POST", headers: jsonHeaders(sim), body: JSON.stringify(body) });
}

async function lastLogEntry(sim: StartedSimulator) {
  const log = await sim.admin.requests();
  return log[log.length - 1];
}

describe("simulator: rate limiting", () => {
  // A manual clock: the buckets refill only when a test moves it, however slow the machine is.
  let nowMs = 0;
  const context = useSimulator({ rateLimitPerSecond: 5, tokens: ["sim_a", "sim_b"], clock: () => nowMs });

  const burst = async (size: number, token?: string): Promise<number[]> =>
    (await Promise.all(Array.from({ length: size }, () => call(context.sim, "GET", "/auth/me", { token })))).map((a) => a.status);

  it("answers 429 rate_limited with a whole-second Retry-After once a token's bucket is empty", async () => {
    // 40 against 5/s with the clock stopped: the bucket's 5, then 429s.
    const statuses = await burst(40);
    const allowed = statuses.filter((status) => status === 200).length;
    assert.ok(allowed >= 5 && statuses.includes(429), statuses.join(","));
    assert.equal(allowed, 5, "the clock did not move, so nothing refilled");
    assert.equal(statuses.filter((status) => status === 429).length, 40 - allowed);
    const limited = await call(context.sim, "GET", "/auth/me");
    expectError(limited, 429, "rate_limited");
    assert.match(limited.headers.get("retry-after") ?? "", /^[1-9]\d*$/);
    const entry = await lastLogEntry(context.sim);
    assert.equal(entry.outcome, "rate-limited");
    assert.equal(entry.status, 429);
  });

  it("keeps one bucket per token and refills continuously", async () => {
    assert.ok((await burst(40)).includes(429));
    assert.equal((await call(context.sim, "GET", "/auth/me", { token: "sim_b" })).status, 200, "another token has its own bucket");
    nowMs += 200;
    assert.equal((await call(context.sim, "GET", "/auth/me")).status, 200, "one token is back after 1/rate seconds");
  });

  it("the admin API is never rate-limited", async () => {
    for (let i = 0; i < 20; i++) await context.sim.admin.contacts();
  });
});

describe("simulator: random faults", () => {
  const context = useSimulator();

  it("errorRate 1 answers one of errorStatuses with a JSON error and does no work", async () => {
    await context.sim.admin.setFaults({ errorRate: 1 });
    const answer = await call(context.sim, "POST", "/contacts", { body: newContactBody() });
    assert.ok([500, 502, 503].includes(answer.status), String(answer.status));
    expectError(answer, answer.status, "injected_fault");
    await context.sim.admin.setFaults({ errorRate: 1, errorStatuses: [504] });
    expectError(await call(context.sim, "GET", "/contacts"), 504, "injected_fault");
    assert.deepEqual(await context.sim.admin.contacts(), []);
    const log = await context.sim.admin.requests();
    assert.deepEqual(
      log.map((entry) => [entry.outcome, entry.committed]),
      [
        ["fault", false],
        ["fault", false],
      ],
    );
    assert.ok(log[0].body, "the log keeps the body of a failed write");
  });

  it("methods restricts errorRate to the listed methods", async () => {
    await context.sim.admin.setFaults({ errorRate: 1, methods: ["POST"] });
    assert.equal((await call(context.sim, "GET", "/contacts")).status, 200);
    assert.equal((await call(context.sim, "POST", "/contacts", { body: newContactBody() })).status >= 500, true);
  });

  it("resetRate 1 drops the connection without an answer and does no work", async () => {
    await context.sim.admin.setFaults({ resetRate: 1 });
    assertReset(await postContact(context.sim));
    assert.deepEqual(await context.sim.admin.contacts(), []);
    const entry = await lastLogEntry(context.sim);
    assert.deepEqual([entry.status, entry.outcome, entry.committed], [0, "reset", false]);
  });

  it('commitThenFail mode "500" does the write, then answers 500', async () => {
    await context.sim.admin.setFaults({ commitThenFail: { rate: 1 } });
    const answer = await call(context.sim, "POST", "/contacts", { body: newContactBody({ name: "Committed" }) });
    expectError(answer, 500, "internal_error");
    assert.deepEqual(
      (await context.sim.admin.contacts()).map((c) => c.name),
      ["Committed"],
    );
    const entry = await lastLogEntry(context.sim);
    assert.deepEqual([entry.status, entry.outcome, entry.committed], [500, "commit-then-fail", true]);
  });

  it('commitThenFail mode "reset" does the write, then drops the connection', async () => {
    const created = await createContact(context.sim);
    await context.sim.admin.setFaults({ commitThenFail: { rate: 1, mode: "reset", methods: ["PATCH"] } });
    assert.equal((await call(context.sim, "GET", `/contacts/${created.uuid}`)).status, 200, "GET is not a commitThenFail method");
    const outcome = await rawRequest(`${context.sim.url}/contacts/${created.uuid}`, {
      method: "PATCH",
      headers: jsonHeaders(context.sim),
      body: JSON.stringify({ name: "Patched" }),
    });
    assertReset(outcome);
    assert.equal((await context.sim.admin.contact(created.uuid)).name, "Patched");
    const entry = await lastLogEntry(context.sim);
    assert.deepEqual([entry.status, entry.outcome, entry.committed], [0, "commit-then-fail", true]);
  });

  it("commitThenFail leaves a failed request alone (nothing was committed)", async () => {
    await context.sim.admin.setFaults({ commitThenFail: { rate: 1 } });
    const answer = await call(context.sim, "POST", "/contacts", { body: newContactBody({ tags: ["gold"] }) });
    expectError(answer, 422, "validation_failed", "tags", "gold");
    assert.equal((await lastLogEntry(context.sim)).outcome, "error");
  });

  it("latencyMs delays every answer, jitter stays within bounds, spikes add spikeMs", async () => {
    await context.sim.admin.setFaults({ latencyMs: 120, jitterMs: 20 });
    let started = performance.now();
    assert.equal((await call(context.sim, "GET", "/auth/me")).status, 200);
    const delayed = performance.now() - started;
    assert.ok(delayed >= 95, `took ${delayed} ms`);
    const entry = await lastLogEntry(context.sim);
    assert.ok(entry.durationMs >= 99, `logged ${entry.durationMs} ms`);
    // The planned delays, without a clock: within latency ± jitter, every one.
    const planner = new FaultInjector(3, { latencyMs: 120, jitterMs: 20 });
    const delays = Array.from({ length: 500 }, () => planner.plan("GET", "/v1/auth/me").delayMs);
    assert.ok(
      delays.every((d) => d >= 100 && d <= 140),
      `${Math.min(...delays)}..${Math.max(...delays)}`,
    );
    assert.ok(Math.max(...delays) - Math.min(...delays) > 30, "jitter spreads the delays");
    await context.sim.admin.setFaults({ spikeRate: 1, spikeMs: 200 });
    started = performance.now();
    await call(context.sim, "GET", "/auth/me");
    assert.ok(performance.now() - started >= 195, "a spike adds spikeMs");
  });

  it("the admin API is never faulted", async () => {
    await context.sim.admin.setFaults({ errorRate: 1, resetRate: 1, latencyMs: 5000 });
    await context.sim.admin.force429(10_000);
    await context.sim.admin.createContact(newContactBody());
    assert.equal((await context.sim.admin.contacts()).length, 1);
  });

  it("refuses an invalid fault configuration", async () => {
    await assert.rejects(context.sim.admin.setFaults({ errorRate: 2 }), (error: unknown) => error instanceof AdminError && error.status === 400);
    await assert.rejects(context.sim.admin.script([{ action: "explode" as never }]), (error: unknown) => error instanceof AdminError && error.status === 400);
    await assert.rejects(startSimulator({ faults: { resetRate: -1 } }), /resetRate/);
  });
});

describe("simulator: forced 429 window", () => {
  // A manual clock: the window closes when the test moves it, not after real time.
  let nowMs = 0;
  const context = useSimulator({ clock: () => nowMs });

  it("answers 429 to every /v1 request during the window, then recovers", async () => {
    await context.sim.admin.force429(300, 2);
    const limited = await call(context.sim, "GET", "/contacts");
    expectError(limited, 429, "rate_limited");
    assert.equal(limited.headers.get("retry-after"), "2");
    assert.equal((await call(context.sim, "POST", "/contacts", { body: newContactBody() })).status, 429);
    nowMs += 300;
    assert.equal((await call(context.sim, "GET", "/contacts")).status, 200);
    const log = await context.sim.admin.requests();
    assert.deepEqual(
      log.map((entry) => entry.outcome),
      ["rate-limited", "rate-limited", "ok"],
    );
    assert.deepEqual(await context.sim.admin.contacts(), []);
  });

  it("without retryAfterSeconds, Retry-After is the time left, rounded up", async () => {
    await context.sim.admin.force429(2500);
    assert.equal((await call(context.sim, "GET", "/contacts")).headers.get("retry-after"), "3");
    nowMs += 1500;
    assert.equal((await call(context.sim, "GET", "/contacts")).headers.get("retry-after"), "1");
  });
});

describe("simulator: scripted faults", () => {
  const context = useSimulator();

  it("are consumed in order by the requests they match; other requests pass", async () => {
    await context.sim.admin.script([
      { method: "POST", path: "/v1/contacts", action: "503" },
      { method: "GET", action: "429", retryAfterSeconds: 7 },
      { method: "POST", action: "reset" },
      { path: "/v1/contacts", action: "502", times: 2 },
    ]);
    assert.equal((await call(context.sim, "GET", "/auth/me")).headers.get("retry-after"), "7", "the first GET takes the 429");
    expectError(await call(context.sim, "POST", "/contacts", { body: newContactBody() }), 503, "injected_fault");
    assertReset(await postContact(context.sim));
    assert.equal((await call(context.sim, "GET", "/auth/me")).status, 200, "/auth/me matches no remaining script");
    assert.equal((await call(context.sim, "GET", "/contacts")).status, 502);
    assert.equal((await call(context.sim, "PATCH", `/contacts/${"a".repeat(32)}`, { body: {} })).status, 502);
    assert.equal((await call(context.sim, "GET", "/contacts")).status, 200, "the queue is empty");
    const log = await context.sim.admin.requests();
    assert.deepEqual(
      log.map((entry) => `${entry.status} ${entry.outcome}`),
      ["429 fault", "503 fault", "0 reset", "200 ok", "502 fault", "502 fault", "200 ok"],
    );
    assert.deepEqual(await context.sim.admin.contacts(), []);
  });

  it("with a query, match only requests that carry those parameters, in any order among others", async () => {
    await context.sim.admin.script([{ path: "/v1/contacts", query: { page: "2" }, action: "503", times: 2 }]);
    const statuses: number[] = [];
    for (const query of ["?page=1", "?page=2&source=whatsapp", "?source=whatsapp&page=2", "?page=3", "?page=2"]) {
      statuses.push((await call(context.sim, "GET", `/contacts${query}`)).status);
    }
    assert.deepEqual(statuses, [200, 503, 503, 200, 200], "two page-2 requests fail, then the script is spent");
    await assert.rejects(
      context.sim.admin.script([{ action: "503", query: { page: 2 } as never }]),
      (error: unknown) => error instanceof AdminError && error.status === 400,
    );
  });

  it("commit-then-500 and commit-then-reset do the write before failing", async () => {
    await context.sim.admin.script([
      { method: "POST", action: "commit-then-500" },
      { method: "DELETE", action: "commit-then-reset" },
    ]);
    expectError(await call(context.sim, "POST", "/contacts", { body: newContactBody({ name: "Kept" }) }), 500, "internal_error");
    const [contact] = await context.sim.admin.contacts();
    assert.equal(contact.name, "Kept");
    assertReset(await rawRequest(`${context.sim.url}/contacts/${contact.uuid}`, { method: "DELETE", headers: jsonHeaders(context.sim) }));
    assert.deepEqual(await context.sim.admin.contacts(), []);
    const log = await context.sim.admin.requests();
    assert.deepEqual(
      log.map((entry) => [entry.status, entry.outcome, entry.committed]),
      [
        [500, "commit-then-fail", true],
        [0, "commit-then-fail", true],
      ],
    );
  });

  it("delay holds the answer for delayMs, then processes the request normally", async () => {
    await context.sim.admin.script([{ action: "delay", delayMs: 150 }]);
    const started = performance.now();
    const contact = await createContact(context.sim);
    assert.ok(performance.now() - started >= 145);
    assert.equal((await context.sim.admin.contact(contact.uuid)).uuid, contact.uuid);
  });
});

describe("simulator: the token bucket, on an injected clock", () => {
  it("holds rate tokens, refuses the rest with the wait until the next, and refills continuously per token", () => {
    const bucket = new RateLimiter(5);
    const waits = Array.from({ length: 8 }, () => bucket.take("a", 0));
    assert.deepEqual(
      waits.map((w) => w === 0),
      [true, true, true, true, true, false, false, false],
    );
    assert.equal(waits[5], 0.2, "one token comes back in 1/rate seconds");
    assert.equal(bucket.take("b", 0), 0, "another token has its own bucket");
    const drained = (token: string) => Array.from({ length: 5 }, () => bucket.take(token, 0));
    drained("c");
    assert.ok(bucket.take("c", 199) > 0, "199 ms later: not yet");
    drained("d");
    assert.equal(bucket.take("d", 200), 0, "200 ms later: one more");
  });
});

describe("simulator: seeded randomness", () => {
  async function statuses(seed: number): Promise<number[]> {
    const sim = await startSimulator({ seed, rateLimitPerSecond: 0, faults: { errorRate: 0.5, errorStatuses: [500, 503] } });
    try {
      const seen = [];
      for (let i = 0; i < 24; i++) seen.push((await call(sim, "GET", "/auth/me")).status);
      return seen;
    } finally {
      await sim.close();
    }
  }

  it("the same seed replays the same faults; another seed does not", async () => {
    const first = await statuses(42);
    assert.deepEqual(await statuses(42), first);
    assert.ok(first.includes(200) && first.some((status) => status >= 500), first.join(","));
    assert.notDeepEqual(await statuses(7), first);
  });
});
