// What the plugin says about its own release, read once from the package's package.json: the version, and the GitHub
// repository whose releases carry the plugin archives. A fork changes `repository` there and nothing else.
import { readFileSync } from "fs";
import * as path from "path";

/** The release facts the schema names: the version, the repository, where the engine downloads the plugin, the Go import path. */
export interface PackageInfo {
  version: string;
  /** https://github.com/<owner>/<name> */
  repository: string;
  /** github://api.github.com/<owner>/<name>: the engine fetches pulumi-resource-callbell-v<version>-<os>-<arch>.tar.gz from the release v<version>. */
  pluginDownloadURL: string;
  /** The Go SDK's package path: <repository host and path>/sdk/go/callbell, in the Go module <...>/sdk. */
  goImportBasePath: string;
}

/** The facts from a package.json's text; throws a one-line message when its repository is not a GitHub URL. */
export function packageInfoOf(packageJson: string): PackageInfo {
  const pkg = JSON.parse(packageJson) as { version: string; repository?: string | { url?: string } };
  const url = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
  const m = /github\.com[/:]([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url ?? "");
  if (!m) throw new Error(`package.json: "repository" must be a GitHub URL (https://github.com/<owner>/<name>), not ${JSON.stringify(url)}`);
  const [owner, name] = [m[1], m[2]];
  return {
    version: pkg.version,
    repository: `https://github.com/${owner}/${name}`,
    pluginDownloadURL: `github://api.github.com/${owner}/${name}`,
    goImportBasePath: `github.com/${owner}/${name}/sdk/go/callbell`,
  };
}

/** The installed package's own facts (this file is <package>/dist/doors/plugin/package-info.js). */
export function ownPackageInfo(): PackageInfo {
  return packageInfoOf(readFileSync(path.join(__dirname, "..", "..", "..", "package.json"), "utf8"));
}
