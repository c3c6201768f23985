// The tools of the user's own path, the plain `pulumi` binary run on a program folder: the CLI with its Node.js
// language host, and the Node LTS the programs run on (see user-shell.ts for why). The plain-CLI tests and the
// benchmark's account run both need them, and scripts import nothing from test/, so they live here.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT, ensureEngine } from "./engine";

/** The tools of the plain-CLI runs: the CLI folder and the Node LTS folder. */
export interface PlainCliTools {
  /** Folder of `pulumi`, with `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs` beside it. */
  pulumiDir: string;
  /** Folder of the `node` (>= 22) that programs run on. */
  nodeBin: string;
  /** `node --version` of that node, e.g. "v24.21.0". */
  nodeVersion: string;
}

let tools: PlainCliTools | undefined;

/** Finds (building when needed) the CLI and its language host, and the Node LTS; throws saying why when one is missing. */
export function plainCliTools(): PlainCliTools {
  if (tools) return tools;
  const { pulumiDir } = ensureEngine();
  const host = path.join(path.dirname(fs.realpathSync(path.join(pulumiDir, "pulumi"))), "pulumi-language-nodejs");
  if (!fs.existsSync(host)) {
    throw new Error(`no Node.js language host next to ${pulumiDir}/pulumi (${host}): scripts/ensure-pulumi.sh builds it beside the pinned CLI`);
  }
  const nodeBin = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "ensure-node.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  const nodeVersion = execFileSync(path.join(nodeBin, "node"), ["--version"], { encoding: "utf8" }).trim();
  tools = { pulumiDir, nodeBin, nodeVersion };
  return tools;
}
