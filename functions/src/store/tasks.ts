/**
 * Enqueueing Cloud Tasks for our own task-queue functions (`onTaskDispatched`), with deterministic
 * task ids: enqueueing the same id twice is a success, so a trigger delivered twice schedules once.
 */
import { functionsAdmin } from "./clients.js";

export interface EnqueueOptions {
  /** Deterministic id: `[A-Za-z0-9_-]`, at most 500 characters. */
  readonly id: string;
  /** When the task should run. */
  readonly at: number;
  /** How long one delivery may run, 15–1800 s. */
  readonly dispatchDeadlineSeconds: number;
}

function isAlreadyExists(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("code" in error)) return false;
  return error.code === "functions/task-already-exists";
}

/** Enqueues `data` for `functionName`; resolves `false` when a task with that id was enqueued before. */
export async function enqueueOnce(
  functionName: string,
  data: Record<string, unknown>,
  options: EnqueueOptions,
): Promise<boolean> {
  try {
    await (await functionsAdmin()).taskQueue(functionName).enqueue(data, {
      id: options.id,
      scheduleTime: new Date(Math.max(options.at, Date.now())),
      dispatchDeadlineSeconds: options.dispatchDeadlineSeconds,
    });
    return true;
  } catch (error) {
    if (isAlreadyExists(error)) return false;
    throw error;
  }
}

/**
 * Resolves at `dueAt`, or at once when it has passed. Cloud Tasks delivers at the scheduled time;
 * the Functions emulator's queue (firebase-tools 15, `emulator/taskQueue.js`) ignores
 * `scheduleTime` and delivers at once, so a task handler waits out an early delivery itself.
 * Returns false without waiting when `dueAt` is further away than `maxWaitMs`: the caller then
 * fails the delivery so that the queue retries it later.
 */
export async function waitUntilDue(dueAt: number, maxWaitMs: number): Promise<boolean> {
  const remaining = dueAt - Date.now();
  if (remaining <= 0) return true;
  if (remaining > maxWaitMs) return false;
  await new Promise((resolve) => setTimeout(resolve, remaining));
  return true;
}
