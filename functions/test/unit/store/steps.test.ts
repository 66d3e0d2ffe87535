import { expect } from "chai";
import { runSteps, StepFailed, type Step } from "../../../src/store/steps.js";

function recorder() {
  const log: string[] = [];
  const step = (name: string, fail = false, undoFails = false): Step => ({
    name,
    run: () => {
      log.push(`run ${name}`);
      return fail ? Promise.reject(new Error(`${name} broke`)) : Promise.resolve();
    },
    undo: () => {
      log.push(`undo ${name}`);
      return undoFails ? Promise.reject(new Error(`undo ${name} broke`)) : Promise.resolve();
    },
  });
  return { log, step };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("runSteps", () => {
  it("runs every step in order and undoes nothing when all succeed", async () => {
    const { log, step } = recorder();
    await runSteps([step("a"), step("b")]);
    expect(log).to.deep.equal(["run a", "run b"]);
  });

  it("undoes the completed steps newest first when one fails, not the failed one", async () => {
    const { log, step } = recorder();
    const error = await failure(runSteps([step("a"), step("b"), step("c", true), step("d")]));
    expect(log).to.deep.equal(["run a", "run b", "run c", "undo b", "undo a"]);
    expect(error).to.be.instanceOf(StepFailed);
    expect((error as StepFailed).step).to.equal("c");
    expect(String((error as StepFailed).cause)).to.contain("c broke");
  });

  it("rethrows the step's own error after undoing when asked to", async () => {
    const { log, step } = recorder();
    const error = await failure(runSteps([step("a"), step("b", true)], () => true));
    expect(log).to.deep.equal(["run a", "run b", "undo a"]);
    expect((error as Error).message).to.equal("b broke");
  });

  it("keeps undoing past an undo that fails, and reports it", async () => {
    const { log, step } = recorder();
    const error = await failure(
      runSteps([step("a"), step("b", false, true), step("c", true)], () => true),
    );
    expect(log).to.deep.equal(["run a", "run b", "run c", "undo b", "undo a"]);
    expect(error).to.be.instanceOf(StepFailed);
    expect((error as StepFailed).undoFailures.map((f) => f.step)).to.deep.equal(["b"]);
  });
});
