// What every `pulumi-callbell` command shares in reading its arguments: `--flag value` and `--flag=value`, a usage
// error for a missing value or an unknown argument, and no token as a flag (it would land in shell history).
import { envVars } from "../../config";
import { CallbellProblem } from "../../problem";

/** A usage or setting problem: exit code 2, message shown as is. */
export class UsageError extends CallbellProblem {}

/**
 * Walks the arguments: for each flag, `take(flag, value)` handles it and returns true, or returns false for a flag it
 * does not know. `value()` reads the flag's value (inline after "=", or the next argument).
 */
export function readFlags(args: readonly string[], take: (flag: string, value: () => string) => boolean): void {
  for (let i = 0; i < args.length; i++) {
    const eq = args[i].startsWith("--") ? args[i].indexOf("=") : -1;
    const [flag, inline] = eq > 0 ? [args[i].slice(0, eq), args[i].slice(eq + 1)] : [args[i], undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === "" || (inline === undefined && v.startsWith("--"))) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--token" || flag === "--api-token") {
      throw new UsageError(`${flag}: the token is not taken as a flag, so it does not land in shell history; set ${envVars.apiToken} instead`);
    }
    if (!take(flag, value)) throw new UsageError(`unknown argument '${args[i]}'`);
  }
}
