// When do page reads pay? A refresh-like sequence of N reads (8 at a time, as the engine reads) through the provider,
// against an in-process simulator answering in 40 ± 10 ms, with callbell:pageReads on and off: requests and seconds.
// The account holds the stack's N contacts plus `--others` contacts no stack holds, listed first.
// `npx ts-node --transpile-only scripts/page-reads-payoff.ts [--n 8,16,24,32,64,128,500,1000] [--others 0]`
import { ContactsClient } from "../provider/src/client/contacts";
import { ProviderSettings, requireToken } from "../provider/src/config";
import { ContactProvider, makeContactProvider } from "../provider/src/doors/dynamic/dynamic-provider";
import { ContactInputs, ContactOutputs } from "../provider/src/domain/contact/shape";
import { startSimulator } from "callbell-simulator";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const sizes = option("--n", "8,16,24,32,64,128,500,1000").split(",").map(Number);
const others = Number(option("--others", "0"));

function runOf(settings: ProviderSettings): ContactProvider {
  let client: ContactsClient | undefined;
  return makeContactProvider({
    settings: () => settings,
    client: () => (client ??= new ContactsClient({ baseUrl: settings.apiUrl, token: requireToken(settings), requestsPerSecond: 300 })),
    warn: () => undefined,
  });
}

async function main(): Promise<void> {
  console.log(`N | others | requests (pages on) | pages | requests (off) | seconds (on) | seconds (off)`);
  for (const n of sizes) {
    const sim = await startSimulator({ seed: 26, rateLimitPerSecond: 0 });
    try {
      for (let i = 0; i < others; i++) await sim.admin.createContact({ identifier: `39334${1_000_000 + i}`, source: "whatsapp", name: `Customer ${i}` });
      const held: { id: string; state: ContactOutputs }[] = [];
      for (let i = 0; i < n; i++) {
        const contact = await sim.admin.createContact({ identifier: `39333${1_000_000 + i}`, source: "whatsapp", name: `Seed ${i}`, tags: ["seed"] });
        const state = { identifier: `39333${1_000_000 + i}`, source: "whatsapp", name: `Seed ${i}`, tags: ["seed"], uuid: contact.uuid } as ContactOutputs;
        held.push({ id: contact.uuid, state });
      }
      await sim.admin.setFaults({ latencyMs: 40, jitterMs: 10 });
      const row: number[] = [];
      for (const pageReads of [true, false]) {
        await sim.admin.clearRequests();
        const run = runOf({ apiUrl: sim.url, apiToken: sim.token, pageReads });
        const started = performance.now();
        let next = 0;
        const worker = async () => {
          while (next < held.length) {
            const { id, state } = held[next++];
            await run.read!(id, state as ContactInputs & ContactOutputs);
          }
        };
        await Promise.all(Array.from({ length: 8 }, worker));
        const seconds = (performance.now() - started) / 1000;
        const log = await sim.admin.requests();
        row.push(log.length, log.filter((e) => e.path.startsWith("/v1/contacts?")).length, seconds);
      }
      const [onRequests, pages, onSeconds, offRequests, , offSeconds] = row;
      console.log(`${n} | ${others} | ${onRequests} | ${pages} | ${offRequests} | ${onSeconds.toFixed(2)} | ${offSeconds.toFixed(2)}`);
    } finally {
      await sim.close();
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
