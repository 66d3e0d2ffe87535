/**
 * Counts of the document writes each database applied since the emulator started, as Firestore
 * bills them: every write of a commit, batch write or transaction is one, whether or not it changed
 * the document. Kept so that a benchmark can say what a scenario costs in Firestore writes (the
 * admin API's `GET /emulator/v1/projects/{p}/databases/{d}/stats`). Counts only grow: callers take
 * deltas.
 */

export interface FirestoreWriteCounts {
  /** Requests that applied at least one write (a commit, a transaction's commit, a batch write). */
  commits: number;
  /** Documents written: one per applied write. */
  writes: number;
  /** Applied writes that left their document as it was (billed all the same). */
  unchanged: number;
  /** Writes by the id of the collection holding the document (`tenants/t/audit/a` → `audit`). */
  byCollection: Record<string, number>;
}

export interface AppliedDocumentWrite {
  /** The document's full name, `projects/{p}/databases/{d}/documents/…`. */
  readonly name: string;
  readonly changed: boolean;
}

function emptyCounts(): FirestoreWriteCounts {
  return { commits: 0, writes: 0, unchanged: 0, byCollection: {} };
}

/** `projects/p/databases/d` and the document's collection id, from a document name. */
function locate(name: string): { database: string; collection: string } {
  const segments = name.split("/");
  return {
    database: segments.slice(0, 4).join("/"),
    collection: segments[segments.length - 2] ?? "",
  };
}

export class WriteStats {
  private readonly databases = new Map<string, FirestoreWriteCounts>();

  /** Records one request's applied writes; a request that applied none is not counted. */
  record(writes: readonly AppliedDocumentWrite[]): void {
    const counted = new Set<FirestoreWriteCounts>();
    for (const write of writes) {
      const { database, collection } = locate(write.name);
      let counts = this.databases.get(database);
      if (counts === undefined) {
        counts = emptyCounts();
        this.databases.set(database, counts);
      }
      if (!counted.has(counts)) {
        counted.add(counts);
        counts.commits++;
      }
      counts.writes++;
      if (!write.changed) counts.unchanged++;
      counts.byCollection[collection] = (counts.byCollection[collection] ?? 0) + 1;
    }
  }

  /** A copy of the counts of `database` (`projects/{p}/databases/{d}`), zero when it saw no write. */
  of(database: string): FirestoreWriteCounts {
    const counts = this.databases.get(database) ?? emptyCounts();
    return { ...counts, byCollection: { ...counts.byCollection } };
  }
}
