/**
 * The storage port: the only interface the FHIR layers use to reach data.
 *
 * Queries are MongoDB query documents and aggregation pipelines on both engines: the MongoDB engine hands
 * them to the server, the embedded engine evaluates them in-process with mingo over its own indexes.
 * Nothing above this port knows which engine runs.
 */

/** A stored document; `_id` is unique within its collection. */
export interface Doc {
  _id: string;
  [field: string]: unknown;
}

/** A MongoDB query document (`{ field: value, field2: { $gte: 3 } }`). */
export type Filter = Record<string, unknown>;

/** A MongoDB aggregation stage. */
export type PipelineStage = Record<string, unknown>;

export type SortSpec = ReadonlyArray<readonly [field: string, direction: 1 | -1]>;

export interface FindOptions {
  readonly sort?: SortSpec;
  readonly skip?: number;
  readonly limit?: number;
}

/** An index, in MongoDB's notation. `{ 'idx.$**': 1 }` is a wildcard index over every path under `idx`. */
export interface IndexSpec {
  readonly name: string;
  readonly keys: Readonly<Record<string, 1 | -1>>;
  readonly unique?: boolean;
  /**
   * Every document has a scalar in this (single) field, so an engine may answer a sort on it by walking
   * the index in order and stopping at the limit. MongoDB does this by itself; the embedded engine uses the hint.
   */
  readonly ordered?: boolean;
  /**
   * For a wildcard index: the leaf field names worth indexing (e.g. `c` of `idx.code.c`). An engine may
   * leave other leaves out of the index — queries on them stay correct, only unindexed. MongoDB indexes all.
   */
  readonly leaves?: readonly string[];
  /**
   * For a wildcard index: index only these sub-paths of the prefix (`['date', 'patient']` of `idx.$**` indexes
   * `idx.date…` and `idx.patient…`). Queries on other sub-paths stay correct, only unindexed.
   */
  readonly projection?: readonly string[];
}

export interface StoreReader {
  get(collection: string, id: string): Promise<Doc | undefined>;
  find(collection: string, filter: Filter, options?: FindOptions): AsyncIterable<Doc>;
  /** Counts matches; with `limit`, stops counting there (for estimates and existence checks). */
  count(collection: string, filter: Filter, limit?: number): Promise<number>;
  aggregate(collection: string, pipeline: readonly PipelineStage[]): AsyncIterable<Doc>;
}

/** Writers take ownership of the documents they are given: callers must not change a document after writing it. */
export interface StoreWriter extends StoreReader {
  /** Inserts a new document; throws DuplicateKeyError when `_id` exists. */
  insert(collection: string, doc: Doc): Promise<void>;
  /** Inserts or replaces the document with the same `_id`. */
  put(collection: string, doc: Doc): Promise<void>;
  /**
   * Replaces the document only when its current `field` equals `expected`
   * (compare-and-set; `expected === undefined` means the document must not exist). Returns false on mismatch.
   */
  replaceIf(collection: string, doc: Doc, field: string, expected: unknown): Promise<boolean>;
  remove(collection: string, id: string): Promise<void>;
}

export interface StorageEngine extends StoreReader {
  readonly kind: 'embedded' | 'mongodb';
  /** Whether multi-document transactions are atomic on this deployment. */
  readonly atomicTransactions: boolean;
  open(): Promise<void>;
  close(): Promise<void>;
  /** Throws when the store cannot be reached (readiness probe). */
  ping(): Promise<void>;
  ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void>;
  /**
   * Runs `work` as one atomic, durable transaction: on success all its writes are stored, on a throw none.
   * Reads through the writer see the transaction's own writes. The engine may run `work` again on a
   * transient conflict, so `work` must not have effects outside the writer.
   */
  transaction<T>(work: (tx: StoreWriter) => Promise<T>): Promise<T>;
  /** How the engine would answer a query: whether an index narrows it, and the plan in the engine's words. */
  explain(collection: string, filter: Filter): Promise<QueryPlan>;
}

export interface QueryPlan {
  readonly indexed: boolean;
  readonly detail: string;
}

export class DuplicateKeyError extends Error {
  constructor(
    readonly collection: string,
    readonly id: string,
  ) {
    super(`duplicate key ${collection}/${id}`);
  }
}

/**
 * The store has no space left for a write (a full disk, or a map that cannot grow): nothing of the refused
 * transaction is stored, reads go on, and writes are accepted again once space is freed (docs/operations.md#a-full-disk).
 * Answered 507 with an OperationOutcome (src/fhir/outcomes.ts).
 */
export class StoreFullError extends Error {
  constructor(readonly detail: string) {
    super(`the store has no space left (${detail}): nothing was written; reads go on, and writes are accepted again once space is freed`);
  }
}

/** Collects an async iterable (use only for bounded results). */
export async function toArray<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) {
    out.push(item);
  }
  return out;
}
