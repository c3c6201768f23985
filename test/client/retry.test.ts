import { strict as assert } from "assert";
import { backoffDelay, decideRetry, defaultRetryPolicy as policy, isAmbiguousFailure, parseRetryAfter, unknownOutcome } from "../../provider/src/client/retry";

const never = () => 0.5;

describe("retry policy", () => {
  it("retries a 429 on any method, waiting at least what Retry-After asks", () => {
    const d = decideRetry(policy, 0, { method: "POST", status: 429, retryAfterMs: 3000 }, never);
    assert.deepEqual(d, { retry: true, delayMs: 3000, reason: "rate limited" });
  });

  it("caps an absurd Retry-After", () => {
    const d = decideRetry(policy, 0, { method: "GET", status: 429, retryAfterMs: 3_600_000 }, never);
    assert.ok(d.retry && d.delayMs === policy.maxRetryAfterMs);
  });

  for (const status of [400, 401, 404, 409, 422]) {
    it(`never retries ${status}`, () => assert.equal(decideRetry(policy, 0, { method: "GET", status }).retry, false));
  }

  it("retries 5xx and resets for GET, PATCH and DELETE", () => {
    for (const method of ["GET", "PATCH", "DELETE"]) {
      assert.ok(decideRetry(policy, 0, { method, status: 503 }).retry);
      assert.ok(decideRetry(policy, 0, { method, networkCode: "ECONNRESET" }).retry);
    }
  });

  it("never blindly re-sends a POST whose outcome is unknown, but does when it never left", () => {
    assert.equal(decideRetry(policy, 0, { method: "POST", status: 500 }).retry, false);
    assert.equal(decideRetry(policy, 0, { method: "POST", networkCode: "ECONNRESET" }).retry, false);
    assert.equal(decideRetry(policy, 0, { method: "POST", networkCode: "ECONNABORTED" }).retry, false);
    assert.ok(decideRetry(policy, 0, { method: "POST", networkCode: "ECONNREFUSED" }).retry);
    assert.ok(isAmbiguousFailure(policy, { method: "POST", status: 502 }));
    assert.ok(!isAmbiguousFailure(policy, { method: "POST", status: 429 }));
  });

  it("decides with one rule which outcomes are unknown: lost answer, reset, time-out, cut-off or oversized body, 2xx without a contact, 5xx", () => {
    const cases: [Parameters<typeof unknownOutcome>[1], string | undefined][] = [
      [{ method: "POST", networkCode: "ECONNREFUSED" }, undefined],
      [{ method: "POST", networkCode: "EAI_AGAIN" }, undefined],
      [{ method: "POST", networkCode: "ETIMEDOUT" }, "no complete answer came in the time allowed"],
      [{ method: "POST", networkCode: "ECONNABORTED" }, "no complete answer came in the time allowed"],
      [{ method: "POST", networkCode: "ECONNRESET" }, "the connection was lost before an answer came"],
      [{ method: "POST", bodyFault: "too-large" }, "the answer was larger than the client reads"],
      [{ method: "POST", status: 200, bodyFault: "cut-off" }, "the answer was cut off before its end"],
      [{ method: "POST", status: 201, bodyFault: "invalid" }, "Callbell answered success without a valid contact"],
      [{ method: "POST", status: 502 }, "Callbell answered a server error"],
      [{ method: "POST", status: 503, bodyFault: "cut-off" }, "Callbell answered a server error"],
      [{ method: "POST", status: 422, bodyFault: "cut-off" }, undefined],
      [{ method: "POST", status: 409 }, undefined],
      [{ method: "POST", status: 429 }, undefined],
    ];
    for (const [failure, expected] of cases) assert.equal(unknownOutcome(policy, failure), expected, JSON.stringify(failure));
  });

  it("retries a read cut off mid-body, never a POST in that state, and never a body over the cap", () => {
    assert.equal(decideRetry(policy, 0, { method: "GET", status: 200, bodyFault: "cut-off" }, never).retry, true);
    assert.equal(decideRetry(policy, 0, { method: "PATCH", status: 200, bodyFault: "cut-off" }, never).retry, true);
    assert.equal(decideRetry(policy, 0, { method: "POST", status: 200, bodyFault: "cut-off" }, never).retry, false);
    assert.equal(decideRetry(policy, 0, { method: "GET", bodyFault: "too-large" }, never).retry, false);
    assert.equal(decideRetry(policy, 0, { method: "GET", status: 404, bodyFault: "cut-off" }, never).retry, false);
    assert.equal(decideRetry(policy, 0, { method: "GET", networkCode: "ETIMEDOUT" }, never).retry, true);
  });

  it("stops after the budget", () => {
    assert.equal(decideRetry(policy, policy.maxRetries, { method: "GET", status: 503 }).retry, false);
  });

  it("backs off exponentially with full jitter under a cap", () => {
    assert.equal(
      backoffDelay(policy, 0, () => 1),
      policy.baseDelayMs,
    );
    assert.equal(
      backoffDelay(policy, 3, () => 1),
      policy.baseDelayMs * 8,
    );
    assert.equal(
      backoffDelay(policy, 30, () => 1),
      policy.maxDelayMs,
    );
    assert.equal(
      backoffDelay(policy, 5, () => 0),
      0,
    );
  });

  it("parses Retry-After in seconds and as an HTTP date", () => {
    assert.equal(parseRetryAfter("2"), 2000);
    assert.equal(parseRetryAfter("Wed, 25 Nov 2026 01:00:10 GMT", Date.parse("Wed, 25 Nov 2026 01:00:00 GMT")), 10_000);
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter("soon"), undefined);
  });
});
