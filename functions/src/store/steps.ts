/**
 * Writes that span Firebase Auth, the Realtime Database and Firestore cannot share a transaction.
 * Each is a step with an undo; when a step fails, the steps already done are undone in reverse
 * order, so a failure midway leaves the state as it was (except what cannot be undone, such as a
 * refresh-token revocation, which only ever makes access stricter).
 */
export interface Step {
  readonly name: string;
  run(): Promise<void>;
  /** Restores what `run` changed. Absent when there is nothing to restore. */
  undo?(): Promise<void>;
}

export interface UndoFailure {
  readonly step: string;
  readonly error: unknown;
}

/** The error a failed step threw, with any undo that failed too (to be logged, never answered). */
export class StepFailed extends Error {
  readonly step: string;
  readonly undoFailures: readonly UndoFailure[];

  constructor(step: string, cause: unknown, undoFailures: readonly UndoFailure[]) {
    super(`step "${step}" failed`, { cause });
    this.name = "StepFailed";
    this.step = step;
    this.undoFailures = undoFailures;
  }
}

/**
 * Runs `steps` in order. If one throws, undoes the completed ones newest first and throws
 * `StepFailed`; when the failing step threw something the caller answers with (an `HttpError`, say),
 * `rethrow` decides to throw that instead, after the undo.
 */
export async function runSteps(
  steps: readonly Step[],
  rethrow: (error: unknown) => boolean = () => false,
): Promise<void> {
  const done: Step[] = [];
  for (const step of steps) {
    try {
      await step.run();
    } catch (error) {
      const undoFailures: UndoFailure[] = [];
      for (const completed of done.reverse()) {
        try {
          await completed.undo?.();
        } catch (undoError) {
          undoFailures.push({ step: completed.name, error: undoError });
        }
      }
      if (undoFailures.length === 0 && rethrow(error)) throw error;
      throw new StepFailed(step.name, error, undoFailures);
    }
    done.push(step);
  }
}
