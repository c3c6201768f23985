// Entry point of the provider plugin pulumi-resource-callbell (the wrapper of that name runs node on this file).
import { readFileSync } from "fs";
import * as path from "path";
import { serve } from "./server";

const version: string = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")).version;
// The engine passes its own address as the first argument that is not a flag.
const engineAddress = process.argv.slice(2).find((a) => !a.startsWith("-"));
serve(version, engineAddress).catch((error: unknown) => {
  process.stderr.write(`pulumi-resource-callbell: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
