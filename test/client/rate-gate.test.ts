// The client's request-rate gate: every request of a process takes the next slot, spaced by 1/rate, in the order
// sent, and a 429 with Retry-After holds back every request, not just the one that got it.
import { strict as assert } from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { createHttp } from "../../provider/src/client/http";

interface Arrival {
  path: string;
  at: number;
}

// A server on 127.0.0.1 that answers each request with answer(index) and records when each arrived.
async function withServer(
  answer: (index: number) => { status: number; headers?: Record<string, string> },
  run: (url: string, arrivals: Arrival[]) => Promise<void>,
) {
  const arrivals: Arrival[] = [];
  const server = http.createServer((req, res) => {
    const { status, headers } = answer(arrivals.length);
    arrivals.push({ path: req.url ?? "", at: performance.now() });
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(status === 200 ? "{}" : '{"error":"slow down"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    // Each server has its own port, so its own gate: tests do not share slots.
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, arrivals);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("client: request-rate gate", () => {
  it("sends requests issued at once one slot (1/rate) apart, in the order issued", async () => {
    await withServer(
      () => ({ status: 200 }),
      async (url, arrivals) => {
        const rate = 40; // 25 ms apart
        const transport = createHttp({ baseUrl: url, token: "t", requestsPerSecond: rate });
        const count = 12;
        const issued = performance.now();
        await Promise.all(Array.from({ length: count }, (_, i) => transport.send({ method: "GET", path: `/contacts/${i}` })));
        assert.deepEqual(arrivals.map((a) => a.path).sort(), Array.from({ length: count }, (_, i) => `/v1/contacts/${i}`).sort());
        // Request i takes slot i, and timers never fire early: it cannot arrive before i slots have passed
        // (2 ms of rounding allowed). Connections opened in parallel may still land out of order.
        for (const a of arrivals) {
          const i = Number(a.path.split("/").pop());
          const after = a.at - issued;
          assert.ok(after >= i * (1000 / rate) - 2, `request ${i} arrived ${after.toFixed(1)} ms after all were issued, before its slot at ${i * 25} ms`);
        }
      },
    );
  });

  it("a 429 with Retry-After holds back a request issued after it, and the first is retried after the wait", async () => {
    await withServer(
      (index) => (index === 0 ? { status: 429, headers: { "retry-after": "1" } } : { status: 200 }),
      async (url, arrivals) => {
        const transport = createHttp({ baseUrl: url, token: "t", requestsPerSecond: 100 });
        const first = transport.send({ method: "GET", path: "/contacts/first" });
        while (arrivals.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        await new Promise((resolve) => setTimeout(resolve, 50)); // the 429 has been read and the pause set
        const second = transport.send({ method: "GET", path: "/contacts/second" });
        await Promise.all([first, second]);
        const refused = arrivals[0].at;
        const later = arrivals.slice(1);
        assert.deepEqual(later.map((a) => a.path).sort(), ["/v1/contacts/first", "/v1/contacts/second"]);
        for (const a of later) assert.ok(a.at - refused >= 950, `${a.path} was sent ${(a.at - refused).toFixed(0)} ms after the 429, before Retry-After: 1`);
      },
    );
  });
});
