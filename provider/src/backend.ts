// Which Pulumi backend holds the state of the stack this process serves, as a short fingerprint. Two stacks with
// the same project and stack names in two backends (a laptop's file:// next to the pipeline's S3 bucket, or two Pulumi
// Cloud organizations) are two stacks, and only this tells them apart: the engine gives a provider the project and
// stack names, never the backend. The CLI starts the provider host with its own environment and the project folder
// as cwd, so the host can follow the CLI's own choice: PULUMI_BACKEND_URL, then Pulumi.yaml's backend.url, then the
// login in $PULUMI_HOME/credentials.json.
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

/** The backend URL the Pulumi CLI uses here, as the CLI picks it, or undefined when none can be found. */
export function backendUrl(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string | undefined {
  const fromEnv = env.PULUMI_BACKEND_URL?.trim();
  if (fromEnv) return fromEnv;
  const project = readOrUndefined(() => parse(fs.readFileSync(path.join(cwd, "Pulumi.yaml"), "utf8")) as { backend?: { url?: unknown } });
  if (typeof project?.backend?.url === "string" && project.backend.url.trim()) return project.backend.url.trim();
  const home = env.PULUMI_HOME?.trim() || path.join(os.homedir(), ".pulumi");
  const credentials = readOrUndefined(() => JSON.parse(fs.readFileSync(path.join(home, "credentials.json"), "utf8")) as { current?: unknown });
  return typeof credentials?.current === "string" && credentials.current.trim() ? credentials.current.trim() : undefined;
}

/**
 * Eight hex characters that stand for a backend URL and an organization: the same for every spelling of one file://
 * folder (~ expanded, trailing slashes and query options such as an S3 region dropped), different for another
 * folder, bucket, server or organization. A hash, so no path or bucket name is written into Callbell.
 */
export function backendFingerprint(url: string, organization?: string): string {
  let canonical = url.trim().replace(/[?#].*$/s, "");
  const file = /^file:\/\/(.*)$/i.exec(canonical);
  if (file) {
    const folder = file[1] === "~" || file[1].startsWith("~/") ? path.join(os.homedir(), file[1].slice(1)) : file[1];
    canonical = `file://${path.resolve(folder || "/")}`;
  } else {
    canonical = canonical.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/]*)/i, (origin) => origin.toLowerCase());
  }
  canonical = canonical.replace(/\/+$/, "");
  const org = organization?.trim() && organization.trim() !== "organization" ? `\u0000${organization.trim()}` : "";
  return createHash("sha256").update(`${canonical}${org}`, "utf8").digest("hex").slice(0, 8);
}

function readOrUndefined<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
