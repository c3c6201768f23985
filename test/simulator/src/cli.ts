// Command line:
// `npm run simulator -- --port 4010 [--data FILE] [--fixture FILE] [--rate N] [--token T] [--seed N] [--page-size N] [variant flags]`.
import { startSimulator, type SimulatorOptions } from "./index";
import { VARIANT_VALUES, type ApiVariants } from "./types";

/** The flag of each variant (SimulatorOptions of the same name). */
export const VARIANT_FLAGS: { readonly [K in keyof ApiVariants]: string } = {
  duplicates: "--duplicates",
  emptyFieldOnPatch: "--empty-field",
  patchTags: "--patch-tags",
  errorBody: "--error-body",
  retryAfter: "--retry-after",
  deleteMissing: "--delete-missing",
  contactShape: "--contact-shape",
  statusNames: "--status-names",
  loopbackWebhooks: "--loopback-webhooks",
  webhookRead: "--webhook-read",
};

const VARIANT_USAGE = (Object.keys(VARIANT_FLAGS) as (keyof ApiVariants)[]).map((key) => `[${VARIANT_FLAGS[key]} ${VARIANT_VALUES[key].join("|")}]`);

const USAGE = `usage: npm run simulator -- [--port N] [--host H] [--data FILE] [--fixture FILE]
         [--rate N (0 disables)] [--token T]... [--seed N] [--page-size N]
         ${VARIANT_USAGE.slice(0, 4).join(" ")}
         ${VARIANT_USAGE.slice(4, 7).join(" ")}
         ${VARIANT_USAGE.slice(7).join(" ")}
The token is, in order: --token, $CALLBELL_SIMULATOR_TOKEN, a random one. A variant's first value is the default.`;

/** Parses command-line arguments into simulator options; throws with a message on bad input. */
export function parseArguments(args: string[], env: NodeJS.ProcessEnv = process.env): SimulatorOptions {
  const options: SimulatorOptions = {};
  const tokens: string[] = [];
  const integer = (flag: string, value: string): number => {
    if (!/^\d+$/.test(value)) throw new Error(`${flag} needs a non-negative integer, got '${value}'`);
    return Number(value);
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = args[i + 1];
    if (flag === "--help" || flag === "-h") throw new Error(USAGE);
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    i++;
    switch (flag) {
      case "--port":
        options.port = integer(flag, value);
        break;
      case "--host":
        options.host = value;
        break;
      case "--data":
        options.dataFile = value;
        break;
      case "--fixture":
        options.fixture = value;
        break;
      case "--rate":
        options.rateLimitPerSecond = integer(flag, value);
        break;
      case "--token":
        tokens.push(value);
        break;
      case "--seed":
        options.seed = integer(flag, value);
        break;
      case "--page-size":
        options.pageSize = integer(flag, value);
        break;
      default: {
        const variant = (Object.keys(VARIANT_FLAGS) as (keyof ApiVariants)[]).find((key) => VARIANT_FLAGS[key] === flag);
        if (!variant) throw new Error(`unknown option ${flag}\n${USAGE}`);
        const values = VARIANT_VALUES[variant] as readonly string[];
        if (!values.includes(value)) throw new Error(`${flag} must be ${values.join(" or ")}, got '${value}'`);
        (options as Record<string, unknown>)[variant] = value;
      }
    }
  }
  if (tokens.length === 0 && env.CALLBELL_SIMULATOR_TOKEN) tokens.push(env.CALLBELL_SIMULATOR_TOKEN);
  if (tokens.length > 0) options.tokens = tokens;
  return options;
}

async function main(): Promise<void> {
  let options: SimulatorOptions;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const simulator = await startSimulator(options);
  process.stdout.write(
    `Callbell simulator listening on ${simulator.url}\n` +
      `export CALLBELL_API_URL=${simulator.url}\n` +
      `export CALLBELL_API_TOKEN=${simulator.token}\n` +
      `dashboard: ${simulator.origin}/\n` +
      `admin endpoints: ${simulator.origin}/__admin/...\n`,
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping the simulator\n`);
    simulator.close().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`error while stopping: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`callbell simulator failed to start: ${error.message}\n`);
    process.exit(1);
  });
}
