// The release facts of the schema come from provider/package.json's repository: a fork changes that one field.
import { strict as assert } from "assert";
import { packageInfoOf } from "../../provider/src/doors/plugin/package-info";

const withRepository = (repository: unknown) => JSON.stringify({ version: "1.2.3", repository });

describe("release: the schema's repository, pluginDownloadURL and Go import path", () => {
  it("come from package.json's repository, in each form npm accepts", () => {
    for (const repository of [
      { type: "git", url: "git+https://github.com/acme/callbell.io.git", directory: "provider" },
      "https://github.com/acme/callbell.io",
      "git@github.com:acme/callbell.io.git",
    ]) {
      assert.deepEqual(packageInfoOf(withRepository(repository)), {
        version: "1.2.3",
        repository: "https://github.com/acme/callbell.io",
        pluginDownloadURL: "github://api.github.com/acme/callbell.io",
        goImportBasePath: "github.com/acme/callbell.io/sdk/go/callbell",
      });
    }
  });

  it("refuse a package.json without a GitHub repository, in one line naming the field and the fix", () => {
    assert.throws(
      () => packageInfoOf(withRepository("https://gitlab.com/acme/callbell")),
      /^Error: package\.json: "repository" must be a GitHub URL \(https:\/\/github\.com\/<owner>\/<name>\), not "https:\/\/gitlab\.com\/acme\/callbell"$/,
    );
    assert.throws(() => packageInfoOf(JSON.stringify({ version: "1.2.3" })), /"repository" must be a GitHub URL .*, not undefined$/);
  });
});
