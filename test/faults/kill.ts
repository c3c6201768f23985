// Kills the `pulumi up` this process started, and everything it started, as a cancelled pipeline does.
import { strict as assert } from "assert";
import * as fs from "fs";

/** Children of a process, from /proc (Linux). */
export function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) kids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return kids;
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/** SIGKILLs the `pulumi up` this process started, and everything it started. */
export function killEngine(): number {
  const cli = childrenOf(process.pid).filter((pid) => / up /.test(commandOf(pid)) && /pulumi/.test(commandOf(pid)));
  assert.equal(cli.length, 1, "exactly one pulumi up running");
  const tree: number[] = [];
  const walk = (pid: number) => {
    tree.push(pid);
    childrenOf(pid).forEach(walk);
  };
  walk(cli[0]);
  for (const pid of tree) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  return tree.length;
}

/**
 * SIGKILLs the `pulumi up` this process started and nothing else, as a killed terminal or an OOM kill of the CLI does:
 * its provider processes are re-parented and must stop by themselves. Returns the pids of those provider processes.
 */
export function killEngineAlone(): number[] {
  const cli = childrenOf(process.pid).filter((pid) => / up /.test(commandOf(pid)) && /pulumi/.test(commandOf(pid)));
  assert.equal(cli.length, 1, "exactly one pulumi up running");
  const providers: number[] = [];
  const walk = (pid: number) =>
    childrenOf(pid).forEach((child) => {
      if (/pulumi-resource-|dynamic-provider|dist\/doors\/plugin\/main\.js/.test(commandOf(child))) providers.push(child);
      walk(child);
    });
  walk(cli[0]);
  process.kill(cli[0], "SIGKILL");
  return providers;
}
