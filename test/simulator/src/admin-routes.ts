// Server side of the /__admin endpoints: inspect and steer the simulator without auth, rate limit, faults or logging.
import type { Account } from "./account";
import type { ApiAnswer, ApiRequest, CallbellApi } from "./api";
import type { CustomStatusStore } from "./custom-statuses";
import { ApiError, notFound } from "./errors";
import type { FaultInjector, RateLimiter } from "./faults";
import type { RequestLog } from "./request-log";
import { Router } from "./router";
import type { ContactStore, StoredContact } from "./store";
import type { ContactEdit, FaultConfig, ScriptedFault } from "./types";
import type { Webhooks } from "./webhooks";

/** Answers one admin request; settling deliveries answers later. */
export type AdminHandler = (request: ApiRequest) => ApiAnswer | Promise<ApiAnswer>;

/** How long settleDeliveries waits at most when the call names no timeout. */
export const DEFAULT_SETTLE_TIMEOUT_MS = 15_000;

/** Everything the admin endpoints act on. */
export interface AdminTargets {
  account: Account;
  api: CallbellApi;
  store: ContactStore;
  log: RequestLog;
  faults: FaultInjector;
  rateLimiter: RateLimiter;
  statuses: CustomStatusStore;
  webhooks: Webhooks;
}

const EDITABLE_KEYS = new Set<keyof ContactEdit>([
  "name",
  "tags",
  "note",
  "customFields",
  "assignedUser",
  "teamUuid",
  "bsuid",
  "avatarUrl",
  "blockedAt",
  "closedAt",
]);

/** Routes relative to /__admin. */
export function adminRouter(targets: AdminTargets): Router<AdminHandler> {
  const { api, store, log, faults, rateLimiter, statuses, webhooks } = targets;
  const ok = (body: unknown = { status: "ok" }): ApiAnswer => ({ status: 200, body, committed: false });
  const requireContact = (uuid: string): StoredContact => {
    const contact = store.get(uuid);
    if (!contact) throw notFound(`no contact with uuid '${uuid}'`, "uuid", uuid);
    return contact;
  };
  return new Router<AdminHandler>(
    [
      {
        pattern: "/requests",
        methods: {
          GET: () => ok({ requests: log.list() }),
          DELETE: () => {
            log.clear();
            return ok();
          },
        },
      },
      {
        pattern: "/contacts",
        methods: {
          GET: () => ok({ contacts: [...store.all()].map((contact) => api.view(contact)) }),
          POST: (request) => ok({ contact: api.view(api.createContact(request.body)) }),
        },
      },
      {
        pattern: "/contacts/:uuid",
        methods: {
          GET: (request) => ok({ contact: api.view(requireContact(request.params.uuid)) }),
          PATCH: (request) => ok({ contact: api.view(editContact(targets, request.params.uuid, request.body)) }),
          DELETE: (request) => {
            requireContact(request.params.uuid);
            store.delete(request.params.uuid);
            return ok();
          },
        },
      },
      {
        pattern: "/teams/:uuid",
        methods: {
          // A rename in the dashboard (Callbell's own PATCH /teams/:uuid also changes only the name).
          PATCH: (request) => {
            const name = (request.body as { name?: unknown } | undefined)?.name;
            if (typeof name !== "string" || name.trim() === "") throw new ApiError(400, "bad_request", "body must be {name: string}, a non-empty name");
            if (!targets.account.team(request.params.uuid)) throw notFound(`no team with uuid '${request.params.uuid}'`, "uuid", request.params.uuid);
            return ok({ team: targets.account.renameTeam(request.params.uuid, name) });
          },
        },
      },
      {
        pattern: "/custom_statuses",
        methods: {
          GET: () => ok({ customStatuses: statuses.all() }),
          // As the dashboard makes one: validated like POST /v1/custom_statuses, and the statusNames policy applies.
          POST: (request) => ok({ customStatus: statuses.create(request.body) }),
        },
      },
      {
        pattern: "/custom_statuses/:id",
        methods: {
          GET: (request) => ok({ customStatus: { ...statuses.require(request.params.id) } }),
          PATCH: (request) => ok({ customStatus: statuses.edit(request.params.id, request.body) }),
          DELETE: (request) => {
            statuses.require(request.params.id);
            statuses.delete(request.params.id);
            return ok();
          },
        },
      },
      {
        pattern: "/webhook",
        methods: {
          GET: () => ok({ webhook: webhooks.adminView() }),
          PUT: (request) => ok({ webhook: webhooks.edit(request.body) }),
          DELETE: () => {
            if (!webhooks.remove()) throw notFound("this account has no webhook");
            return ok();
          },
        },
      },
      {
        pattern: "/webhook/secret",
        methods: {
          PUT: (request) => {
            webhooks.setSecret((request.body as { secret?: unknown } | undefined)?.secret);
            return ok();
          },
          DELETE: () => {
            webhooks.clearSecret();
            return ok();
          },
        },
      },
      {
        pattern: "/webhook/settings",
        methods: {
          GET: () => ok({ settings: webhooks.currentDeliverySettings() }),
          PATCH: (request) => ok({ settings: webhooks.setDeliverySettings(request.body ?? {}) }),
        },
      },
      {
        pattern: "/webhook/deliveries",
        methods: { GET: () => ok({ deliveries: webhooks.deliveries.list() }) },
      },
      {
        pattern: "/webhook/settle",
        methods: {
          // Answers once no delivery is pending (every one delivered, failed after its retries, or cancelled); 504 after timeoutMs.
          POST: async (request) => {
            const timeoutMs = (request.body as { timeoutMs?: unknown } | undefined)?.timeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS;
            if (typeof timeoutMs !== "number" || !(timeoutMs > 0)) throw new ApiError(400, "bad_request", "timeoutMs must be a number > 0");
            if (!(await webhooks.deliveries.settle(timeoutMs))) {
              throw new ApiError(504, "deliveries_pending", `${webhooks.deliveries.pending} webhook deliveries still pending after ${timeoutMs} ms`);
            }
            return ok({ deliveries: webhooks.deliveries.list() });
          },
        },
      },
      {
        pattern: "/faults",
        methods: {
          PUT: (request) => {
            asBadRequest(() => faults.setFaults((request.body ?? {}) as FaultConfig));
            return ok();
          },
        },
      },
      {
        pattern: "/script",
        methods: {
          POST: (request) => {
            const scripted = (request.body as { faults?: unknown } | undefined)?.faults;
            if (!Array.isArray(scripted)) throw new ApiError(400, "bad_request", "body must be {faults: ScriptedFault[]}");
            asBadRequest(() => faults.script(scripted as ScriptedFault[]));
            return ok();
          },
        },
      },
      {
        pattern: "/force429",
        methods: {
          POST: (request) => {
            const { durationMs, retryAfterSeconds } = (request.body ?? {}) as { durationMs?: unknown; retryAfterSeconds?: unknown };
            if (typeof durationMs !== "number" || durationMs < 0) throw new ApiError(400, "bad_request", "durationMs must be a number >= 0");
            if (retryAfterSeconds !== undefined && typeof retryAfterSeconds !== "number") {
              throw new ApiError(400, "bad_request", "retryAfterSeconds must be a number");
            }
            faults.force429(durationMs, retryAfterSeconds);
            return ok();
          },
        },
      },
      {
        pattern: "/reset",
        methods: {
          POST: () => {
            store.clear();
            statuses.clear();
            webhooks.reset();
            log.clear();
            targets.account.resetTeams();
            faults.reset();
            rateLimiter.reset();
            return ok();
          },
        },
      },
    ],
    "/__admin",
  );
}

function asBadRequest(action: () => void): void {
  try {
    action();
  } catch (error) {
    throw new ApiError(400, "bad_request", (error as Error).message);
  }
}

/** A hand edit of a contact, as in Callbell's dashboard: the admin PATCH and the simulator's dashboard form both make it. */
export function editContact(targets: Pick<AdminTargets, "account" | "store">, uuid: string, body: unknown): StoredContact {
  const contact = targets.store.get(uuid);
  if (!contact) throw notFound(`no contact with uuid '${uuid}'`, "uuid", uuid);
  const edit = checkEdit(body, targets.account);
  targets.store.update(contact, (target) => applyEdit(target, edit));
  return contact;
}

// Free-form on purpose (it simulates dashboard edits), but the keys and team must be real or views would break.
function checkEdit(body: unknown, account: Account): ContactEdit {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ApiError(400, "bad_request", "edit must be a JSON object");
  for (const key of Object.keys(body)) {
    if (!EDITABLE_KEYS.has(key as keyof ContactEdit)) {
      throw new ApiError(400, "bad_request", `'${key}' cannot be edited; editable: ${[...EDITABLE_KEYS].join(", ")}`);
    }
  }
  const edit = body as ContactEdit;
  if (edit.teamUuid !== undefined && !account.team(edit.teamUuid)) throw new ApiError(400, "bad_request", `no team ${edit.teamUuid}`);
  return edit;
}

function applyEdit(contact: StoredContact, edit: ContactEdit): void {
  if (edit.name !== undefined) contact.name = edit.name;
  if (edit.tags !== undefined) contact.tags = [...edit.tags];
  if (edit.note !== undefined) contact.note = edit.note;
  if (edit.assignedUser !== undefined) contact.assignedUser = edit.assignedUser;
  if (edit.teamUuid !== undefined) contact.teamUuid = edit.teamUuid;
  if (edit.bsuid !== undefined) contact.bsuid = edit.bsuid;
  if (edit.avatarUrl !== undefined) contact.avatarUrl = edit.avatarUrl;
  if (edit.blockedAt !== undefined) contact.blockedAt = edit.blockedAt;
  if (edit.closedAt !== undefined) contact.closedAt = edit.closedAt;
  if (edit.customFields !== undefined) {
    contact.customFields = {};
    for (const [name, value] of Object.entries(edit.customFields)) contact.customFields[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
}
