// The environment of a user's shell with a local login, as a terminal or a workflow has it: the plain-CLI tests
// (cliEnv) and the release dry run (userEnv) run the plain `pulumi` binary in it. Nothing here starts the engine, so
// the release dry run (and the test that loads it) need not load the Automation API.
//
// Why the PATH starts with a Node from scripts/ensure-node.sh: @pulumi/pulumi 3.259 supports
// Node >= 22, and the Node.js language host and the dynamic-provider host both run the first
// `node` on PATH, so the programs run on that LTS while mocha runs on whatever started it.
// Why npm_* variables are dropped: under `npm test` or `npm run` they would leak npm's own settings into
// `pulumi install`'s npm, which a user's shell does not have.
import * as path from "path";

/** process.env without npm's, Pulumi's and Callbell's own variables: what a user's shell starts from. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.toLowerCase().startsWith("npm_") && !k.startsWith("PULUMI_") && !k.startsWith("CALLBELL_")) env[k] = v;
  }
  return env;
}

/** Where a user's shell finds its tools and keeps its local login (the folders must exist before a command runs). */
export interface UserShell {
  /** Folder of the `node` put first on PATH. */
  nodeBin: string;
  /** Folder of the `pulumi` put next on PATH. */
  pulumiDir: string;
  /** Folder of the file:// backend. */
  backendDir: string;
  /** The shell's own PULUMI_HOME. */
  pulumiHome: string;
  /** PULUMI_CONFIG_PASSPHRASE of its stacks. */
  passphrase: string;
}

/** A user's shell with a local login: its Node and CLI first on PATH, file:// backend, passphrase, own PULUMI_HOME, no plugin download, no colour. */
export function userShellEnv(shell: UserShell): NodeJS.ProcessEnv {
  return {
    ...cleanEnv(),
    PATH: [shell.nodeBin, shell.pulumiDir, process.env.PATH ?? ""].join(path.delimiter),
    PULUMI_BACKEND_URL: `file://${shell.backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: shell.passphrase,
    PULUMI_HOME: shell.pulumiHome,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
    NO_COLOR: "1",
  };
}
