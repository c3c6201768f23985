// The scripts a team would write instead of Pulumi: POST every seed contact with axios, once in a
// sequential loop and once with a bounded pool of workers. Neither is idempotent (running one
// twice makes duplicates or 409s), neither reads anything back. The parallel one does what such
// scripts usually learn to do after their first 429: wait Retry-After and send again.
import axios, { AxiosError } from "axios";
import { seedContact } from "./programs/seed";

/** How a script run went. */
export interface ScriptResult {
  seconds: number;
  posts: number;
  rateLimited: number;
  failures: number;
  firstFailure?: string;
}

/** POSTs contacts 0..n-1 with `concurrency` workers (1 = the sequential loop). */
export async function postAll(url: string, token: string, n: number, concurrency: number): Promise<ScriptResult> {
  const http = axios.create({ baseURL: url, headers: { Authorization: `Bearer ${token}` }, timeout: 30_000 });
  let next = 0;
  let posts = 0;
  let rateLimited = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const c = seedContact(i, 1);
      const body = { identifier: c.identifier, source: c.source, name: c.name, tags: c.tags, custom_fields: c.customFields, note: c.note };
      for (;;) {
        posts++;
        try {
          await http.post("/contacts", body);
          break;
        } catch (error) {
          const response = (error as AxiosError).response;
          if (response?.status === 429) {
            rateLimited++;
            await new Promise((r) => setTimeout(r, Number(response.headers["retry-after"] ?? 1) * 1000));
            continue;
          }
          failures++;
          firstFailure ??= `${response?.status ?? (error as AxiosError).code}: ${(error as Error).message}`;
          break;
        }
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { seconds: (performance.now() - started) / 1000, posts, rateLimited, failures, firstFailure };
}
