#!/usr/bin/env node
// The `pulumi-callbell` command: `export` and `doctor`.
import { doctorUsage, runDoctor } from "./doctor";
import { exportUsage, runExport } from "./export";

const [command, ...args] = process.argv.slice(2);
const io = { out: (line: string) => process.stdout.write(line + "\n"), err: (line: string) => process.stderr.write(line + "\n") };

if (command === "export") {
  runExport(args, process.env, io).then((code) => {
    process.exitCode = code;
  });
} else if (command === "doctor") {
  runDoctor(args, process.env, io).then((code) => {
    process.exitCode = code;
  });
} else if (command === undefined || command === "--help" || command === "-h" || command === "help") {
  const commands = [
    "  export    write an account's contacts to a seed file (read-only)",
    "  doctor    check the account the provider would use (read-only; --probe writes one throwaway contact)",
  ];
  io.out(`Usage: pulumi-callbell <command>\n\nCommands:\n${commands.join("\n")}\n\n${exportUsage}\n\n${doctorUsage}`);
  process.exitCode = command === undefined ? 2 : 0;
} else {
  io.err(`error: unknown command '${command}'; the commands are: export, doctor. Run 'pulumi-callbell --help'.`);
  process.exitCode = 2;
}
