// The simulator's dashboard over plain HTTP: the list and contact pages, the edit form (the admin API's hand edit),
// escaping of hostile text, and the links of contacts. The same pages in a real browser: test/dashboard.
import * as assert from "node:assert/strict";
import { startSimulator, TEAMS, type StartedSimulator } from "../src";
import { call, createContact, newContactBody, useSimulator } from "./support";

const HOSTILE = `<script>alert(1)</script><img src=x onerror="alert('2')">&amp;`;

async function page(sim: StartedSimulator, path: string): Promise<{ status: number; headers: Headers; html: string }> {
  const response = await fetch(`${sim.origin}${path}`);
  return { status: response.status, headers: response.headers, html: await response.text() };
}

/** Posts a contact page's form as a browser would (urlencoded, no redirect followed). */
async function postForm(sim: StartedSimulator, uuid: string, fields: [string, string][], headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${sim.origin}/contacts/${uuid}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });
}

describe("simulator: dashboard pages", () => {
  const context = useSimulator();

  it("lists every contact with name, number, source, tags, team, assignee, custom fields and creation time, newest first", async () => {
    const older = await createContact(context.sim, { name: "QA Alice", tags: ["qa", "vip"], assigned_user: "alice@acme-dev.example" });
    const newer = await createContact(context.sim, { name: "QA Bob", custom_fields: { plan: "pro", interests: ["api", "whatsapp"] } });
    await context.sim.admin.editContact(newer.uuid, { teamUuid: TEAMS.sales });
    const { status, headers, html } = await page(context.sim, "/");
    assert.equal(status, 200);
    assert.equal(headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(html, /<h1>Contacts <small>2<\/small><\/h1>/);
    const rows = [...html.matchAll(/<tr data-uuid="([0-9a-f]{32})">([\s\S]*?)<\/tr>/g)];
    assert.deepEqual(
      rows.map((row) => row[1]),
      [newer.uuid, older.uuid],
    );
    const alice = rows[1][2];
    assert.match(alice, new RegExp(`<a href="/contacts/${older.uuid}">QA Alice</a>`));
    assert.match(alice, /<td class="number">\+39 333 \d{3} \d{4}<\/td>/);
    assert.match(alice, /<td class="source">whatsapp<br><small>WhatsApp Main<\/small><\/td>/);
    assert.match(alice, /<td class="tags"><span class="tag">qa<\/span> <span class="tag">vip<\/span><\/td>/);
    assert.match(alice, /<td class="team">General<\/td>/);
    assert.match(alice, /<td class="assignee">Alice Agent<br><small>alice@acme-dev.example<\/small><\/td>/);
    assert.match(alice, new RegExp(`<time datetime="${older.createdAt}">`));
    const bob = rows[0][2];
    assert.match(bob, /<td class="team">Sales<\/td>/);
    assert.match(bob, /<dt>interests<\/dt><dd>api, whatsapp<\/dd><dt>plan<\/dt><dd>pro<\/dd>/);
  });

  it("runs no script and posts forms only to itself (Content-Security-Policy), and auto-refreshes only when asked", async () => {
    const plain = await page(context.sim, "/contacts");
    assert.match(plain.headers.get("content-security-policy") ?? "", /default-src 'none'.*form-action 'self'/);
    assert.doesNotMatch(plain.html, /<script|http-equiv="refresh"/);
    assert.match((await page(context.sim, "/?refresh=5")).html, /<meta http-equiv="refresh" content="5">/);
    assert.doesNotMatch((await page(context.sim, "/?refresh=<x>")).html, /http-equiv/);
  });

  it("escapes hostile names, tags, custom fields and notes on every page", async () => {
    const contact = await createContact(context.sim);
    await context.sim.admin.editContact(contact.uuid, { name: HOSTILE, tags: [HOSTILE], note: HOSTILE, customFields: { [HOSTILE]: HOSTILE } });
    for (const path of ["/", `/contacts/${contact.uuid}`, `/chat/${contact.uuid}`, `/contacts/${encodeURIComponent(HOSTILE)}`]) {
      const { html } = await page(context.sim, path);
      assert.doesNotMatch(html, /<script|<img|onerror="/, path);
      assert.ok(html.includes("&#60;script&#62;alert(1)&#60;/script&#62;"), `${path} shows the text escaped`);
    }
  });

  it("a contact page shows the contact and a form with its name, tags and every custom field of the account", async () => {
    const contact = await createContact(context.sim, { name: "QA Alice", tags: ["qa"], custom_fields: { plan: "pro", interests: ["api"] } });
    const { status, html } = await page(context.sim, `/contacts/${contact.uuid}`);
    assert.equal(status, 200);
    assert.match(html, /<h1 id="contact-name">QA Alice<\/h1>/);
    assert.match(html, new RegExp(`<form method="post" action="/contacts/${contact.uuid}" id="edit">`));
    assert.match(html, /<input name="name" value="QA Alice" required>/);
    assert.match(html, /<input name="tags" value="qa">/);
    assert.match(html, /<select name="field:plan"><option value="">\(none\)<\/option><option value="free">free<\/option><option value="pro" selected>/);
    assert.match(html, /<input type="checkbox" name="field:interests" value="api" checked>/);
    assert.match(html, /<input name="field:company" value="">/);
    assert.equal((await page(context.sim, "/contacts/0123456789abcdef0123456789abcdef")).status, 404);
  });

  it("the form edits name, tags and a custom field as a hand edit: seen by the API, not in the request log", async () => {
    const contact = await createContact(context.sim, { name: "QA Alice", tags: ["qa"], custom_fields: { plan: "pro", interests: ["api"] } });
    await context.sim.admin.clearRequests();
    const answer = await postForm(context.sim, contact.uuid, [
      ["name", "  Edited by hand "],
      ["tags", "qa, vip,, vip"],
      ["field:plan", "enterprise"],
      ["field:interests", ""],
      ["field:interests", "api"],
      ["field:interests", "whatsapp"],
      ["field:company", ""],
    ]);
    assert.equal(answer.status, 303);
    assert.equal(answer.headers.get("location"), `/contacts/${contact.uuid}?saved=name,tags,customFields`);
    const seen = (await call(context.sim, "GET", `/contacts/${contact.uuid}`)).body.contact[0];
    assert.equal(seen.name, "Edited by hand");
    assert.deepEqual(seen.tags, ["qa", "vip"]);
    assert.deepEqual(seen.customFields, { plan: "enterprise", interests: '["api","whatsapp"]' });
    assert.deepEqual(
      (await context.sim.admin.requests()).map((entry) => `${entry.method} ${entry.path}`),
      [`GET /v1/contacts/${contact.uuid}`],
    );
    assert.match((await page(context.sim, answer.headers.get("location")!)).html, /<p class="notice" role="status">Saved: name, tags, custom fields\.<\/p>/);
  });

  it("the form changes only what it names: a name alone keeps tags and custom fields; unticking every box removes the field", async () => {
    const contact = await createContact(context.sim, { name: "QA Alice", tags: ["qa"], custom_fields: { plan: "pro", interests: ["api"] } });
    await postForm(context.sim, contact.uuid, [["name", "Renamed"]]);
    let seen = await context.sim.admin.contact(contact.uuid);
    assert.equal(seen.name, "Renamed");
    assert.deepEqual(seen.tags, ["qa"]);
    assert.deepEqual(seen.customFields, { plan: "pro", interests: '["api"]' });
    const unchanged = await postForm(context.sim, contact.uuid, [
      ["name", "Renamed"],
      ["tags", "qa"],
      ["field:plan", "pro"],
      ["field:interests", ""],
      ["field:interests", "api"],
    ]);
    assert.equal(unchanged.headers.get("location"), `/contacts/${contact.uuid}?saved=`);
    assert.match((await page(context.sim, unchanged.headers.get("location")!)).html, /Nothing changed\./);
    const reordered = await postForm(context.sim, contact.uuid, [
      ["field:interests", ""],
      ["field:interests", "whatsapp"],
      ["field:interests", "api"],
    ]);
    assert.equal(reordered.headers.get("location"), `/contacts/${contact.uuid}?saved=customFields`);
    assert.equal((await context.sim.admin.contact(contact.uuid)).customFields.interests, '["api","whatsapp"]', "ticked values keep their order");
    await postForm(context.sim, contact.uuid, [["field:interests", ""]]);
    seen = await context.sim.admin.contact(contact.uuid);
    assert.deepEqual(seen.customFields, { plan: "pro" });
  });

  it("refuses a form from another origin, a body that is not a form, and an empty name, and changes nothing", async () => {
    const contact = await createContact(context.sim, { name: "QA Alice" });
    const foreign = await postForm(context.sim, contact.uuid, [["name", "CSRF"]], { origin: "http://attacker.example" });
    assert.equal(foreign.status, 403);
    const json = await fetch(`${context.sim.origin}/contacts/${contact.uuid}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(json.status, 415);
    const blank = await postForm(context.sim, contact.uuid, [["name", "  "]]);
    assert.equal(blank.status, 400);
    assert.match(await blank.text(), /the name cannot be empty/);
    const sameOrigin = await postForm(context.sim, contact.uuid, [["name", "Same origin"]], { origin: context.sim.origin });
    assert.equal(sameOrigin.status, 303);
    assert.equal((await context.sim.admin.contact(contact.uuid)).name, "Same origin");
  });

  it("the admin API refuses writes from another site's page (foreign Origin, cross-site fetch, a text/plain body) and changes nothing", async () => {
    const contact = await createContact(context.sim, { name: "QA Alice" });
    const admin = (path: string, init: RequestInit) => fetch(`${context.sim.origin}/__admin${path}`, init);
    const plain = await admin("/contacts", { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify(newContactBody()) });
    assert.equal(plain.status, 415);
    const foreign = await admin("/reset", { method: "POST", headers: { origin: "http://attacker.example" } });
    assert.equal(foreign.status, 403);
    assert.match(await foreign.text(), /accept writes only from this machine's tools/);
    const crossSite = await admin(`/contacts/${contact.uuid}`, { method: "DELETE", headers: { "sec-fetch-site": "cross-site" } });
    assert.equal(crossSite.status, 403);
    assert.deepEqual(
      (await context.sim.admin.contacts()).map((c) => c.uuid),
      [contact.uuid],
    );
    // The tools' own requests (no Origin, JSON bodies) still work, and so does a read from anywhere.
    assert.equal((await admin("/contacts", { method: "GET", headers: { origin: "http://attacker.example" } })).status, 200);
    const own = await admin("/contacts", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(newContactBody()) });
    assert.equal(own.status, 200);
  });

  it("needs no token, and leaves the API's token rules as they are", async () => {
    const contact = await createContact(context.sim);
    assert.equal((await page(context.sim, `/contacts/${contact.uuid}`)).status, 200);
    assert.equal((await call(context.sim, "GET", `/contacts/${contact.uuid}`, { token: null })).status, 401);
    assert.equal((await call(context.sim, "GET", `/contacts/${contact.uuid}`, { token: "sim_wrong" })).status, 401);
    const outside = await fetch(`${context.sim.origin}/v2/contacts`);
    assert.equal(outside.status, 404);
    assert.equal(((await outside.json()) as { error: { code: string } }).error.code, "route_not_found");
  });
});

describe("simulator: contact links", () => {
  it("href and conversationHref open the simulator's own dashboard pages", async () => {
    const sim = await startSimulator({ rateLimitPerSecond: 0 });
    try {
      const contact = await createContact(sim, newContactBody({ name: "Linked" }));
      assert.equal(contact.href, `${sim.origin}/contacts/${contact.uuid}`);
      assert.equal(contact.conversationHref, `${sim.origin}/chat/${contact.uuid}`);
      assert.match(await (await fetch(contact.href)).text(), /<h1 id="contact-name">Linked<\/h1>/);
      assert.match(await (await fetch(contact.conversationHref)).text(), /<h1>Conversation with Linked<\/h1>/);
    } finally {
      await sim.close();
    }
  });

  it("with dashboardUrl, they are Callbell's own links", async () => {
    const sim = await startSimulator({ rateLimitPerSecond: 0, dashboardUrl: "https://dash.callbell.eu/" });
    try {
      const contact = await createContact(sim);
      assert.equal(contact.href, `https://dash.callbell.eu/contacts/${contact.uuid}`);
      assert.equal(contact.conversationHref, `https://dash.callbell.eu/chat/${contact.uuid}`);
    } finally {
      await sim.close();
    }
  });
});
