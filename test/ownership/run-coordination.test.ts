// The run's coordination between the provider processes of one engine run, on every OS: the run is named by the
// engine's address (the first argument of every provider process), its shared files live in this user's own folder,
// and a process whose engine is gone stops. Here the "engine" is a TCP server this test starts on 127.0.0.1, and two
// RunMemory objects on one run stand for two provider processes (the dynamic host and a plugin, or two plugins).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { EngineRun, engineAddressFrom, fingerprint, knock, userRunFolder } from "../../provider/src/run/engine-run";
import { RunMemory, anotherProvider } from "../../provider/src/run/run-memory";
import { StackWriteLock } from "../../provider/src/run/write-lock";
import { decideDelete, decideTakeover } from "../../provider/src/domain/contact/ownership";

/** A stand-in for the engine's gRPC endpoint: something that accepts connections on 127.0.0.1. */
async function listening(): Promise<{ address: string; close(): Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return { address: `127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("the run's coordination, named by the engine's address", () => {
  let base: string;
  let engine: Awaited<ReturnType<typeof listening>>;
  let run: EngineRun;
  beforeEach(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), "run-coordination-"));
    fs.chmodSync(base, 0o700);
    engine = await listening();
    run = new EngineRun(engine.address, base);
  });
  afterEach(async () => {
    await engine.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it("no rule of the provider reads /proc or looks for a process by name: what holds on Linux holds on macOS and Windows", () => {
    const files = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    const src = path.resolve(__dirname, "..", "..", "provider", "src");
    const offending = files(src).filter((file) => /\/proc\/|process\.ppid|"pulumi"\)/.test(fs.readFileSync(file, "utf8")));
    assert.deepEqual(offending, []);
  });

  it("finds the engine's address among a provider's arguments, as the dynamic host and the plugin get it", () => {
    assert.equal(engineAddressFrom(["127.0.0.1:40123"]), "127.0.0.1:40123");
    assert.equal(engineAddressFrom(["--logtostderr", "-v=9", "127.0.0.1:40123"]), "127.0.0.1:40123");
    assert.equal(engineAddressFrom(["[::1]:40123"]), "[::1]:40123");
    assert.equal(engineAddressFrom(["--spec", "test/**/*.test.ts"]), undefined);
    // This test process serves no engine run: no shared files, a memory of its own.
    assert.equal(EngineRun.ofThisProcess(), undefined);
  });

  it("what one process keeps, the other finds, by fingerprint: the file names no resource in clear", () => {
    const plugin = new RunMemory(run);
    const dynamic = new RunMemory(run);
    assert.equal(dynamic.keeperOf("u1"), undefined);
    plugin.keep("u1", { owner: "p/dev/whatsapp-393331234567", origin: "adopted" });
    const seen = dynamic.keeperOf("u1");
    assert.equal(seen?.origin, "adopted");
    assert.equal(seen?.owner, undefined);
    // A replacement of the same resource that holds another contact lets u1 go.
    plugin.keep("u2", { owner: "p/dev/whatsapp-393331234567", origin: "created" });
    assert.equal(dynamic.keeperOf("u1"), undefined);
    const files = fs.readdirSync(run.folder).map((f) => fs.readFileSync(path.join(run.folder, f), "utf8"));
    assert.ok(!files.join("\n").includes("393331234567"), files.join("\n"));
    assert.equal(fs.statSync(path.join(run.folder, "run.log")).mode & 0o777, 0o600);
  });

  it("the dynamic host's delete of a moved resource leaves the contact the plugin's resource of the same name took over", () => {
    const plugin = new RunMemory(run);
    const dynamic = new RunMemory(run);
    plugin.keep("u1", { owner: "p/dev/alice", origin: "created" });
    const decision = decideDelete({ owner: "p/dev/alice", origin: "created", legacyAdopt: false, keeper: dynamic.keeperOf("u1"), marking: false });
    assert.deepEqual(decision, { delete: false, reason: "the resource that replaces it keeps the same contact", stillHeld: true });
    // Another resource's keeper is not this resource: a create finds it "managed by another resource".
    const takeover = decideTakeover({ owner: "p/dev/bob", marking: false, adopt: true, recoverCreates: false, sameName: true, keeper: dynamic.keeperOf("u1") });
    assert.equal(takeover.takeOver, false);
  });

  it("one identity declared by two resources in two processes of the run is refused for the second", () => {
    const first = new RunMemory(run);
    const second = new RunMemory(run);
    assert.equal(first.declare("acct\u0000whatsapp\u0000393331234570", "p/dev/a"), undefined);
    assert.equal(second.declare("acct\u0000whatsapp\u0000393331234570", "p/dev/b"), anotherProvider);
    // The same resource declared again (a second check of it) is no conflict.
    assert.equal(second.declare("acct\u0000whatsapp\u0000393331234571", "p/dev/c"), undefined);
    assert.equal(first.declare("acct\u0000whatsapp\u0000393331234571", "p/dev/c"), undefined);
  });

  it("creates of one identity run one after the other across processes; a claim of a dead process is taken over", async () => {
    const a = new RunMemory(run);
    const b = new RunMemory(run);
    const order: string[] = [];
    const work = (name: string) => async () => {
      order.push(`${name} starts`);
      await new Promise((resolve) => setTimeout(resolve, 150));
      order.push(`${name} ends`);
    };
    await Promise.all([a.oneAtATime("acct\u0000whatsapp\u00001", work("a")), b.oneAtATime("acct\u0000whatsapp\u00001", work("b"))]);
    assert.deepEqual(order, ["a starts", "a ends", "b starts", "b ends"]);
    const claimName = `create-${fingerprint("acct\u0000whatsapp\u00002")}.claim`;
    fs.writeFileSync(path.join(run.folder, claimName), "process 2147483646");
    let ran = false;
    await a.oneAtATime("acct\u0000whatsapp\u00002", async () => {
      ran = true;
    });
    assert.ok(ran);
    assert.ok(!fs.existsSync(path.join(run.folder, claimName)));
  });

  it("a process whose engine is gone refuses to write, then stops; the run's files are left to the next run's sweep", async () => {
    await run.assertAlive();
    let stopped = false;
    run.stopWhenGone(() => (stopped = true));
    await engine.close();
    assert.equal(await knock(engine.address), "gone");
    await assert.rejects(
      new Promise((resolve) => setTimeout(resolve, 600)).then(() => run.assertAlive()),
      /the pulumi run this provider served has ended/,
    );
    for (let i = 0; i < 40 && !stopped; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(stopped, "the watchdog stopped the process");
    assert.ok(fs.existsSync(run.folder), "another process of the run may still be finishing: the folder stays");
    engine = await listening(); // for afterEach
  });

  it("one writer per stack: the same run shares the lock, a live other run is refused naming it, an ended run's lock is taken over", async () => {
    const other = await listening();
    // The first run's provider process (this one) registers in its folder: while it runs, the run may write.
    const registration = path.join(run.folder, `process-${process.pid}`);
    fs.writeFileSync(registration, "");
    try {
      await new StackWriteLock(base, 50, run).acquire("p/dev/alice", "1a2b3c4d");
      await new StackWriteLock(base, 50, run).acquire("p/dev/bob", "1a2b3c4d"); // another process of the same run
      const otherRun = new EngineRun(other.address, base);
      await assert.rejects(
        new StackWriteLock(base, 50, otherRun).acquire("p/dev/alice", "1a2b3c4d"),
        new RegExp(`another pulumi run of stack p/dev on this machine \\(the run whose engine listens at ${engine.address.replace(/\./g, "\\.")}\\)`),
      );
      await new StackWriteLock(base, 50, otherRun).acquire("p/prod/alice", "1a2b3c4d"); // another stack: its own lock
      await new StackWriteLock(base, 50, otherRun).acquire("p/dev/alice", "9f8e7d6c"); // the same names in another backend
      // The first run's processes are gone (killed), though something still listens at its address: its lock is stale.
      fs.rmSync(registration);
      await new StackWriteLock(base, 50, otherRun).acquire("p/dev/alice", "1a2b3c4d");
      // A run whose folder was swept: its engine's refusal decides.
      const swept = await listening();
      const sweptRun = new EngineRun(swept.address, base);
      await new StackWriteLock(base, 50, sweptRun).acquire("p/staging/a", "1a2b3c4d");
      fs.rmSync(sweptRun.folder, { recursive: true });
      await assert.rejects(new StackWriteLock(base, 50, otherRun).acquire("p/staging/a", "1a2b3c4d"), /another pulumi run of stack p\/staging/);
      await swept.close();
      await new StackWriteLock(base, 50, otherRun).acquire("p/staging/a", "1a2b3c4d");
    } finally {
      await other.close();
    }
  });

  it("the run's last process, closed by the engine, removes the locks its run holds", () => {
    const lock = path.join(base, "stack-test.lock");
    fs.writeFileSync(lock, `run ${engine.address}`);
    const foreign = path.join(base, "stack-other.lock");
    fs.writeFileSync(foreign, "run 127.0.0.1:1");
    run.releaseLocks();
    assert.ok(!fs.existsSync(lock));
    assert.ok(fs.existsSync(foreign), "another run's lock stays");
  });

  it("several processes of a run taking one create claim, and several runs taking over one stale lock: one holder at a time", async function () {
    this.timeout(120_000);
    // Each child process takes the claim many times and, while it holds it, makes a folder that must not exist: a second
    // holder at the same moment finds it there and counts an overlap. For the locks, each run says which it took.
    const script = (mode: "claim" | "lock") => `
      const fs = require("fs"), path = require("path");
      const { EngineRun } = require("./provider/src/run/engine-run");
      const { withCreateClaim, StackWriteLock } = require("./provider/src/run/write-lock");
      const base = process.argv[1], address = process.argv[2], rounds = Number(process.argv[3]);
      let overlaps = 0;
      const held = [];
      const hold = async () => {
        const inside = path.join(base, "inside");
        try { fs.mkdirSync(inside); } catch { overlaps++; return; }
        await new Promise((r) => setImmediate(r));
        fs.rmdirSync(inside);
      };
      (async () => {
        // In "lock" mode each child is a run of its own address. The test process registers as its provider process, so
        // each run stays live until the test ends, however early its child finishes: a lock a finished run held is stale.
        const run = new EngineRun(address, base);
        if (${JSON.stringify(mode)} === "lock") fs.writeFileSync(path.join(run.folder, "process-" + process.argv[4]), "");
        for (let i = 0; i < rounds; i++) {
          if (${JSON.stringify(mode)} === "claim") await withCreateClaim(run, "acct whatsapp 1", () => hold());
          else {
            try { await new StackWriteLock(base, 0, run).acquire("p/dev/a", "b" + i); } catch { continue; /* a live holder: fine */ }
            held.push(i);
          }
        }
        process.stdout.write(${JSON.stringify(mode)} === "claim" ? String(overlaps) : JSON.stringify(held));
      })();`;
    const { spawn } = await import("child_process");
    const repo = path.resolve(__dirname, "..", "..");
    const runChildren = (mode: "claim" | "lock", addresses: string[], rounds: number) =>
      Promise.all(
        addresses.map(
          (address) =>
            new Promise<string>((resolve, reject) => {
              const args = ["-r", "ts-node/register/transpile-only", "-e", script(mode), base, address, String(rounds), String(process.pid)];
              const child = spawn(process.execPath, args, { cwd: repo });
              let out = "";
              child.stdout.on("data", (b: Buffer) => (out += b.toString()));
              child.on("error", reject);
              child.on("close", () => resolve(out));
            }),
        ),
      );
    const claimOverlaps = await runChildren("claim", [engine.address, engine.address, engine.address, engine.address], 1000);
    assert.deepEqual(claimOverlaps, ["0", "0", "0", "0"], "never two holders of one create claim");
    // Three live runs, each finding the lock of a dead run (a closed port) for a new backend each round.
    const dead = await listening();
    const deadAddress = dead.address;
    await dead.close();
    const others = await Promise.all([listening(), listening(), listening()]);
    try {
      for (let i = 0; i < 100; i++) {
        fs.writeFileSync(path.join(base, `stack-${fingerprint(`p/dev\u0000b${i}`)}.lock`), `run ${deadAddress}`);
      }
      const taken = (await runChildren("lock", [engine.address, ...others.map((o) => o.address)], 100)).flatMap((out) => JSON.parse(out) as number[]);
      assert.equal(taken.length, 100, `each stale lock taken by exactly one run: ${JSON.stringify(taken.sort((a, b) => a - b))}`);
      assert.equal(new Set(taken).size, 100);
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  });

  it("an earlier run's folder at the same address (the port used again) is set aside, and a folder removed mid-run refuses writes", async () => {
    const memory = new RunMemory(run);
    memory.keep("u1", { owner: "p/dev/alice", origin: "created" });
    // The run ended without cleaning up; a new engine gets the same address: a registering process sets the folder aside.
    const next = new EngineRun(engine.address, base, true);
    assert.equal(new RunMemory(next).keeperOf("u1"), undefined, "the earlier run's keep does not pass for this run's");
    assert.ok(fs.existsSync(path.join(next.folder, `process-${process.pid}`)));
    // A second process of the same run registers beside a live one and keeps what is there.
    new RunMemory(next).keep("u2", { owner: "p/dev/bob", origin: "created" });
    assert.ok(new RunMemory(new EngineRun(engine.address, base, true)).keeperOf("u2"));
    // Removed while the run goes on (another run's sweep, a shared temp folder): every decision refuses.
    fs.rmSync(next.folder, { recursive: true, force: true });
    assert.throws(() => new RunMemory(next).keeperOf("u2"), /were removed while it ran/);
    await assert.rejects(next.assertAlive(), /were removed while it ran/);
  });

  it("a release names its resource: it never drops another resource's later keep of the contact", () => {
    const a = new RunMemory(run);
    const b = new RunMemory(run);
    a.keep("u1", { owner: "p/dev/alice", origin: "created" });
    b.keep("u1", { owner: "p/dev/bob", origin: "adopted" });
    a.keep("u2", { owner: "p/dev/alice", origin: "created" }); // alice lets u1 go
    assert.equal(new RunMemory(run).keeperOf("u1")?.origin, "adopted", "bob's keep stands");
  });

  it("refuses a run folder that others can open or that is a link, naming the fix", function () {
    if (process.platform === "win32") this.skip();
    const loose = fs.mkdtempSync(path.join(os.tmpdir(), "run-folder-"));
    try {
      const folder = userRunFolder(loose);
      assert.equal(fs.statSync(folder).mode & 0o777, 0o700);
      fs.chmodSync(folder, 0o777);
      assert.throws(() => userRunFolder(loose), /others can open it \(mode 777\).*Remove it \(rm -rf .*\) and run again/s);
      fs.rmSync(folder, { recursive: true });
      fs.symlinkSync(loose, folder);
      assert.throws(() => userRunFolder(loose), /it is not a folder \(a link\?\)/);
    } finally {
      fs.rmSync(loose, { recursive: true, force: true });
    }
  });
});
