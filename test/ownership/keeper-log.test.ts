// The run's shared record of kept contacts (keeper-log.ts) between two provider processes of one engine run, and
// what RunMemory answers from it: a contact kept by the other process's resource is not this process's to delete.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KeeperLog } from "../../provider/src/contact/keeper-log";
import { RunMemory } from "../../provider/src/contact/run-memory";
import { decideDelete } from "../../provider/src/contact/ownership";
import { enginePid } from "../../provider/src/contact/engine-process";

describe("the run's keeper log, shared by the dynamic host and the plugin", () => {
  let folder: string;
  let file: string;
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "keeper-log-"));
    file = path.join(folder, "run.kept");
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it("what one process keeps, the other finds; a contact let go is found no more", () => {
    const plugin = new RunMemory(new KeeperLog(file));
    const dynamic = new RunMemory(new KeeperLog(file));
    assert.equal(dynamic.keeperOf("u1"), undefined);
    plugin.keep("u1", { owner: "p/dev/alice", origin: "adopted" });
    assert.deepEqual(dynamic.keeperOf("u1"), { owner: "p/dev/alice", origin: "adopted" });
    // A replacement of alice that holds another contact lets u1 go.
    plugin.keep("u2", { owner: "p/dev/alice", origin: "created" });
    assert.equal(dynamic.keeperOf("u1"), undefined);
    assert.deepEqual(dynamic.keeperOf("u2"), { owner: "p/dev/alice", origin: "created" });
  });

  it("the dynamic host's delete of a moved resource leaves the contact the plugin's resource took over", () => {
    const plugin = new RunMemory(new KeeperLog(file));
    const dynamic = new RunMemory(new KeeperLog(file));
    plugin.keep("u1", { owner: "p/dev/alice", origin: "created" });
    const decision = decideDelete({ owner: "p/dev/alice", origin: "created", legacyAdopt: false, keeper: dynamic.keeperOf("u1"), marking: false });
    assert.deepEqual(decision, { delete: false, reason: "the resource that replaces it keeps the same contact", stillHeld: true });
  });

  it("a line still being written is read once it is whole", () => {
    const reader = new KeeperLog(file);
    fs.writeFileSync(file, '{"uuid":"u1","owner":"p/dev/a","origin":"created"}\n{"uuid":"u2","ow');
    assert.deepEqual(reader.find("u1"), { owner: "p/dev/a", origin: "created" });
    assert.equal(reader.find("u2"), undefined);
    fs.appendFileSync(file, 'ner":"p/dev/b","origin":"adopted"}\n');
    assert.deepEqual(reader.find("u2"), { owner: "p/dev/b", origin: "adopted" });
  });

  it("outside an engine run (this test process) there is no engine, so no shared log and a lock of this process", () => {
    assert.equal(enginePid(), undefined);
    assert.equal(KeeperLog.forThisRun(folder), undefined);
  });
});
