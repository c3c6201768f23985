// One typed method per endpoint of Callbell's Custom Status API. Knows HTTP paths and the status object; nothing of
// Pulumi. A status delete is irreversible, and Callbell has no idempotency key, so a POST whose outcome is unknown is
// never re-sent before the list shows that no status of that name exists.
import { z } from "zod";
import { CallbellError, CallbellNotFoundError, answerShapeError, attemptFailureOf } from "./errors";
import { CallbellHttp, HttpSettings, createHttp, sleep } from "./http";
import { ListEnd, maxPages } from "./paging";
import { decideRetry, unknownOutcome } from "./retry";

/** A custom status id: a dashed UUID (8dbd6f6c-ec09-4b87-a04e-bef1c2ca41db), unlike a contact's 32 hex digits. */
export const customStatusIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A custom status as Callbell returns it. */
export const apiCustomStatusSchema = z.looseObject({
  id: z.string().regex(customStatusIdPattern, "id must be a dashed UUID"),
  name: z.string(),
  emoji: z.string().nullish(),
  createdAt: z.string().nullish(),
  updatedAt: z.string().nullish(),
});
/** A custom status as Callbell returns it. */
export type ApiCustomStatus = z.infer<typeof apiCustomStatusSchema>;

/** Body of POST /custom_statuses and PUT /custom_statuses/:id. */
export interface CustomStatusBody {
  name: string;
  emoji?: string | null;
}

/** How a create ended: a new status, or the one the list showed after the POST's answer was lost. */
export interface CustomStatusCreated {
  status: ApiCustomStatus;
  recoveredAfterLostAnswer: boolean;
}

const envelope = z.object({ customStatus: apiCustomStatusSchema });
const page = z.looseObject({
  customStatuses: z.array(z.unknown()),
  meta: z.looseObject({ page: z.number().optional(), pages: z.number().optional() }).nullish(),
});

/** The Custom Status API, typed. */
export class CustomStatusesClient {
  private readonly http: CallbellHttp;

  constructor(settings: HttpSettings) {
    this.http = createHttp(settings);
  }

  /** Every status of the account, all pages of GET /custom_statuses. */
  async list(): Promise<ApiCustomStatus[]> {
    const path = "/custom_statuses";
    const all: ApiCustomStatus[] = [];
    const end = new ListEnd();
    for (let number = 1; number <= maxPages; number++) {
      const answer = await this.http.send({ method: "GET", path, query: { page: String(number) } });
      const parsed = page.safeParse(answer.body);
      if (!parsed.success) throw answerShapeError("GET", path, answer.status, "no 'customStatuses' list in the answer");
      parsed.data.customStatuses.forEach((item, index) => {
        const status = apiCustomStatusSchema.safeParse(item);
        if (!status.success)
          throw answerShapeError("GET", path, answer.status, `customStatuses[${index}]: ${status.error.issues[0]?.message ?? "not a status"}`);
        all.push(status.data);
      });
      if (end.isLast(number, { size: parsed.data.customStatuses.length, lastPage: parsed.data.meta?.pages ?? undefined })) break;
    }
    return all;
  }

  /** GET /custom_statuses/:id; undefined when Callbell says 404. */
  async get(id: string): Promise<ApiCustomStatus | undefined> {
    return this.statusCall("GET", `/custom_statuses/${encodeURIComponent(id)}`, undefined, true);
  }

  /**
   * POST /custom_statuses without ever making a second status: when the outcome is unknown (see retry.ts), the list is
   * read, and a status `sameName` finds there is the one this POST made (the caller checked none existed before).
   */
  async create(body: CustomStatusBody, sameName: (status: ApiCustomStatus) => boolean): Promise<CustomStatusCreated> {
    for (let retry = 0; ; retry++) {
      try {
        return { status: await this.statusCall("POST", "/custom_statuses", body), recoveredAfterLostAnswer: false };
      } catch (error) {
        if (!(error instanceof CallbellError) || !unknownOutcome(this.http.policy, attemptFailureOf("POST", error))) throw error;
        const found = (await this.list()).find(sameName);
        if (found) return { status: found, recoveredAfterLostAnswer: true };
        const decision = decideRetry(this.http.policy, retry, attemptFailureOf("GET", error));
        if (!decision.retry) throw error;
        await sleep(decision.delayMs);
      }
    }
  }

  /** PUT /custom_statuses/:id with the whole status. */
  async update(id: string, body: CustomStatusBody): Promise<ApiCustomStatus> {
    return this.statusCall("PUT", `/custom_statuses/${encodeURIComponent(id)}`, body);
  }

  /** DELETE /custom_statuses/:id (irreversible); "absent" when it was already gone (404). */
  async remove(id: string): Promise<"deleted" | "absent"> {
    try {
      await this.http.send({ method: "DELETE", path: `/custom_statuses/${encodeURIComponent(id)}` });
      return "deleted";
    } catch (error) {
      if (error instanceof CallbellNotFoundError) return "absent";
      throw error;
    }
  }

  private async statusCall(method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<ApiCustomStatus>;
  private async statusCall(method: "GET", path: string, body: undefined, absentOn404: true): Promise<ApiCustomStatus | undefined>;
  private async statusCall(method: "GET" | "POST" | "PUT", path: string, body?: unknown, absentOn404?: boolean): Promise<ApiCustomStatus | undefined> {
    const answer = await this.http.send({ method, path, body, absentOn404 });
    if (absentOn404 && answer.status === 404) return undefined;
    const parsed = envelope.safeParse(answer.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw answerShapeError(method, path, answer.status, `not a custom status: ${issue?.path.join(".") || "body"}: ${issue?.message ?? "wrong shape"}`);
    }
    return parsed.data.customStatus;
  }
}
