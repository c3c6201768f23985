// Command line:
// `npm run simulator -- --port 4010 [--data FILE] [--fixture FILE] [--duplicates allow|reject] [--rate N] [--token T] [--seed N] [--page-size N]`.
import { startSimulator, type SimulatorOptions } from "./index";

const USAGE = `usage: npm run simulator -- [--port N] [--host H] [--data FILE] [--fixture FILE]
         [--duplicates allow|reject] [--rate N (0 disables)] [--token T]... [--seed N] [--page-size N]
The token is, in order: --token, $CALLBELL_SIMULATOR_TOKEN, a random one.`;

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
      case "--duplicates":
        if (value !== "allow" && value !== "reject") throw new Error(`--duplicates must be allow or reject, got '${value}'`);
        options.duplicates = value;
        break;
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
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
