// The simulator's dashboard in a real browser (headless Chromium, driven over the DevTools protocol by puppeteer-core),
// with contacts the real engine created: the page lists them, its form makes a hand edit, the next preview --diff
// --refresh shows that edit, and up puts the contact back, as a reload of the page shows. Screenshots go to $TMPDIR.
// Chromium is Debian's `chromium` package (scripts/ensure-chromium.sh, which .ci/run runs); without it the suite fails, never skips.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { StartedSimulator, startSimulator } from "callbell-simulator";
import { countChangesOfType, openStack, programNamed, recordOutput } from "../harness";

const CONTACT = "pulumi-nodejs:dynamic/callbell:Contact";

/** The Chromium scripts/ensure-chromium.sh would take: $CHROMIUM_PATH, else chromium or Google Chrome on PATH. */
function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  for (const name of ["chromium", "google-chrome-stable", "google-chrome"]) {
    const found = dirs.map((dir) => path.join(dir, name)).find((file) => fs.existsSync(file));
    if (found) return found;
  }
  return undefined;
}

const declared = {
  "qa-alice": {
    identifier: "393331234567",
    source: "whatsapp",
    name: "QA Alice",
    tags: ["qa"],
    assignedUser: "alice@acme-dev.example",
    customFields: { plan: "pro", interests: ["api", "whatsapp"] },
  },
  "qa-bob": { identifier: "393331234568", source: "whatsapp", name: "QA Bob", tags: ["qa", "beta"] },
  "demo-us": {
    identifier: "12025550143",
    source: "whatsapp",
    name: "Demo Account (US)",
    tags: ["demo"],
    teamUuid: "7ea70000000000000000000000000003",
    customFields: { company: "Acme Demo Inc.", seats: "25" },
  },
  "vip-de": { identifier: "4915112345678", source: "whatsapp", name: "VIP Seed Customer", tags: ["vip"], note: "seeded" },
};

/** Name and tags of each row of the dashboard's contact list, by uuid. */
async function listedContacts(page: Page): Promise<Record<string, { name: string; tags: string[] }>> {
  return page.$$eval("#contacts tr[data-uuid]", (rows) =>
    Object.fromEntries(
      rows.map((row) => [
        row.getAttribute("data-uuid")!,
        { name: row.querySelector("td.name")!.textContent!.trim(), tags: [...row.querySelectorAll("td.tags .tag")].map((tag) => tag.textContent!) },
      ]),
    ),
  );
}

describe("the simulator's dashboard in headless Chromium, with contacts made by the engine", function () {
  this.timeout(180_000);
  let sim: StartedSimulator;
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let uuids: Record<string, string>;
  const screenshotDir = fs.mkdtempSync(path.join(os.tmpdir(), "callbell-dashboard-"));

  async function screenshot(name: string): Promise<void> {
    const file = path.join(screenshotDir, name);
    await page.screenshot({ path: file as `${string}.png`, fullPage: true });
    console.log(`      screenshot: ${file}`);
  }

  before(async function () {
    this.timeout(30 * 60_000); // a cold engine build
    const chromium = findChromium();
    if (!chromium || !fs.existsSync(chromium)) {
      throw new Error(
        `no Chromium (${chromium ?? "none of chromium, google-chrome-stable, google-chrome on PATH"}): ` +
          "run `bash scripts/ensure-chromium.sh` (it installs Debian's chromium package, as .ci/run does) or set CHROMIUM_PATH",
      );
    }
    sim = await startSimulator();
    stack = await openStack({
      projectName: "callbell-dashboard",
      stackName: "dashboard",
      program: programNamed("contacts"),
      config: {
        "callbell:apiUrl": { value: sim.url },
        "callbell:apiToken": { value: sim.token, secret: true },
        "test:contacts": { value: JSON.stringify(declared) },
      },
    });
    const up = await stack.up();
    uuids = Object.fromEntries(Object.entries(up.outputs.contacts.value as Record<string, { uuid: string }>).map(([name, out]) => [name, out.uuid]));
    // Root in a container: Chromium's sandbox needs user namespaces it may not have.
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 360 });
  });

  after(async () => {
    await browser?.close();
    await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await sim?.close();
  });

  it("lists the contacts the engine created, with their names and tags", async () => {
    const answer = await page.goto(`${sim.origin}/`);
    assert.equal(answer?.status(), 200);
    assert.equal(await page.title(), "Contacts · Callbell simulator");
    // The tags in Callbell's order: the provider sends them sorted.
    const expected = Object.fromEntries(Object.entries(declared).map(([key, contact]) => [uuids[key], { name: contact.name, tags: [...contact.tags].sort() }]));
    assert.deepEqual(await listedContacts(page), expected);
    await screenshot("dashboard-contacts.png");
  });

  it("the link of a contact opens its page, whose form edits the name, the tags and a custom field", async () => {
    await Promise.all([page.waitForNavigation(), page.click(`#contacts a[href="/contacts/${uuids["qa-alice"]}"]`)]);
    assert.equal(page.url(), `${sim.origin}/contacts/${uuids["qa-alice"]}`);
    assert.equal(await page.$eval("#contact-name", (h1) => h1.textContent), "QA Alice");
    await page.$eval('#edit input[name="name"]', (input) => ((input as unknown as { value: string }).value = ""));
    await page.type('#edit input[name="name"]', "Alice, edited in the browser");
    await page.$eval('#edit input[name="tags"]', (input) => ((input as unknown as { value: string }).value = ""));
    await page.type('#edit input[name="tags"]', "qa, vip");
    await page.select('#edit select[name="field:plan"]', "enterprise");
    await Promise.all([page.waitForNavigation(), page.click('#edit button[type="submit"]')]);
    assert.equal(page.url(), `${sim.origin}/contacts/${uuids["qa-alice"]}?saved=name,tags,customFields`);
    assert.equal(await page.$eval(".notice", (notice) => notice.textContent), "Saved: name, tags, custom fields.");
    assert.equal(await page.$eval("#contact-name", (h1) => h1.textContent), "Alice, edited in the browser");
    await screenshot("dashboard-contact-edited.png");

    const stored = await sim.admin.contact(uuids["qa-alice"]);
    assert.equal(stored.name, "Alice, edited in the browser");
    assert.deepEqual(stored.tags, ["qa", "vip"]);
    assert.deepEqual(stored.customFields, { plan: "enterprise", interests: '["api","whatsapp"]' }, "the untouched checkbox field is kept");
  });

  it("the next preview --diff (with --refresh) shows that edit as drift on that contact only", async () => {
    const rec = recordOutput();
    await stack.preview({ ...rec.opts, diff: true, refresh: true });
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { refresh: 4, update: 1, same: 3 });
    const printed = rec.output();
    assert.match(printed, /~ name\s*: "Alice, edited in the browser" => "QA Alice"/);
    assert.match(printed, /- \[1\]: "vip"/);
    assert.match(printed, /~ plan\s*: "enterprise" => "pro"/);
    const updated = rec.events.filter((e) => e.resourcePreEvent?.metadata.op === "update").map((e) => e.resourcePreEvent!.metadata.urn.split("::").pop());
    assert.deepEqual(updated, ["qa-alice"]);
  });

  it("up puts the contact back, and a reload of the dashboard shows it", async () => {
    await stack.up({ refresh: true });
    await page.goto(`${sim.origin}/`);
    assert.deepEqual((await listedContacts(page))[uuids["qa-alice"]], { name: "QA Alice", tags: ["qa"] });
    assert.equal(await page.$eval(`#contacts tr[data-uuid="${uuids["qa-alice"]}"] td.fields`, (cell) => cell.textContent), "interestsapi, whatsappplanpro");
  });
});
