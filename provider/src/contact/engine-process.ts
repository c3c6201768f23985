// The `pulumi` process a provider process serves. One engine run starts the dynamic-provider host (through a shell
// script, so the engine is its grandparent) and the provider plugin (exec'd, so the engine is its parent); a stack that
// holds both kinds of Contact during a move is served by both in one run, and they must know each other: they share
// the stack's write lock and the record of which contacts the run's live resources keep.
import * as fs from "fs";

/** The engine among this process's ancestors (a process named `pulumi`, at most 3 levels up); undefined where it cannot be told. */
export function enginePid(): number | undefined {
  let pid = process.ppid;
  for (let level = 0; level < 3 && pid > 1; level++) {
    const stat = statOf(pid);
    if (!stat) return undefined;
    if (stat.command === "pulumi") return pid;
    pid = stat.parent;
  }
  return undefined;
}

/** A process as "<pid> <start time>" (Linux /proc; the pid alone elsewhere), so a reused pid is not taken for another. */
export function processIdentity(pid: number): string {
  const started = statOf(pid)?.started;
  return started ? `${pid} ${started}` : String(pid);
}

/** Whether the process runs (one of another user counts). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// /proc/<pid>/stat: "<pid> (<command>) <state> <parent> ..."; the command may hold spaces and parentheses.
function statOf(pid: number): { command: string; parent: number; started: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const close = text.lastIndexOf(")");
  const fields = text.slice(close + 2).split(" ");
  return { command: text.slice(text.indexOf("(") + 1, close), parent: Number(fields[1]), started: fields[19] };
}
