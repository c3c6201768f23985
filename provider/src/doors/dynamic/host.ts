// The module every Contact's `__provider` text re-exports (resource.ts): the dynamic-provider host calls its
// `handler()` for the provider. Its path is part of every stored state, so it must never move. It also wires the
// provider to the host: settings from the stack config (else the environment), one client made on first use, and
// error messages printed once.
import { CallbellProblem } from "../../problem";
import { ContactProvider, dynamicProviderOf, makeContactProvider } from "./dynamic-provider";
import { resourceTypes } from "../../domain/resource-types";
import { configuredConnection } from "../../connection";

/** The context the provider host uses: settings from configure (stack config), else the environment (connection.ts). */
export const hostContext = configuredConnection;

const host = hostContext();
// Made on first call, not on load: cheap for a host that only loads the module.
let hostProvider: ContactProvider | undefined;
const provider = (): ContactProvider => (hostProvider ??= makeContactProvider(host));

// The provider host prints `${error}: ${error.stack}` to stderr for a failed check, diff, read or
// delete before it hands the error to the engine, which shows it anyway: one message, said twice,
// the second time as a diagnostic of the stack ("CallbellConfigError: <message>: CallbellConfigError:
// <message>"). Our errors are whole sentences already, so that one stderr line is dropped, and
// nothing else.
const reported = new Set<string>();
let consoleQuieted = false;
function sayOnce<T>(call: () => Promise<T>): Promise<T> {
  return call().catch((error: unknown) => {
    if (error instanceof CallbellProblem) {
      reported.add(`${error}: ${error.stack}`);
      if (!consoleQuieted) {
        consoleQuieted = true;
        const print = console.error.bind(console);
        console.error = (...args: unknown[]) => {
          if (args.length === 1 && typeof args[0] === "string" && reported.delete(args[0])) return;
          print(...args);
        };
      }
    }
    throw error;
  });
}

/** The provider handler() hands to the Pulumi provider host; stacks written with the old serialized stub reach it through provider.ts. */
export const contactProvider: ContactProvider = {
  configure: (req) => sayOnce(async () => host.configure((key) => req.config.get(key))),
  check: (olds, news) => sayOnce(() => provider().check(olds, news)),
  diff: (id, olds, news) =>
    sayOnce(() =>
      provider()
        .diff(id, olds, news)
        .then((result) => withProviderStored(olds, result)),
    ),
  create: (inputs) => provider().create(inputs),
  read: (id, props) => sayOnce(() => provider().read(id, props)),
  update: (id, olds, news) => provider().update(id, olds, news),
  delete: (id, props) => sayOnce(() => provider().delete(id, props)),
};

// A contact moved here from the plugin's type (callbell:index:Contact, with aliases) has no `__provider` in its state, and
// the host needs one for every later read and delete. Only an update stores it: the diff asks for one, and the update,
// with nothing else changed, sends no request.
function withProviderStored<T extends { changes?: boolean }>(olds: object, result: T): T {
  return (olds as Record<string, unknown>).__provider === undefined ? { ...result, changes: true } : result;
}

/** Returns the Contact provider; the host calls it once per distinct `__provider` text. */
export const handler = () => contactProvider;

// The other resource types, one provider each, made on first use over the same connection.
const hostedTypes = new Map<string, ContactProvider>();

/**
 * The module a TypeScript resource other than Contact names in its `__provider` (typescript/account-resources.ts): the
 * host calls its `handler()`. Its path and the token are part of every stored state of that type, so they never change.
 */
export function hostOf(token: string): { handler: () => ContactProvider } {
  const type = resourceTypes.find((t) => t.token === token);
  if (!type) throw new Error(`pulumi-callbell serves no resource type ${token}; is the installed package older than the stack's state?`);
  const made = (): ContactProvider => {
    let found = hostedTypes.get(token);
    if (!found) hostedTypes.set(token, (found = dynamicProviderOf(type.core(host))));
    return found;
  };
  const provider: ContactProvider = {
    configure: (req) => sayOnce(async () => host.configure((key) => req.config.get(key))),
    check: (olds, news) => sayOnce(() => made().check(olds, news)),
    diff: (id, olds, news) => sayOnce(() => made().diff(id, olds, news)),
    create: (inputs) => sayOnce(() => made().create(inputs)),
    read: (id, props) => sayOnce(() => made().read(id, props)),
    update: (id, olds, news) => sayOnce(() => made().update(id, olds, news)),
    delete: (id, props) => sayOnce(() => made().delete(id, props)),
  };
  return { handler: () => provider };
}
