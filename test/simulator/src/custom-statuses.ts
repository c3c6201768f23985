// Custom statuses (Callbell's Custom Status API): the account's statuses, their validation, and the /v1 routes over them.
import { randomUUID } from "node:crypto";
import { paginated, pageParam, type ApiAnswer, type ApiHandler, type ApiRequest } from "./api";
import { ApiError, notFound, validationError } from "./errors";
import type { Route } from "./router";
import { callbellTime } from "./time";
import type { CustomStatus, CustomStatusEdit, StatusNamesPolicy } from "./types";
import { rejectUnknownKeys, requireNonEmptyString, requireObject, typeError } from "./validation";

/** Longest status name accepted, in characters (code points); the reference is silent, this is the simulator's bound. */
export const MAX_STATUS_NAME_LENGTH = 50;
/** Longest emoji accepted, in code points: enough for a joined sequence such as a family with skin tones. */
export const MAX_STATUS_EMOJI_LENGTH = 16;

const STATUS_KEYS = new Set(["name", "emoji"]);

/** What the custom statuses need from the run: the name policy, the wall clock and the page size. */
export interface CustomStatusSettings {
  statusNames: StatusNamesPolicy;
  now: () => number;
  pageSize: number;
}

/** The account's custom statuses, oldest first, by id. */
export class CustomStatusStore {
  private readonly byId = new Map<string, CustomStatus>();

  constructor(
    private readonly settings: CustomStatusSettings,
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** Every status, oldest first (copies). */
  all(): CustomStatus[] {
    return [...this.byId.values()].map((status) => ({ ...status }));
  }

  /** Validates a POST /custom_statuses body (and the name policy) and stores the new status. */
  create(body: unknown): CustomStatus {
    const { name, emoji } = validateStatusBody(body);
    this.requireFreeName(name, undefined);
    const now = callbellTime(this.settings.now());
    const status: CustomStatus = { id: randomUUID(), name, emoji: emoji ?? null, createdAt: now, updatedAt: now };
    this.byId.set(status.id, status);
    this.onChange();
    return { ...status };
  }

  /** Validates a PUT /custom_statuses/:id body and applies it: name required, an absent emoji left as it is; updatedAt bumped. */
  replace(id: string, body: unknown): CustomStatus {
    const status = this.require(id);
    const { name, emoji } = validateStatusBody(body);
    this.requireFreeName(name, id);
    return this.apply(status, { name, emoji });
  }

  /** A hand edit from the dashboard (admin API): checks types only (400), not the name policy; updatedAt bumped. */
  edit(id: string, body: unknown): CustomStatus {
    const status = this.require(id);
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ApiError(400, "bad_request", "edit must be a JSON object");
    const edit = body as Record<string, unknown>;
    for (const key of Object.keys(edit)) {
      if (!STATUS_KEYS.has(key)) throw new ApiError(400, "bad_request", `'${key}' cannot be edited; editable: ${[...STATUS_KEYS].join(", ")}`);
    }
    if (edit.name !== undefined && (typeof edit.name !== "string" || edit.name.trim() === "")) {
      throw new ApiError(400, "bad_request", "name must be a non-empty string");
    }
    if (edit.emoji !== undefined && edit.emoji !== null && typeof edit.emoji !== "string")
      throw new ApiError(400, "bad_request", "emoji must be a string or null");
    return this.apply(status, edit as CustomStatusEdit);
  }

  /** Removes a status; false when there was none. */
  delete(id: string): boolean {
    const deleted = this.byId.delete(id);
    if (deleted) this.onChange();
    return deleted;
  }

  /** Removes every status (admin reset). */
  clear(): void {
    this.byId.clear();
    this.onChange();
  }

  /** Puts back statuses read from the data file, in their order. */
  load(statuses: CustomStatus[]): void {
    for (const status of statuses) this.byId.set(status.id, { ...status });
  }

  /** The status with this id, or 404 not_found naming id. */
  require(id: string): CustomStatus {
    const status = this.byId.get(id);
    if (!status) throw notFound(`no custom status with id '${id}'`, "id", id);
    return status;
  }

  private apply(status: CustomStatus, edit: CustomStatusEdit): CustomStatus {
    if (edit.name !== undefined) status.name = edit.name;
    if (edit.emoji !== undefined) status.emoji = edit.emoji === "" ? null : edit.emoji;
    status.updatedAt = callbellTime(this.settings.now());
    this.onChange();
    return { ...status };
  }

  // With statusNames "unique", a name is taken when another status has it, ignoring case and surrounding spaces.
  private requireFreeName(name: string, exceptId: string | undefined): void {
    if (this.settings.statusNames !== "unique") return;
    const key = nameKey(name);
    const taken = [...this.byId.values()].find((status) => status.id !== exceptId && nameKey(status.name) === key);
    if (taken) throw validationError("name", name, `a custom status named '${taken.name}' already exists: id ${taken.id}`);
  }
}

/** The /v1 routes of the Custom Status API over one store. */
export function customStatusRoutes(store: CustomStatusStore, settings: Pick<CustomStatusSettings, "pageSize">): Route<ApiHandler>[] {
  const one = (status: CustomStatus, created = false): ApiAnswer => ({ status: 200, body: { customStatus: status }, committed: created });
  return [
    {
      pattern: "/custom_statuses",
      methods: {
        GET: (request: ApiRequest) => paginated("customStatuses", store.all(), pageParam(request.query), settings.pageSize),
        POST: (request: ApiRequest) => one(store.create(request.body), true),
      },
    },
    {
      pattern: "/custom_statuses/:id",
      methods: {
        GET: (request: ApiRequest) => one({ ...store.require(request.params.id) }),
        PUT: (request: ApiRequest) => one(store.replace(request.params.id, request.body), true),
        DELETE: (request: ApiRequest) => {
          store.require(request.params.id);
          store.delete(request.params.id);
          return { status: 200, body: { status: "custom status was destroyed" }, committed: true };
        },
      },
    },
  ];
}

// POST and PUT take the same body: name (required) and emoji (optional; null or "" for none).
function validateStatusBody(body: unknown): CustomStatusEdit & { name: string } {
  const fields = requireObject(body);
  rejectUnknownKeys(fields, STATUS_KEYS, "is not a field of a custom status (name, emoji)");
  const name = requireNonEmptyString("name", fields.name);
  const nameLength = Array.from(name).length;
  if (nameLength > MAX_STATUS_NAME_LENGTH) throw validationError("name", name, `name must be at most ${MAX_STATUS_NAME_LENGTH} characters, got ${nameLength}`);
  const result: CustomStatusEdit & { name: string } = { name };
  if (fields.emoji !== undefined) {
    if (fields.emoji !== null && typeof fields.emoji !== "string") throw typeError("emoji", fields.emoji, "a string or null");
    if (typeof fields.emoji === "string") {
      const length = Array.from(fields.emoji).length;
      if (length > MAX_STATUS_EMOJI_LENGTH)
        throw validationError("emoji", fields.emoji, `emoji must be at most ${MAX_STATUS_EMOJI_LENGTH} characters, got ${length}`);
    }
    result.emoji = fields.emoji === "" ? null : (fields.emoji as string | null);
  }
  return result;
}

function nameKey(name: string): string {
  return name.trim().toLowerCase();
}
