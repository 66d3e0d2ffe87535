/**
 * Query Explain (`explainOptions` on RunQuery and RunAggregationQuery): the plan production reports
 * (the indexes the query reads) and, with `analyze`, execution statistics counted and billed by
 * production's rules. Shapes are protobuf-JSON `ExplainMetrics`; the Struct parts use
 * production's snake_case keys and decimal strings.
 */
import { describeIndex, type IndexUsed } from "./indexes.js";
import { durationToString } from "./wire/protojson.js";

export interface ExplainOptions {
  /** Run the query too: results and execution statistics, not only the plan. */
  analyze: boolean;
}

/** The request's `explainOptions`, or undefined when the request is not an explain. */
export function explainOptionsOf(request: Record<string, unknown>): ExplainOptions | undefined {
  const options = request.explainOptions;
  if (typeof options !== "object" || options === null || Array.isArray(options)) return undefined;
  return { analyze: "analyze" in options && options.analyze === true };
}

/** What one execution read and returned, before billing. */
export interface Execution {
  resultsReturned: number;
  documentsScanned: number;
  indexEntriesScanned: number;
  /** Documents billed one read each (a query's documents, those an offset skipped included). */
  documentsBillable: number;
  /** Index entries billed one read per batch of up to 1,000 (aggregations). */
  indexEntriesBillable: number;
  durationNanos: bigint;
}

const INDEX_ENTRIES_PER_READ = 1000;

/** A query reads every document it returns or skips with an offset; the index scan passes each once. */
export function queryExecution(
  documentsRead: number,
  resultsReturned: number,
  durationNanos: bigint,
): Execution {
  return {
    resultsReturned,
    documentsScanned: documentsRead,
    indexEntriesScanned: documentsRead,
    documentsBillable: documentsRead,
    indexEntriesBillable: 0,
    durationNanos,
  };
}

/** An aggregation reads index entries only, one per document aggregated, and returns one result. */
export function aggregationExecution(indexEntries: number, durationNanos: bigint): Execution {
  return {
    resultsReturned: 1,
    documentsScanned: 0,
    indexEntriesScanned: indexEntries,
    documentsBillable: 0,
    indexEntriesBillable: indexEntries,
    durationNanos,
  };
}

export interface ExplainMetrics {
  planSummary: { indexesUsed: Array<Record<string, string>> };
  executionStats?: {
    resultsReturned: string;
    executionDuration: string;
    readOperations: string;
    debugStats: Record<string, string | Record<string, string>>;
  };
}

/** Production's billing: every query costs at least one read, even one that matched nothing. */
function billing(execution: Execution): { readOperations: number; minQueryCost: number } {
  const billed =
    execution.documentsBillable +
    Math.ceil(execution.indexEntriesBillable / INDEX_ENTRIES_PER_READ);
  const minQueryCost = billed === 0 ? 1 : 0;
  return { readOperations: billed + minQueryCost, minQueryCost };
}

export function explainMetrics(indexesUsed: IndexUsed[], execution?: Execution): ExplainMetrics {
  const planSummary = { indexesUsed: indexesUsed.map(describeIndex) };
  if (execution === undefined) return { planSummary };
  const { readOperations, minQueryCost } = billing(execution);
  const nanos = execution.durationNanos;
  return {
    planSummary,
    executionStats: {
      resultsReturned: String(execution.resultsReturned),
      executionDuration: durationToString({
        seconds: (nanos / 1_000_000_000n).toString(),
        nanos: Number(nanos % 1_000_000_000n),
      }),
      readOperations: String(readOperations),
      debugStats: {
        documents_scanned: String(execution.documentsScanned),
        index_entries_scanned: String(execution.indexEntriesScanned),
        billing_details: {
          documents_billable: String(execution.documentsBillable),
          index_entries_billable: String(execution.indexEntriesBillable),
          min_query_cost: String(minQueryCost),
        },
      },
    },
  };
}
