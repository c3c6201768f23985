// Entry point of the provider plugin pulumi-resource-callbell (the wrapper of that name runs node on this file).
import { ownPackageInfo } from "./package-info";
import { serve } from "./server";

// The engine passes its own address as the first argument that is not a flag.
const engineAddress = process.argv.slice(2).find((a) => !a.startsWith("-"));
Promise.resolve()
  .then(() => serve(ownPackageInfo(), engineAddress))
  .catch((error: unknown) => {
    process.stderr.write(`pulumi-resource-callbell: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
