// The fixes messages suggest, in the syntax of the door a run serves (contact/hints.ts): TypeScript for the dynamic
// Contact, every language's form for the provider plugin. The refusals that use them: test/ownership/ownership.test.ts.
import { strict as assert } from "assert";
import { ContactsClient } from "../../provider/src/client/contacts";
import { CallbellValidationError } from "../../provider/src/client/errors";
import { Door, adoptHint, aliasHint, retainOnDeleteOption } from "../../provider/src/domain/contact/hints";
import { ContactRun } from "../../provider/src/domain/contact/contact-run";

describe("hints in the door's syntax", () => {
  it("the alias hint: TypeScript for the dynamic door; a sentence and the YAML (its old URN), Python and TypeScript forms for the plugin", () => {
    assert.equal(aliasHint("dynamic", "proj/dev/alice"), 'add aliases: [{ name: "<its old name>" }]');
    assert.equal(
      aliasHint("plugin", "proj/dev/alice"),
      'add an alias from its old name (YAML: options: { aliases: [ "urn:pulumi:dev::proj::callbell:index:Contact::<old name>" ] }; ' +
        'Python: opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="<old name>")]); TypeScript: aliases: [{ name: "<old name>" }])',
    );
    assert.equal(
      aliasHint("plugin"),
      'add an alias from its old name (YAML: options: { aliases: [ "<its old URN, from pulumi stack --show-urns>" ] }; ' +
        'Python: opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="<old name>")]); TypeScript: aliases: [{ name: "<old name>" }])',
    );
  });

  it("the adopt hint and the retainOnDelete option", () => {
    assert.equal(adoptHint("dynamic"), "set adopt: true");
    assert.equal(adoptHint("plugin"), "set its adopt property to true (YAML and TypeScript: adopt: true; Python: adopt=True)");
    assert.equal(retainOnDeleteOption("dynamic"), "retainOnDelete");
    assert.equal(retainOnDeleteOption("plugin"), "the retainOnDelete resource option (Python: retain_on_delete)");
  });

  it("a duplicate Callbell refused (409) points to adopt in the door's syntax", () => {
    const refused = new CallbellValidationError({ method: "POST", path: "/contacts", status: 409 });
    const failure = (door?: Door) =>
      new ContactRun({
        settings: () => ({ apiUrl: "http://127.0.0.1:9/v1" }),
        client: () => undefined as unknown as ContactsClient,
        door,
      }).fail(refused, { name: "QA Alice", identifier: "393331234567" }, "create").message;
    const said =
      'Could not create contact "QA Alice" (393331234567): Callbell refused the request: POST /contacts answered 409; to manage the existing contact, ';
    assert.equal(failure(), `${said}set adopt: true`);
    assert.equal(failure("dynamic"), `${said}set adopt: true`);
    assert.equal(failure("plugin"), `${said}set its adopt property to true (YAML and TypeScript: adopt: true; Python: adopt=True)`);
  });
});
