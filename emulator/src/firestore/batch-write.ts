import { FirestoreError, GRPC_CODE_NUMBERS, invalidArgument } from "./errors.js";
import {
  applyWrite,
  prepareWrite,
  type CommitOptions,
  type Write,
  type WriteResult,
} from "./commit.js";
import type { DocumentStore } from "./store.js";
import type { AppliedDocumentWrite } from "./write-stats.js";

/** `google.rpc.Status` as BatchWrite reports it per write. */
export interface WriteStatus {
  code: number;
  message?: string;
}

export interface BatchWriteResponse {
  writeResults: WriteResult[];
  status: WriteStatus[];
}

function documentOf(write: Write): string | undefined {
  return write.update?.name ?? write.delete ?? write.transform?.document;
}

/**
 * Applies each write on its own, as production's BatchWrite does: one failing write leaves the
 * others applied, and each reports its own status. Writing a document twice in one request is
 * refused as a whole. `onApplied` hears the writes that applied (for the write counts).
 */
export function batchWrite(
  store: DocumentStore,
  writes: readonly Write[],
  options: CommitOptions = {},
  onApplied?: (writes: readonly AppliedDocumentWrite[]) => void,
): BatchWriteResponse {
  const seen = new Set<string>();
  for (const write of writes) {
    const name = documentOf(write);
    if (name === undefined) continue;
    if (seen.has(name))
      throw invalidArgument(`BatchWrite cannot write the same document twice: ${name}`);
    seen.add(name);
  }
  const writeResults: WriteResult[] = [];
  const status: WriteStatus[] = [];
  const appliedWrites: AppliedDocumentWrite[] = [];
  for (const write of writes) {
    try {
      const prepared = prepareWrite(write, options);
      const time = store.nextCommitTime();
      const applied = applyWrite(prepared, store.get(prepared.name), time);
      if (applied.changed) store.apply(new Map([[prepared.name, applied.doc]]), time);
      writeResults.push(applied.result);
      status.push({ code: GRPC_CODE_NUMBERS.OK });
      appliedWrites.push({ name: prepared.name, changed: applied.changed });
    } catch (error) {
      if (!(error instanceof FirestoreError)) throw error;
      writeResults.push({});
      status.push({ code: GRPC_CODE_NUMBERS[error.code], message: error.message });
    }
  }
  onApplied?.(appliedWrites);
  return { writeResults, status };
}
