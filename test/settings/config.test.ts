// Where the settings come from (config.ts): the stack config first, then the environment; what each malformed value
// says; that a value which may be a token is never echoed; and the backend fingerprint the owner marks carry.
import { strict as assert } from "assert";
import { backendFingerprint } from "../../provider/src/backend";
import { CallbellConfigError, defaultApiUrl, requireToken, resolveSettings } from "../../provider/src/config";

const none = () => undefined;
const config = (values: Record<string, string>) => (key: string) => values[key];

describe("settings (config.ts)", () => {
  it("takes the stack config first, then the environment, then the defaults", () => {
    const env = {
      CALLBELL_API_URL: "http://127.0.0.1:4010/v1",
      CALLBELL_API_TOKEN: "from-env",
      CALLBELL_OWNER_FIELD: "owner",
      PULUMI_BACKEND_URL: "file:///x",
    };
    const fromEnv = resolveSettings(none, env);
    assert.deepEqual(
      {
        apiUrl: fromEnv.apiUrl,
        apiToken: fromEnv.apiToken,
        ownerField: fromEnv.ownerField,
        checkAccount: fromEnv.checkAccount,
        recoverCreates: fromEnv.recoverCreates,
      },
      { apiUrl: "http://127.0.0.1:4010/v1", apiToken: "from-env", ownerField: "owner", checkAccount: true, recoverCreates: false },
    );
    const both = resolveSettings(config({ "callbell:apiToken": "from-config", "callbell:ownerField": "  " }), env);
    assert.equal(both.apiToken, "from-config");
    assert.equal(both.ownerField, "owner", "a blank config value counts as unset");
    assert.equal(resolveSettings(none, {}).apiUrl, defaultApiUrl);
    assert.equal(both.backend, backendFingerprint("file:///x"));
  });

  it("says what is wrong with each malformed value and how to fix it", () => {
    const wrong = (values: Record<string, string>) => () => resolveSettings(config(values), {});
    assert.throws(wrong({ "callbell:apiUrl": "https://api.callbell.eu" }), /callbell:apiUrl "https:\/\/api\.callbell\.eu" does not end with \/v1/);
    assert.throws(wrong({ "callbell:apiUrl": "https://api.callbell.eu/v2" }), /callbell:apiUrl "https:\/\/api\.callbell\.eu\/…" does not end with \/v1/);
    assert.throws(wrong({ "callbell:apiUrl": "ftp://x" }), /^CallbellConfigError: callbell:apiUrl "ftp:\/\/x" is not an http\(s\) URL/);
    assert.throws(wrong({ "callbell:requestsPerSecond": "301" }), /callbell:requestsPerSecond "301" must be a number above 0 and at most 300/);
    assert.throws(wrong({ "callbell:recoverCreates": "yes" }), /callbell:recoverCreates "yes" must be true or false/);
    assert.throws(() => requireToken(resolveSettings(none, {})), /No Callbell API token: run 'pulumi config set --secret callbell:apiToken <token>'/);
  });

  it("never echoes a value that may be a token: a non-URL apiUrl, a long value, a URL's path", () => {
    const token = "sk_live_0123456789abcdefghijklmnopqrstuv";
    const messageOf = (values: Record<string, string>, env: Record<string, string> = {}) => {
      try {
        resolveSettings(config(values), env);
      } catch (error) {
        assert.ok(error instanceof CallbellConfigError);
        return `${String(error)} ${error.stack}`;
      }
      assert.fail("no error");
    };
    // The two variables swapped: the token in CALLBELL_API_URL, the URL in CALLBELL_API_TOKEN.
    const swapped = messageOf({}, { CALLBELL_API_URL: token, CALLBELL_API_TOKEN: "https://api.callbell.eu/v1" });
    assert.match(swapped, /callbell:apiUrl \(or CALLBELL_API_URL\) is not an http\(s\) URL \(its value is not shown, in case it is a token\)/);
    for (const text of [
      swapped,
      messageOf({ "callbell:apiUrl": `https://api.callbell.eu/${token}` }),
      messageOf({ "callbell:requestsPerSecond": token }),
      messageOf({ "callbell:checkAccount": token }),
    ]) {
      assert.ok(!text.includes(token), text);
    }
  });
});
