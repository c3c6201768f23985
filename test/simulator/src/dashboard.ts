// The simulator's dashboard: plain HTML pages (no script, no build step) listing the account's contacts as Callbell's
// dashboard does, a contact page whose form makes the same hand edit as the admin API (editContact), and the account's
// settings: custom statuses, the webhook and its recent deliveries.
import type { Account } from "./account";
import { editContact } from "./admin-routes";
import type { CustomStatusStore } from "./custom-statuses";
import { ApiError } from "./errors";
import { Router } from "./router";
import type { ContactStore, StoredContact } from "./store";
import type { ContactEdit, WebhookDelivery } from "./types";
import type { Webhooks } from "./webhooks";

/** A dashboard request: path parameters, query and the form fields of a POST. */
export interface DashboardRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  form: URLSearchParams;
}

/** A page (status and HTML) or a redirect (status and location). */
export type DashboardAnswer = { status: number; html: string } | { status: 303; location: string };

/** What the dashboard reads and edits. */
export interface DashboardTargets {
  account: Account;
  store: ContactStore;
  statuses: CustomStatusStore;
  webhooks: Webhooks;
}

/** Deliveries the settings page shows, newest first. */
export const RECENT_DELIVERIES = 20;

/** Answers one dashboard request. */
export type DashboardHandler = (request: DashboardRequest) => DashboardAnswer;

/** Headers of every dashboard page: HTML that runs no script and posts forms only to this origin. */
export const DASHBOARD_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
} as const;

/** The form fields a contact page posts: name, tags (comma-separated) and one `field:<name>` per custom field. */
export const FORM_FIELD_PREFIX = "field:";

const EDIT_LABELS: Record<string, string> = { name: "name", tags: "tags", customFields: "custom fields" };

/** Routes of the dashboard: / and /contacts (the list), /contacts/:uuid (a contact, its edit form), /chat/:uuid, /settings. */
export function dashboardRouter(targets: DashboardTargets): Router<DashboardHandler> {
  const list: DashboardHandler = (request) => ({ status: 200, html: contactListPage(targets, request.query) });
  return new Router<DashboardHandler>([
    { pattern: "/", methods: { GET: list } },
    { pattern: "/contacts", methods: { GET: list } },
    {
      pattern: "/contacts/:uuid",
      methods: {
        GET: (request) => withContact(targets, request.params.uuid, (contact) => ({ status: 200, html: contactPage(targets, contact, request.query) })),
        POST: (request) => withContact(targets, request.params.uuid, (contact) => saveForm(targets, contact, request.form)),
      },
    },
    {
      pattern: "/chat/:uuid",
      methods: { GET: (request) => withContact(targets, request.params.uuid, (contact) => ({ status: 200, html: chatPage(contact) })) },
    },
    { pattern: "/settings", methods: { GET: () => ({ status: 200, html: settingsPage(targets) }) } },
  ]);
}

/** The page shown for an error of a dashboard request (a 404 contact, a refused form). */
export function errorPage(status: number, message: string): string {
  return page(`Error ${status}`, `<h1>Error ${status}</h1><p class="error">${escapeHtml(message)}</p><p><a href="/">All contacts</a></p>`);
}

/** Text made safe for HTML content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function withContact(targets: DashboardTargets, uuid: string, render: (contact: StoredContact) => DashboardAnswer): DashboardAnswer {
  const contact = targets.store.get(uuid);
  return contact ? render(contact) : { status: 404, html: errorPage(404, `no contact with uuid '${uuid}'`) };
}

// The edit holds only what the form changed, so a form that posts only a name leaves the tags and custom fields alone.
function saveForm(targets: DashboardTargets, contact: StoredContact, form: URLSearchParams): DashboardAnswer {
  const edit: ContactEdit = {};
  const name = form.get("name");
  if (name !== null) {
    if (name.trim() === "") throw new ApiError(400, "bad_request", "the name cannot be empty");
    if (name.trim() !== contact.name) edit.name = name.trim();
  }
  const tags = form.get("tags");
  if (tags !== null) {
    const next = [
      ...new Set(
        tags
          .split(",")
          .map((tag) => tag.trim())
          .filter((tag) => tag !== ""),
      ),
    ];
    if (JSON.stringify(next) !== JSON.stringify(contact.tags)) edit.tags = next;
  }
  const fieldNames = [...new Set([...form.keys()].filter((key) => key.startsWith(FORM_FIELD_PREFIX)))].map((key) => key.slice(FORM_FIELD_PREFIX.length));
  if (fieldNames.length > 0) {
    const next: Record<string, string | string[]> = { ...contact.customFields };
    for (const field of fieldNames) {
      const values = form
        .getAll(`${FORM_FIELD_PREFIX}${field}`)
        .map((value) => value.trim())
        .filter((value) => value !== "");
      const isList = (targets.account.customField(field)?.type ?? (Array.isArray(contact.customFields[field]) ? "checkbox" : "text")) === "checkbox";
      const current = contact.customFields[field];
      // The boxes are in the account's option order: values still ticked keep the contact's order, so a save is no reorder.
      const kept = Array.isArray(current) ? current.filter((value) => values.includes(value)) : [];
      if (values.length === 0) delete next[field];
      else next[field] = isList ? [...kept, ...values.filter((value) => !kept.includes(value))] : values[0];
    }
    if (JSON.stringify(sortedEntries(next)) !== JSON.stringify(sortedEntries(contact.customFields))) edit.customFields = next;
  }
  if (Object.keys(edit).length > 0) editContact(targets, contact.uuid, edit);
  return { status: 303, location: `/contacts/${contact.uuid}?saved=${Object.keys(edit).join(",")}` };
}

function sortedEntries(fields: Record<string, string | string[]>): [string, string | string[]][] {
  return Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function contactListPage(targets: DashboardTargets, query: URLSearchParams): string {
  const refresh = /^[1-9]\d{0,3}$/.test(query.get("refresh") ?? "") ? Number(query.get("refresh")) : undefined;
  const contacts = [...targets.store.all()].reverse(); // newest first, as Callbell lists them
  const rows = contacts.map((contact) => {
    const channel = targets.account.channelView(contact.channelUuid);
    return `<tr data-uuid="${contact.uuid}">
<td class="name"><a href="/contacts/${contact.uuid}">${escapeHtml(contact.name)}</a></td>
<td class="number">${escapeHtml(contact.phoneNumber ?? contact.identifier)}</td>
<td class="source">${escapeHtml(contact.source)}<br><small>${escapeHtml(channel.title)}</small></td>
<td class="tags">${tagList(contact.tags)}</td>
<td class="team">${escapeHtml(targets.account.teamView(contact.teamUuid).name)}</td>
<td class="assignee">${assignee(targets.account, contact.assignedUser)}</td>
<td class="fields">${fieldList(contact.customFields)}</td>
<td class="created"><time datetime="${escapeHtml(contact.createdAt)}">${escapeHtml(readableTime(contact.createdAt))}</time></td>
</tr>`;
  });
  const refreshLink = refresh ? `<a href="/">Stop refreshing (every ${refresh} s now)</a>` : `<a href="/?refresh=5">Refresh every 5 s</a>`;
  const body = `<h1>Contacts <small>${contacts.length}</small></h1>
<p class="hint">The account's contacts, newest first. Reload to see changes, or ${refreshLink}.</p>
<table id="contacts">
<thead><tr><th>Name</th><th>Number</th><th>Source</th><th>Tags</th><th>Team</th><th>Assignee</th><th>Custom fields</th><th>Created</th></tr></thead>
<tbody>
${rows.join("\n") || `<tr><td colspan="8" class="empty">No contacts yet.</td></tr>`}
</tbody>
</table>`;
  return page("Contacts", body, refresh);
}

function contactPage(targets: DashboardTargets, contact: StoredContact, query: URLSearchParams): string {
  const channel = targets.account.channelView(contact.channelUuid);
  const saved = query.get("saved");
  const savedKeys = (saved ?? "").split(",").filter((key) => key in EDIT_LABELS);
  const notice =
    saved === null
      ? ""
      : `<p class="notice" role="status">${savedKeys.length ? `Saved: ${savedKeys.map((key) => EDIT_LABELS[key]).join(", ")}.` : "Nothing changed."}</p>`;
  const details: [string, string][] = [
    ["uuid", `<code>${contact.uuid}</code>`],
    ["Number", escapeHtml(contact.phoneNumber ?? contact.identifier)],
    ["Source", `${escapeHtml(contact.source)} (${escapeHtml(channel.title)})`],
    ["Team", escapeHtml(targets.account.teamView(contact.teamUuid).name)],
    ["Assignee", assignee(targets.account, contact.assignedUser)],
    ["Note", contact.note === null ? "" : escapeHtml(contact.note)],
    ["Created", escapeHtml(readableTime(contact.createdAt))],
  ];
  const body = `<p><a href="/">&larr; All contacts</a></p>
<h1 id="contact-name">${escapeHtml(contact.name)}</h1>
${notice}
<dl class="details">${details.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join("")}</dl>
<h2>Edit by hand</h2>
<p class="hint">A hand edit, as in Callbell's dashboard: <code>pulumi refresh</code> shows it as drift,
and <code>pulumi up</code> puts the declared values back.</p>
<form method="post" action="/contacts/${contact.uuid}" id="edit">
<label>Name <input name="name" value="${escapeHtml(contact.name)}" required></label>
<label>Tags <input name="tags" value="${escapeHtml(contact.tags.join(", "))}"> <small>comma-separated</small></label>
<fieldset><legend>Custom fields</legend>
${fieldInputs(targets.account, contact)}
</fieldset>
<button type="submit">Save</button>
</form>
<p><a href="/chat/${contact.uuid}">Conversation</a> · <a href="/__admin/contacts/${contact.uuid}">JSON (admin API)</a></p>`;
  return page(contact.name, body);
}

// The account's settings as Callbell's dashboard shows them: custom statuses, the webhook (never its secret) and recent deliveries.
function settingsPage(targets: DashboardTargets): string {
  const statuses = targets.statuses.all();
  const statusRows = statuses.map(
    (status) => `<tr data-id="${escapeHtml(status.id)}">
<td class="emoji">${escapeHtml(status.emoji ?? "")}</td>
<td class="name">${escapeHtml(status.name)}</td>
<td class="id"><code>${escapeHtml(status.id)}</code></td>
<td class="created">${escapeHtml(status.createdAt)}</td>
<td class="updated">${escapeHtml(status.updatedAt)}</td>
</tr>`,
  );
  const webhook = targets.webhooks.adminView();
  const webhookDetails = webhook
    ? `<dl class="details" id="webhook">
<dt>URL</dt><dd class="url"><code>${escapeHtml(webhook.url)}</code></dd>
<dt>Events</dt><dd class="subscriptions">${tagList(webhook.subscriptions)}</dd>
<dt>Enabled</dt><dd class="enabled">${webhook.enabled ? "yes" : `no <small>(${DISABLED_HINT})</small>`}</dd>
<dt>Created</dt><dd class="created">${escapeHtml(webhook.createdAt)}</dd>
<dt>Signing secret</dt><dd class="secret">${webhook.secretSet ? "set (X-Callbell-Signature on every attempt)" : "not set (attempts go unsigned)"}</dd>
</dl>`
    : `<p class="empty" id="webhook">No webhook. Subscribe one with <code>POST /v1/webhooks/subscribe</code>.</p>`;
  const deliveries = targets.webhooks.deliveries.list().slice(-RECENT_DELIVERIES).reverse();
  const deliveryRows = deliveries.map((delivery) => deliveryRow(delivery));
  const body = `<h1>Settings</h1>
<h2>Custom statuses <small>${statuses.length}</small></h2>
<table id="custom-statuses">
<thead><tr><th>Emoji</th><th>Name</th><th>id</th><th>Created</th><th>Updated</th></tr></thead>
<tbody>
${statusRows.join("\n") || `<tr><td colspan="5" class="empty">No custom statuses.</td></tr>`}
</tbody>
</table>
<h2>Webhook</h2>
${webhookDetails}
<h2>Recent deliveries</h2>
<p class="hint">The last ${RECENT_DELIVERIES}, newest first. Reload to see new ones.</p>
<table id="deliveries">
<thead><tr><th>Event</th><th>URL</th><th>Result</th><th>Attempts</th><th>Last status</th><th>Created</th></tr></thead>
<tbody>
${deliveryRows.join("\n") || `<tr><td colspan="6" class="empty">No deliveries yet.</td></tr>`}
</tbody>
</table>`;
  return page("Settings", body);
}

const DISABLED_HINT = "disabled after failed deliveries in a row, or by hand; a subscribe enables it again";

function deliveryRow(delivery: WebhookDelivery): string {
  const last = delivery.attempts[delivery.attempts.length - 1];
  const status = last === undefined ? "" : last.status === 0 ? `0 <small>${escapeHtml(last.error ?? "no answer")}</small>` : String(last.status);
  return `<tr data-id="${delivery.id}">
<td class="event">${escapeHtml(delivery.event)}</td>
<td class="url"><code>${escapeHtml(delivery.url)}</code></td>
<td class="state">${escapeHtml(delivery.state)}</td>
<td class="attempts">${delivery.attempts.length}</td>
<td class="status">${status}</td>
<td class="created">${escapeHtml(readableTime(delivery.createdAt))}</td>
</tr>`;
}

function chatPage(contact: StoredContact): string {
  const body = `<p><a href="/contacts/${contact.uuid}">&larr; ${escapeHtml(contact.name)}</a></p>
<h1>Conversation with ${escapeHtml(contact.name)}</h1>
<p class="hint">The simulator keeps no messages: this is where Callbell's dashboard shows the chat.</p>`;
  return page(`Conversation with ${contact.name}`, body);
}

// One control per custom field of the account, then any field the contact has that the account does not define.
// A checkbox field posts a hidden empty value too, so unticking every box still names the field in the form.
function fieldInputs(account: Account, contact: StoredContact): string {
  const names = [...account.customFields.map((field) => field.name), ...Object.keys(contact.customFields).filter((name) => !account.customField(name))];
  return names
    .map((name) => {
      const definition = account.customField(name);
      const current = contact.customFields[name];
      const control = `${FORM_FIELD_PREFIX}${name}`;
      if (definition?.type === "checkbox" || Array.isArray(current)) {
        const ticked = new Set(Array.isArray(current) ? current : current === undefined ? [] : [current]);
        const options = [...new Set([...(definition?.options ?? []), ...ticked])];
        const boxes = options.map((option) => {
          const box = `<input type="checkbox" name="${escapeHtml(control)}" value="${escapeHtml(option)}"${ticked.has(option) ? " checked" : ""}>`;
          return `<label class="option">${box} ${escapeHtml(option)}</label>`;
        });
        const marker = `<input type="hidden" name="${escapeHtml(control)}" value="">`;
        return `<div class="field"><span class="label">${escapeHtml(name)}</span>${marker}${boxes.join(" ")}</div>`;
      }
      const value = typeof current === "string" ? current : "";
      if (definition?.type === "dropdown") {
        const options = ["", ...new Set([...(definition.options ?? []), ...(value ? [value] : [])])];
        const choices = options.map(
          (option) => `<option value="${escapeHtml(option)}"${option === value ? " selected" : ""}>${escapeHtml(option || "(none)")}</option>`,
        );
        return `<label class="field">${escapeHtml(name)} <select name="${escapeHtml(control)}">${choices.join("")}</select></label>`;
      }
      // Plain text even for number, email and date fields: a value edited in behind the API's back must survive a save.
      return `<label class="field">${escapeHtml(name)} <input name="${escapeHtml(control)}" value="${escapeHtml(value)}"></label>`;
    })
    .join("\n");
}

function tagList(tags: string[]): string {
  return tags.map((tag) => `<span class="tag">${escapeHtml(tag)}</span>`).join(" ");
}

function fieldList(fields: Record<string, string | string[]>): string {
  const entries = sortedEntries(fields);
  if (entries.length === 0) return "";
  const items = entries.map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(Array.isArray(value) ? value.join(", ") : value)}</dd>`);
  return `<dl>${items.join("")}</dl>`;
}

function assignee(account: Account, email: string | null): string {
  if (email === null) return "";
  const user = account.user(email);
  return user ? `${escapeHtml(user.name)}<br><small>${escapeHtml(email)}</small>` : escapeHtml(email);
}

function readableTime(iso: string): string {
  return iso.replace("T", " ").replace(/Z$/, " UTC");
}

function page(title: string, body: string, refreshSeconds?: number): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refreshSeconds ? `<meta http-equiv="refresh" content="${refreshSeconds}">\n` : ""}<title>${escapeHtml(title)} · Callbell simulator</title>
<style>${STYLE}</style>
</head>
<body>
<header><a href="/">Callbell simulator</a> <span>the local stand-in's dashboard</span>
<nav><a href="/">Contacts</a> <a href="/settings">Settings</a></nav></header>
<main>
${body}
</main>
</body>
</html>
`;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f5f7fa; }
header { background: #1f6feb; color: #fff; padding: 10px 20px; }
header a { color: #fff; font-weight: 600; text-decoration: none; margin-right: 8px; }
header span { opacity: 0.8; }
header nav { float: right; }
header nav a { font-weight: normal; margin-left: 12px; }
main { padding: 8px 20px 20px; }
h1 small { color: #6b7280; font-weight: normal; }
table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid #e5e7eb; }
th { background: #eef2f7; font-weight: 600; }
td small, .hint { color: #6b7280; }
td.number, td.created, td.source small { white-space: nowrap; }
td dl { margin: 0; display: grid; grid-template-columns: max-content auto; gap: 0 6px; }
dt { color: #6b7280; }
dd { margin: 0; }
.tag { display: inline-block; background: #e0ecff; color: #1f4fa8; border-radius: 10px; padding: 0 8px; margin: 1px 0; }
.details { display: grid; grid-template-columns: 120px auto; gap: 4px 12px; }
form { background: #fff; padding: 12px; border: 1px solid #e5e7eb; max-width: 640px; }
form label, .field { display: block; margin: 6px 0; }
.option { display: inline; margin-right: 8px; }
.field .label { margin-right: 8px; }
fieldset { border: 1px solid #e5e7eb; margin: 10px 0; }
button { background: #1f6feb; color: #fff; border: 0; padding: 6px 16px; border-radius: 4px; }
.notice { background: #dcfce7; padding: 6px 10px; }
.error { background: #fee2e2; padding: 6px 10px; }
`;
