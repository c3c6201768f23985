// Prints, one per line, the folder of every package the provider needs at run time, as this checkout's node_modules
// holds them (npm ci put there what package-lock.json pins): its dependencies, optional dependencies and required peer
// dependencies, resolved the way Node resolves them, from each requiring package's folder upwards. Optional peers
// (@pulumi/pulumi's typescript and ts-node) are left out: the plugin runs compiled JavaScript.
//
//   node scripts/production-tree.js            # used by scripts/plugin-pack.sh
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");

/** The folder of package `name` as Node finds it from folder `from`, or undefined. */
function resolve(name, from) {
  for (let dir = from; dir.startsWith(root); dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (fs.existsSync(path.join(candidate, "package.json"))) return fs.realpathSync(candidate);
    if (dir === root) break;
  }
  return undefined;
}

const start = path.join(root, "provider");
const seen = new Set();
const queue = [start];
const missing = [];
while (queue.length) {
  const dir = queue.shift();
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const optionalPeers = Object.entries(pkg.peerDependenciesMeta ?? {})
    .filter(([, m]) => m.optional)
    .map(([n]) => n);
  const needed = [
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}).filter((n) => !optionalPeers.includes(n)),
  ];
  for (const name of needed) {
    const found = resolve(name, dir);
    if (!found) {
      if (!(pkg.optionalDependencies ?? {})[name]) missing.push(`${name} (needed by ${pkg.name})`);
      continue;
    }
    if (seen.has(found)) continue;
    seen.add(found);
    queue.push(found);
  }
}
if (missing.length) {
  process.stderr.write(`production-tree: not in node_modules: ${missing.join(", ")}; run npm ci\n`);
  process.exit(1);
}
for (const dir of [...seen].filter((d) => d !== start).sort()) process.stdout.write(`${dir}\n`);
