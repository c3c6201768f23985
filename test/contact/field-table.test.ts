// The field tables (shape.ts: contactFields, computedFields, heldFields) are the only list of a contact's fields, so a
// row must carry what every door reads from it. Each case here fails for a field that lacks something a door needs:
// a description that differs from the JSDoc TypeScript users see, a field Callbell takes but the state never reads
// back, one missing from the plugin's schema, the page reads, the export, `pulumi import` or getContact, or a body.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { parse } from "yaml";
import type { ApiContact } from "../../provider/src/client/contacts";
import { apiContactSchema } from "../../provider/src/client/contacts";
import { buildSeedFile } from "../../provider/src/doors/cli/export-file";
import { packageSchema } from "../../provider/src/doors/plugin/schema";
import { importedState, outputsFrom, patchFor, toCreateBody } from "../../provider/src/domain/contact/mapping";
import { validateInputs } from "../../provider/src/domain/contact/schema";
import {
  type ContactOutputs,
  type FieldRule,
  type PropertySpec,
  answeredRules,
  computedFields,
  computedRules,
  contactFields,
  fieldRules,
  heldFields,
  lookupFields,
} from "../../provider/src/domain/contact/shape";
import { fieldsAReadNeeds, listedAnswersFor } from "../../provider/src/domain/contact/page-fit";
import { REPO_ROOT } from "../harness";

const shapeFile = path.join(REPO_ROOT, "provider/src/domain/contact/shape.ts");

// Each property of an interface of shape.ts with the text of its JSDoc, whitespace made single spaces.
function jsDocOf(interfaceName: string): Map<string, string | undefined> {
  const source = ts.createSourceFile(shapeFile, fs.readFileSync(shapeFile, "utf8"), ts.ScriptTarget.Latest, true);
  const found = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === interfaceName);
  assert.ok(found, `shape.ts declares interface ${interfaceName}`);
  const docs = new Map<string, string | undefined>();
  for (const member of found.members) {
    if (!ts.isPropertySignature(member)) continue;
    const jsDoc = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
    const text = jsDoc.map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "").join(" ");
    docs.set(member.name.getText(source), text.trim() === "" ? undefined : text.replace(/\s+/g, " ").trim());
  }
  return docs;
}

// A value of a spec's type for a field a fixture below does not know yet (a new field): the test then still reaches it.
function sampleOf(spec: PropertySpec, name: string): unknown {
  if (spec.type === "array") return [`sample ${name}`];
  if (spec.type === "object") return { sample: `sample ${name}` };
  if (spec.type === "boolean") return true;
  return `sample ${name}`;
}

// Every input declared at once (team and channel are the by-name forms of teamUuid and channelUuid, which the schema
// refuses beside them).
const everyInput: Record<string, unknown> = {
  identifier: "393331234567",
  source: "whatsapp",
  name: "QA Alice",
  tags: ["qa"],
  customFields: { plan: "pro" },
  assignedUser: "agent@acme.example",
  teamUuid: "a".repeat(32),
  channelUuid: "b".repeat(32),
  botStatus: "bot_end",
  note: "seeded",
  adopt: true,
};
for (const [name, rule] of fieldRules) if (!(name in everyInput) && rule.change !== "local") everyInput[name] = sampleOf(rule.spec, name);

// Callbell's answer for a contact with a value in every key a rule reads.
const uuid = "c".repeat(32);
const fullAnswer: ApiContact = {
  uuid,
  name: "QA Alice",
  phoneNumber: "+39 333 123 4567",
  avatarUrl: "https://example.com/a.png",
  createdAt: "2026-01-01T00:00:00Z",
  source: "whatsapp",
  href: `https://dash.callbell.eu/contacts/${uuid}`,
  conversationHref: `https://dash.callbell.eu/chat/${uuid}`,
  tags: ["qa"],
  assignedUser: "agent@acme.example",
  customFields: { plan: "pro" },
  team: { uuid: "a".repeat(32), name: "Support" },
  channel: { uuid: "b".repeat(32), title: "Sales" },
  note: "seeded",
  bsuid: "b-1",
};
for (const [name, rule] of [...answeredRules, ...computedRules]) {
  if (fullAnswer[rule.answer.from] === undefined) (fullAnswer as Record<string, unknown>)[rule.answer.from] = sampleOf(rule.spec, name);
}

describe("the field tables: what each door needs of a field", () => {
  it("each table's descriptions are, word for word, the JSDoc of its interface, and both name the same properties", () => {
    const tables: [string, Record<string, { spec: PropertySpec }>][] = [
      ["ContactInputs", contactFields],
      ["ContactComputed", computedFields],
      ["ContactHolding", heldFields],
    ];
    for (const [interfaceName, table] of tables) {
      const docs = jsDocOf(interfaceName);
      assert.deepEqual([...docs.keys()].sort(), Object.keys(table).sort(), `${interfaceName} and its table name the same properties`);
      for (const [name, row] of Object.entries(table)) {
        assert.ok(docs.get(name), `${interfaceName}.${name} has a JSDoc`);
        assert.equal(row.spec.description, docs.get(name), `${interfaceName}.${name}: the table's description is its JSDoc`);
      }
    }
  });

  it("a field an update can change is read back from Callbell's answer, unless write-only; an answer is read at a key the client checks", () => {
    const checked = Object.keys(apiContactSchema.shape);
    for (const [name, rule] of fieldRules) {
      // Else a change made in the dashboard never shows: the state keeps the declared value. Only a field whose change
      // replaces the contact (identifier, source) cannot drift.
      const drifts = rule.api !== undefined && rule.change !== "replace" && !rule.writeOnly;
      if (drifts) assert.ok(rule.answer, `${name} is sent as ${rule.api} and can change in place: its row needs an answer rule (or writeOnly)`);
      if (rule.answer) assert.ok(rule.api !== undefined, `${name} is read from the answer: its row needs the API name it is sent as`);
      if (rule.writeOnly) assert.equal(rule.answer, undefined, `${name} is write-only: Callbell does not return it`);
    }
    for (const [name, rule] of [...answeredRules, ...computedRules]) {
      assert.ok(checked.includes(rule.answer.from), `${name} is read from '${rule.answer.from}', which apiContactSchema (client/contacts.ts) must check`);
    }
  });

  it("the state reads every field and computed output from Callbell's answer", () => {
    const validated = validateInputs(everyInput);
    assert.ok(validated.ok);
    const state = outputsFrom(fullAnswer, validated.inputs);
    for (const [name] of [...answeredRules, ...computedRules]) assert.notEqual(state[name], undefined, `the state has ${name}`);
  });

  it("the POST body holds every field with an API name, and an update from nothing every field an update can change", () => {
    const validated = validateInputs(everyInput);
    assert.ok(validated.ok, `every input validates: ${validated.ok ? "" : JSON.stringify(validated.problems)}`);
    const sent = fieldRules.filter(([, rule]) => rule.api !== undefined);
    assert.deepEqual(Object.keys(toCreateBody(validated.inputs)).sort(), sent.map(([, rule]) => rule.api).sort());
    const before = { identifier: validated.inputs.identifier, source: validated.inputs.source, name: "Before", uuid } as ContactOutputs;
    const inPlace = sent.filter(([, rule]) => rule.change !== "replace" && rule.change !== "local");
    assert.deepEqual(Object.keys(patchFor(before, validated.inputs)).sort(), inPlace.map(([, rule]) => rule.api).sort());
  });

  it("each field's input rule makes it required exactly when ContactInputs does", () => {
    const required = fieldRules.filter(([, rule]) => rule.required).map(([name]) => name);
    const minimal = Object.fromEntries(required.map((name) => [name, everyInput[name]]));
    assert.ok(validateInputs(minimal).ok, "the required fields alone validate");
    for (const name of required) {
      const { [name]: _left, ...without } = minimal;
      const result = validateInputs(without);
      assert.ok(!result.ok && result.problems.some((p) => p.property === name), `${name} is required`);
    }
  });

  it("the plugin's schema declares every input, output and required property as the tables do", () => {
    const info = { version: "1.2.3", repository: "https://github.com/acme/x", pluginDownloadURL: "github://api.github.com/acme/x", goImportBasePath: "g" };
    const schema = JSON.parse(packageSchema(info));
    const contact = schema.resources["callbell:index:Contact"];
    for (const [name, rule] of fieldRules) {
      assert.deepEqual(contact.inputProperties[name], rule.spec, `input ${name}`);
      if (rule.writeOnly) assert.equal(contact.properties[name], undefined, `${name} is write-only, no output`);
      else assert.deepEqual(contact.properties[name], rule.spec, `output ${name}`);
    }
    for (const [name, rule] of [...computedRules, ...Object.entries(heldFields)]) assert.deepEqual(contact.properties[name], rule.spec, `output ${name}`);
    assert.deepEqual(
      contact.requiredInputs,
      fieldRules.filter(([, rule]) => rule.required).map(([name]) => name),
    );
    for (const [name, rule] of [...fieldRules, ...computedRules]) assert.equal(contact.required.includes(name), rule.required === true, `${name} required`);
    const getContact = schema.functions["callbell:index:getContact"].outputs;
    for (const [name] of answeredRules) assert.ok(getContact.properties[name], `getContact answers ${name}`);
    for (const [name, rule] of computedRules) assert.equal(getContact.properties[name] !== undefined, rule.lookup, `getContact and ${name}`);
    assert.deepEqual(Object.keys(getContact.properties).sort(), lookupFields.map((f) => f.name).sort());
  });

  it("a GET /contacts list item stands for a read only with every key the state is made from; what some contacts lack only when held", () => {
    const held = { identifier: "393331234567", source: "whatsapp", name: "QA Alice", uuid } as ContactOutputs;
    for (const [name, rule] of answeredRules) assert.ok(fieldsAReadNeeds.includes(rule.answer.from), `the page reads need ${name} (${rule.answer.from})`);
    for (const [name, rule] of computedRules) {
      const needed = fieldsAReadNeeds.includes(rule.answer.from);
      assert.equal(needed, rule.pageRead === "needed", `${name}: pageRead ${rule.pageRead}`);
      if (rule.pageRead === "whenHeld") {
        const { [rule.answer.from]: _left, ...lacking } = fullAnswer;
        assert.equal(listedAnswersFor(lacking as ApiContact, held), true, `an item without ${name} stands for a state without it`);
        assert.equal(listedAnswersFor(lacking as ApiContact, { ...held, [name]: "x" }), false, `an item without ${name} does not for a state with it`);
      }
    }
    assert.equal(listedAnswersFor(fullAnswer, held), true);
    for (const key of fieldsAReadNeeds) {
      const { [key]: _left, ...lacking } = fullAnswer;
      assert.equal(listedAnswersFor(lacking as ApiContact, held), false, `an item without ${key}`);
    }
  });

  it("the export writes every field the state holds, in the table's places; those it writes as answered have an answer", () => {
    for (const [name, rule] of fieldRules) {
      if (!rule.writeOnly) assert.ok(rule.exported, `${name} is held in state: its row needs an export place`);
      if (rule.exported && rule.exported.as === "answered") assert.ok(rule.answer, `${name} is exported as answered: its row needs an answer rule`);
    }
    const places = fieldRules.flatMap(([, rule]) => (rule.exported ? [rule.exported.at] : []));
    assert.equal(new Set(places).size, places.length, "each exported field has a place of its own");
    const result = buildSeedFile([{ ...fullAnswer, team: null, channel: null }], { teams: [], channels: [] });
    assert.equal(result.written, 1, JSON.stringify(result.skipped));
    const [entry] = (parse(result.text) as { contacts: Record<string, unknown>[] }).contacts;
    const answered = fieldRules.filter(([, rule]) => rule.exported && rule.exported.as === "answered").map(([name]) => name);
    for (const name of answered) assert.notEqual(entry[name], undefined, `the export writes ${name}`);
    const order = fieldRules.filter(([name]) => name in entry).sort(([, a], [, b]) => exportPlace(a) - exportPlace(b));
    assert.deepEqual(
      Object.keys(entry),
      order.map(([name]) => name),
      "in the table's places",
    );
  });

  it("pulumi import declares the fields the table imports, and no other", () => {
    for (const [name, rule] of fieldRules)
      if (rule.imported === "answered") assert.ok(rule.answer, `${name} is imported as answered: its row needs an answer rule`);
    const state = importedState(fullAnswer, undefined);
    assert.ok(state);
    for (const [name, rule] of fieldRules) assert.equal(state[name] !== undefined, rule.imported !== false, `import and ${name}`);
  });

  it("a seed file's default of a field has the field's type", () => {
    const kinds: Record<string, PropertySpec["type"][]> = { string: ["string"], list: ["array"], mapping: ["object"], boolean: ["boolean"] };
    for (const [name, rule] of fieldRules) {
      if (!rule.seedDefault) continue;
      const [kind] = rule.seedDefault;
      if (kind === "title or { main: true }") assert.ok(rule.spec.oneOf, `${name}: a title or { main: true }`);
      else assert.ok(kinds[kind].includes(rule.spec.type), `${name}: a ${kind} default for a ${rule.spec.type}`);
    }
  });
});

function exportPlace(rule: FieldRule): number {
  return rule.exported ? rule.exported.at : Infinity;
}
