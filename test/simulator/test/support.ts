// Helpers shared by the simulator's conformance tests: a simulator per suite, raw HTTP calls, request bodies.
import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { startSimulator, type SimulatorOptions, type StartedSimulator } from "../src";

/** A decoded HTTP answer. */
export interface Answer {
  status: number;
  headers: Headers;
  // any: tests index freely into answers; the shapes are asserted, not trusted.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** How call() builds a request. */
export interface CallOptions {
  body?: unknown;
  rawBody?: string;
  token?: string | null;
  headers?: Record<string, string>;
}

/** Starts one simulator for the enclosing describe() (closed after it) and, unless told not to, resets it before each test. */
export function useSimulator(options: SimulatorOptions = {}, resetEachTest = true): { readonly sim: StartedSimulator } {
  let started: StartedSimulator | undefined;
  const holder = {
    get sim(): StartedSimulator {
      if (!started) throw new Error("simulator not started yet");
      return started;
    },
  };
  before(async () => {
    started = await startSimulator({ rateLimitPerSecond: 0, ...options });
  });
  if (resetEachTest) beforeEach(() => holder.sim.admin.reset());
  after(() => started?.close());
  return holder;
}

/** One /v1 call with fetch: path is relative to /v1; the simulator's token unless token is given (null = none). */
export async function call(sim: StartedSimulator, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  const token = options.token === undefined ? sim.token : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`${sim.url}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? undefined : JSON.parse(text) };
}

/** Asserts an error answer in the simulator's one error format. */
export function expectError(answer: Answer, status: number, code: string, field?: string, value?: unknown): void {
  assert.equal(answer.status, status, `expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  assert.equal(answer.body?.error?.status, status);
  assert.equal(answer.body.error.code, code);
  assert.equal(typeof answer.body.error.message, "string");
  if (field !== undefined) assert.equal(answer.body.error.field, field);
  if (value !== undefined) assert.deepEqual(answer.body.error.value, value);
}

let phoneCounter = 0;

/** A valid, never-repeated Italian mobile number in international digits, e.g. "393330000001". */
export function uniquePhone(): string {
  phoneCounter += 1;
  return `39333${String(phoneCounter).padStart(7, "0")}`;
}

/** A valid POST /contacts body with a fresh phone number, overridable. */
export function newContactBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { identifier: uniquePhone(), source: "whatsapp", name: "Test Contact", ...overrides };
}

/** Creates a contact through POST /v1/contacts and answers it (asserting 200). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a contact as the API answers it, indexed freely like Answer.body
export async function createContact(sim: StartedSimulator, overrides: Record<string, unknown> = {}): Promise<any> {
  const answer = await call(sim, "POST", "/contacts", { body: newContactBody(overrides) });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.contact[0];
}

/** What a raw node:http request ended with: an answer, or the socket error the client saw. */
export type RawOutcome = { status: number; headers: http.IncomingHttpHeaders; text: string } | { error: NodeJS.ErrnoException };

/** A request over a fresh connection with node:http, for cases fetch hides (resets, huge or partial bodies). */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string | number>; body?: string | Buffer; chunks?: Buffer[] } = {},
): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const request = http.request(url, { method: options.method ?? "GET", headers: options.headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString() }));
      response.on("error", (error) => resolve({ error }));
    });
    request.on("error", (error) => resolve({ error }));
    for (const chunk of options.chunks ?? []) request.write(chunk);
    request.end(options.body);
  });
}

/** Headers for an authorized JSON write with rawRequest(). */
export function jsonHeaders(sim: StartedSimulator): Record<string, string> {
  return { authorization: `Bearer ${sim.token}`, "content-type": "application/json" };
}

/** One request a test receiver got: method, path, headers and the raw body text. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What a test receiver answers to one request: a status and a body; held answers wait until release() is called. */
export interface ReceiverAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  hold?: boolean;
}

/** A local webhook receiver on 127.0.0.1 (port 0): what it got, and a way to stop it. */
export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  /** Answers every held request with 200. */
  release(): void;
  close(): Promise<void>;
}

/** Starts an HTTP receiver; answer picks the answer to the nth request (0-based), by default 200 {"status":"ok"}. */
export async function startReceiver(answer: (request: ReceivedRequest, index: number) => ReceiverAnswer = () => ({ status: 200 })): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const held: http.ServerResponse[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const got: ReceivedRequest = {
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      received.push(got);
      const chosen = answer(got, received.length - 1);
      if (chosen.hold) {
        // The simulator may give up on a held answer (timeout, cancel): writing to it later must not throw.
        response.on("error", () => undefined);
        held.push(response);
        return;
      }
      response.writeHead(chosen.status, { "content-type": "application/json", ...chosen.headers });
      response.end(chosen.body ?? '{"status":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/callbell`,
    received,
    release: () => {
      for (const response of held.splice(0)) response.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
