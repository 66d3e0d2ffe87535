/**
 * scripts/firestore-emulator.mjs as firebase-tools runs it: the JAR's flags, gRPC and REST for the
 * Admin SDK and the HTTP admin API on one port, and a prompt exit 0 on SIGINT.
 */
import { expect } from "chai";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deleteApp, initializeApp, type App } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";

const LAUNCHER = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "scripts",
  "firestore-emulator.mjs",
);

interface Running {
  child: ChildProcessWithoutNullStreams;
  address: string;
  output: () => string;
}

/** Starts the launcher on a free port and resolves once it prints where it listens. */
function start(extraArgs: string[] = []): Promise<Running> {
  const child = spawn(
    process.execPath,
    [LAUNCHER, "--host", "127.0.0.1", "--port", "0", "--websocket_port", "9150", ...extraArgs],
    { stdio: "pipe" },
  );
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the launcher did not report its address: ${output}`));
    }, 10_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      const match = /listening on (127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve({ child, address: match[1], output: () => output });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the launcher exited with ${String(code)}: ${output}`));
    });
  });
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    child.once("exit", (code) => {
      resolve(code);
    });
  });
}

describe("firestore-emulator.mjs", () => {
  let running: Running;
  let app: App;

  before(async () => {
    running = await start(["--project_id", "demo-fs", "--rules", "/nonexistent.rules"]);
    // @google-cloud/firestore reads the emulator address from the environment when it connects.
    process.env["FIRESTORE_EMULATOR_HOST"] = running.address;
    app = initializeApp({ projectId: "demo-fs" }, `fs-${randomBytes(3).toString("hex")}`);
  });

  after(async () => {
    await deleteApp(app);
    delete process.env["FIRESTORE_EMULATOR_HOST"];
    if (running.child.exitCode === null) {
      running.child.kill("SIGKILL");
      await exitOf(running.child);
    }
  });

  it("serves the Admin SDK over gRPC: a write, a read and a query", async () => {
    const db = getFirestore(app);
    const id = randomBytes(4).toString("hex");
    await db.doc(`things/${id}`).set({ n: 1, name: "one" });
    const read = await db.doc(`things/${id}`).get();
    expect(read.data()).to.deep.equal({ n: 1, name: "one" });
    const query = await db.collection("things").where("name", "==", "one").get();
    expect(query.docs.map((doc) => doc.id)).to.include(id);
  });

  it("serves REST on the same port: a document the Admin SDK wrote over gRPC", async () => {
    const id = randomBytes(4).toString("hex");
    await getFirestore(app).doc(`things/${id}`).set({ n: 2 });
    const name = `projects/demo-fs/databases/(default)/documents/things/${id}`;
    const response = await fetch(`http://${running.address}/v1/${name}`);
    expect(response.status).to.equal(200);
    const body = (await response.json()) as { name: string; fields: unknown };
    expect(body.name).to.equal(name);
    expect(body.fields).to.deep.equal({ n: { integerValue: "2" } });
  });

  it("answers GET / like the official emulator", async () => {
    const response = await fetch(`http://${running.address}/`);
    expect(response.status).to.equal(200);
    expect(await response.text()).to.equal("Ok\n");
  });

  it("accepts a rules upload and says that rules are not enforced", async () => {
    const response = await fetch(
      `http://${running.address}/emulator/v1/projects/demo-fs:securityRules`,
      {
        method: "PUT",
        body: JSON.stringify({ rules: { files: [{ name: "security.rules", content: "x" }] } }),
      },
    );
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ issues: [] });
    expect(running.output()).to.match(/NOT enforced/);
  });

  it("clears a project's documents on DELETE …/databases/(default)/documents", async () => {
    const db = getFirestore(app);
    const id = randomBytes(4).toString("hex");
    await db.doc(`cleared/${id}`).set({ here: true });
    const response = await fetch(
      `http://${running.address}/emulator/v1/projects/demo-fs/databases/(default)/documents`,
      { method: "DELETE" },
    );
    expect(response.status).to.equal(200);
    expect((await db.doc(`cleared/${id}`).get()).exists).to.equal(false);
  });

  it("counts the document writes of a database: each write of a commit, batch or transaction", async () => {
    const db = getFirestore(app, "counted");
    const statsUrl = `http://${running.address}/emulator/v1/projects/demo-fs/databases/counted/stats`;
    const id = randomBytes(4).toString("hex");
    const batch = db.batch();
    batch.set(db.doc(`counts/${id}-a`), { n: 1 });
    batch.set(db.doc(`counts/${id}-b/audit/x`), { n: 1 });
    await batch.commit();
    await db.doc(`counts/${id}-a`).set({ n: 1 });
    await db.runTransaction(async (tx) => {
      const read = await tx.get(db.doc(`counts/${id}-a`));
      tx.update(read.ref, { n: 2 });
    });
    const response = await fetch(statsUrl);
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({
      database: "projects/demo-fs/databases/counted",
      writes: { commits: 3, writes: 4, unchanged: 1, byCollection: { counts: 3, audit: 1 } },
    });
    const other = (await (
      await fetch(
        `http://${running.address}/emulator/v1/projects/demo-fs/databases/elsewhere/stats`,
      )
    ).json()) as { writes: { writes: number } };
    expect(other.writes.writes, "per database").to.equal(0);
  });

  it("refuses Firestore trigger registration with 501 instead of silently never firing", async () => {
    const response = await fetch(
      `http://${running.address}/emulator/v1/projects/demo-fs/triggers/us-central1-onDoc-0`,
      { method: "PUT", body: "{}" },
    );
    expect(response.status).to.equal(501);
  });

  it("exits 0 promptly on SIGINT", async function () {
    this.timeout(5_000);
    const exited = exitOf(running.child);
    running.child.kill("SIGINT");
    expect(await exited).to.equal(0);
  });
});
