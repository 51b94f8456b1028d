/**
 * The embedded engine: durable, in-process storage on LMDB (the `lmdb` package), queried with MongoDB
 * query documents and aggregation pipelines through mingo.
 *
 * Layout (one LMDB environment in the data directory):
 * - `docs`: key `[collection, sid]` → the document (msgpack).
 * - `keys`: key `[collection, path, value, sid]` → empty; the secondary indexes (see index-keys.ts).
 * `sid` is the storage id of the document's `_id`: the id itself, or a hash of a long or odd one; paths and
 * values are cut to a prefix. Every key is built in key-encoding.ts, which keeps them under LMDB's limit.
 * Inside the engine, ids are storage ids from the boundary (get, the writer's methods, a plan's `_id`s) on.
 * - `meta`: key `['indexes', collection]` → the IndexSpecs built for that collection.
 *
 * Writes are serialised and group-committed: transactions waiting together run one after another on an
 * in-memory overlay and are then committed in a single LMDB write transaction, flushed to disk before any
 * of them is answered. Commits are asynchronous: while one group is being flushed, the next group already
 * runs on top of the in-flight groups' overlays, so the event loop never waits for the disk. Readers
 * outside transactions see only committed data.
 */
import type { Database, RootDatabase } from 'lmdb';
import { open } from 'lmdb';
import type { Doc, Filter, FindOptions, IndexSpec, PipelineStage, QueryPlan, StorageEngine, StoreWriter } from '../port';
import { DuplicateKeyError, StoreFullError } from '../port';
import type { IndexLayout } from './index-keys';
import { indexEntries, layoutOf } from './index-keys';
import type { Key } from './key-encoding';
import { docKey, indexKey, indexRange, STRING_MAX, storageId } from './key-encoding';
import { compileFilter, runPipeline } from './mingo';
import { docComparator } from './order';
import { Overlay } from './overlay';
import type { KeyRange, Plan } from './planner';
import { candidatePlans } from './planner';
import { DEFAULT_MIN_FREE_BYTES, FreeSpace } from './space';

/** Index ranges with more entries than this are not worth preferring over an ordered walk. */
const ESTIMATE_CAP = 5000;
const MAX_GROUP = 500;
/** An index range with at most this many entries is taken without estimating the other candidate plans. */
const GOOD_ENOUGH = 100;

export interface EmbeddedOptions {
  readonly path: string;
  /** fsync every group commit (default). Off: survives a process crash but not a power loss. */
  readonly fsync?: boolean;
  /** Writes are refused with StoreFullError while the file system has less free space than this (default 32 MiB). */
  readonly minFreeBytes?: number;
}


interface QueuedTransaction {
  readonly work: (tx: StoreWriter) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export class EmbeddedEngine implements StorageEngine {
  readonly kind = 'embedded' as const;
  readonly atomicTransactions = true;
  private env?: RootDatabase;
  private docsDb?: Database<Doc, Key>;
  private keysDb?: Database<Buffer, Key>;
  private metaDb?: Database<IndexSpec[], Key>;
  private readonly specs = new Map<string, IndexSpec[]>();
  private readonly layouts = new Map<string, IndexLayout>();
  private readonly queue: QueuedTransaction[] = [];
  private draining = false;
  /** Group overlays whose commit is in flight, oldest first. */
  private readonly inFlight: Overlay[] = [];
  private readonly commits = new Set<Promise<void>>();
  /**
   * Set when a commit failed: later groups were built on its writes, so the store refuses further writes —
   * until every commit in flight has settled, when the failure was for want of space (space.ts).
   */
  private failure?: unknown;
  private readonly space: FreeSpace;
  /** Called after each group commit is durable: its duration (transaction and flush) and how many transactions it held. */
  onCommit?: (ms: number, transactions: number) => void;

  constructor(private readonly options: EmbeddedOptions) {
    this.space = new FreeSpace(options.path, options.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES);
  }

  async open(): Promise<void> {
    // noSubdir: false — the path is a directory even when its name has a dot (mktemp -d gives names like /tmp/tmp.ab12).
    // eventTurnBatching off: the engine groups its own commits, and lmdb's per-turn batch leaves a promise nobody can
    // observe, whose rejection on a failed commit (a full disk) would crash the process.
    const env = open({ path: this.options.path, noSubdir: false, noSync: this.options.fsync === false, compression: false, eventTurnBatching: false });
    this.env = env;
    this.docsDb = env.openDB<Doc, Key>({ name: 'docs' });
    this.keysDb = env.openDB<Buffer, Key>({ name: 'keys', encoding: 'binary' });
    this.metaDb = env.openDB<IndexSpec[], Key>({ name: 'meta' });
    for (const { key, value } of this.metaDb.getRange({ start: ['indexes'], end: ['indexes', STRING_MAX] })) {
      this.specs.set(String(key[1]), value);
      this.layouts.set(String(key[1]), layoutOf(value));
    }
  }

  async close(): Promise<void> {
    while (this.draining || this.queue.length > 0 || this.commits.size > 0) {
      await Promise.allSettled([...this.commits]);
      await new Promise((r) => setTimeout(r, 5));
    }
    await this.env?.close();
    this.env = undefined;
  }

  async ping(): Promise<void> {
    this.db();
  }

  private db(): { docs: Database<Doc, Key>; keys: Database<Buffer, Key>; meta: Database<IndexSpec[], Key>; env: RootDatabase } {
    if (!this.env || !this.docsDb || !this.keysDb || !this.metaDb) throw new Error('embedded store is not open');
    return { env: this.env, docs: this.docsDb, keys: this.keysDb, meta: this.metaDb };
  }

  layout(collection: string): IndexLayout {
    return this.layouts.get(collection) ?? layoutOf([]);
  }

  async ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    const { env, docs, keys, meta } = this.db();
    const existing = this.specs.get(collection) ?? [];
    const missing = indexes.filter((spec) => !existing.some((e) => e.name === spec.name));
    if (missing.length === 0) return;
    // Build the new indexes over the documents already stored, in bounded batches.
    const newLayout = layoutOf(missing);
    let batch: Doc[] = [];
    const flush = (): void => {
      const docsToIndex = batch;
      batch = [];
      env.transactionSync(() => {
        for (const doc of docsToIndex) {
          const sid = storageId(doc._id);
          for (const [path, value] of indexEntries(doc, newLayout)) keys.putSync(indexKey(collection, path, value, sid), EMPTY);
        }
      });
    };
    for (const { value } of docs.getRange({ start: [collection], end: [collection, STRING_MAX] })) {
      batch.push(value);
      if (batch.length >= 1000) flush();
    }
    flush();
    const merged = [...existing, ...missing];
    await meta.put(['indexes', collection], merged);
    this.specs.set(collection, merged);
    this.layouts.set(collection, layoutOf(merged));
  }

  // ---- reads (committed state) ----

  get(collection: string, id: string): Promise<Doc | undefined> {
    return Promise.resolve(this.committedDoc(collection, storageId(id)));
  }

  find(collection: string, filter: Filter, options: FindOptions = {}): AsyncIterable<Doc> {
    return toAsync(this.findSync(collection, filter, options, undefined));
  }

  count(collection: string, filter: Filter, limit?: number): Promise<number> {
    return Promise.resolve(this.countSync(collection, filter, limit, undefined));
  }

  aggregate(collection: string, pipeline: readonly PipelineStage[]): AsyncIterable<Doc> {
    return toAsync(this.aggregateSync(collection, pipeline, undefined));
  }

  async explain(collection: string, filter: Filter): Promise<QueryPlan> {
    const { plan, estimate } = this.choosePlan(collection, filter);
    const detail =
      plan.kind === 'ids'
        ? `primary key lookup (${plan.ids.length} ids)`
        : plan.kind === 'ranges'
          ? `index ranges on ${[...new Set(plan.ranges.map((r) => r.path))].join(', ')} (~${estimate} entries)`
          : 'collection scan';
    return { indexed: plan.kind !== 'scan', detail };
  }

  // ---- query execution, over committed state plus an optional overlay ----

  private committedDoc(collection: string, sid: string): Doc | undefined {
    return this.db().docs.get(docKey(collection, sid));
  }

  private docAt(collection: string, sid: string, overlay: Overlay | undefined): Doc | undefined {
    const o = overlay?.lookup(collection, sid);
    if (o === null) return undefined;
    return o ?? this.committedDoc(collection, sid);
  }

  private rangeIds(collection: string, range: KeyRange, limit?: number): Iterable<string> {
    const { keys } = this.db();
    const iter = keys.getKeys({ ...indexRange(collection, range.path, range.lo, range.hi), limit });
    return mapIterable(iter, (key) => String(key[3]));
  }

  private estimate(collection: string, plan: Plan): number {
    if (plan.kind === 'ids') return plan.ids.length;
    if (plan.kind === 'scan') return Number.MAX_SAFE_INTEGER;
    let total = 0;
    for (const range of plan.ranges) {
      for (const _ of this.rangeIds(collection, range, ESTIMATE_CAP)) total++;
      if (total >= ESTIMATE_CAP) return ESTIMATE_CAP;
    }
    return total;
  }

  private choosePlan(collection: string, filter: Filter): { plan: Plan; estimate: number } {
    // Cheapest to estimate and usually most selective first: id lookups, then equalities, then ranges.
    const rank = (p: Plan): number => (p.kind === 'ids' ? 0 : p.kind === 'ranges' && p.ranges.every((r) => r.lo === r.hi) ? 1 : 2);
    const plans = candidatePlans(filter, this.layout(collection)).sort((a, b) => rank(a) - rank(b));
    let best: { plan: Plan; estimate: number } = { plan: { kind: 'scan' }, estimate: Number.MAX_SAFE_INTEGER };
    for (const plan of plans) {
      // A plan this small cannot be beaten by enough to pay for counting the others.
      if (best.estimate <= GOOD_ENOUGH) break;
      const estimate = this.estimate(collection, plan);
      if (estimate < best.estimate) best = { plan, estimate };
    }
    return best;
  }

  /** Documents that may match, each at most once (overlaid writes included), in no particular order. */
  private *candidates(collection: string, plan: Plan, overlay: Overlay | undefined): Generator<Doc> {
    const overlaid = overlay?.ids(collection) ?? new Set<string>();
    const seen = new Set<string>();
    const emit = function* (this: EmbeddedEngine, id: string): Generator<Doc> {
      if (seen.has(id)) return;
      seen.add(id);
      const doc = this.docAt(collection, id, overlay);
      if (doc) yield doc;
    }.bind(this);
    if (plan.kind === 'ids') {
      for (const id of plan.ids) yield* emit(storageId(id));
    } else if (plan.kind === 'ranges') {
      for (const range of plan.ranges) {
        for (const id of this.rangeIds(collection, range)) yield* emit(id);
      }
    } else {
      for (const { key, value } of this.db().docs.getRange({ start: [collection], end: [collection, STRING_MAX] })) {
        const id = String(key[1]);
        if (overlaid.has(id)) continue;
        seen.add(id);
        yield value;
      }
    }
    for (const id of overlaid) yield* emit(id);
  }

  /** Walks the collection in `_id` order, or an ordered field index, so a sort can stop at its limit. */
  private *inOrder(collection: string, field: string, reverse: boolean): Generator<Doc> {
    const { docs, keys } = this.db();
    if (field === '_id') {
      const range = reverse
        ? { start: [collection, STRING_MAX], end: [collection], reverse: true }
        : { start: [collection], end: [collection, STRING_MAX] };
      for (const { value } of docs.getRange(range)) yield value;
      return;
    }
    const range = reverse
      ? { start: [collection, field, STRING_MAX], end: [collection, field], reverse: true }
      : { start: [collection, field], end: [collection, field, STRING_MAX] };
    for (const key of keys.getKeys(range)) {
      const doc = docs.get(docKey(collection, String(key[3])));
      if (doc) yield doc;
    }
  }

  /** A sort the engine can stream: one key (optionally then `_id` the same way) on `_id` or an ordered index. */
  private streamableSort(collection: string, sort: FindOptions['sort']): { field: string; reverse: boolean } | undefined {
    if (!sort || sort.length === 0 || sort.length > 2) return undefined;
    const [[field, dir]] = sort;
    if (sort.length === 2 && (sort[1][0] !== '_id' || sort[1][1] !== dir || field === '_id')) return undefined;
    if (field !== '_id' && !this.layout(collection).ordered.has(field)) return undefined;
    return { field, reverse: dir === -1 };
  }

  private *findSync(collection: string, filter: Filter, options: FindOptions, overlay: Overlay | undefined): Generator<Doc> {
    const test = compileFilter(filter);
    const skip = options.skip ?? 0;
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    if (limit <= 0) return;
    const { plan, estimate } = this.choosePlan(collection, filter);
    const sort = options.sort ?? [];
    const streamable = this.streamableSort(collection, sort);
    const walk = streamable && estimate >= ESTIMATE_CAP && (overlay?.isChainEmpty ?? true) ? streamable : undefined;
    if (sort.length === 0 || walk) {
      // Results stream in candidate order (or index order), stopping at the limit.
      const source = walk ? this.inOrder(collection, walk.field, walk.reverse) : this.candidates(collection, plan, overlay);
      yield* page(source, test, skip, limit);
      return;
    }
    if (sort.length === 1 && sort[0][0] === '_id' && plan.kind !== 'scan') {
      // Sorted by id: order the candidate ids (read from the index, without loading documents), then load
      // documents in that order only until the page is full.
      const ids = [...this.candidateIds(collection, plan, overlay)].sort();
      if (sort[0][1] === -1) ids.reverse();
      const docs = mapIterable(ids, (id) => this.docAt(collection, id, overlay));
      yield* page(filterIterable(docs, (d): d is Doc => d !== undefined), test, skip, limit);
      return;
    }
    const matches: Doc[] = [];
    for (const doc of this.candidates(collection, plan, overlay)) {
      if (test(doc)) matches.push(doc);
    }
    matches.sort(docComparator(sort));
    yield* matches.slice(skip, skip + limit);
  }

  /** Candidate ids of an index plan, overlaid writes included. */
  private candidateIds(collection: string, plan: Plan, overlay: Overlay | undefined): Set<string> {
    const ids = new Set<string>(plan.kind === 'ids' ? plan.ids.map(storageId) : []);
    if (plan.kind === 'ranges') {
      for (const range of plan.ranges) for (const id of this.rangeIds(collection, range)) ids.add(id);
    }
    for (const id of overlay?.ids(collection) ?? []) ids.add(id);
    return ids;
  }

  private countSync(collection: string, filter: Filter, limit: number | undefined, overlay: Overlay | undefined): number {
    const test = compileFilter(filter);
    const { plan } = this.choosePlan(collection, filter);
    let n = 0;
    for (const doc of this.candidates(collection, plan, overlay)) {
      if (test(doc) && ++n === limit) break;
    }
    return n;
  }

  private *aggregateSync(collection: string, pipeline: readonly PipelineStage[], overlay: Overlay | undefined): Generator<Doc> {
    const first = pipeline[0];
    const match = first && '$match' in first ? (first.$match as Filter) : undefined;
    const source = this.findSync(collection, match ?? {}, {}, overlay);
    yield* runPipeline(source, match ? pipeline.slice(1) : pipeline);
  }

  // ---- transactions ----

  transaction<T>(work: (tx: StoreWriter) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, MAX_GROUP);
        if (this.failure !== undefined) {
          const refusal = this.failure instanceof StoreFullError ? this.failure : new Error(`the store refuses writes after a failed commit: ${String(this.failure)}`);
          for (const item of group) item.reject(refusal);
          continue;
        }
        const shortage = this.space.shortage();
        if (shortage !== undefined) {
          // Refused before anything runs: nothing of these transactions is stored, and nothing is latched.
          const refusal = new StoreFullError(shortage);
          for (const item of group) item.reject(refusal);
          continue;
        }
        const groupOverlay = new Overlay(this.inFlight[this.inFlight.length - 1]);
        const settled: Array<{ item: QueuedTransaction; ok: boolean; value: unknown }> = [];
        for (const item of group) {
          const own = new Overlay(groupOverlay);
          try {
            const value = await item.work(new EmbeddedWriter(this, own));
            own.mergeIntoParent();
            settled.push({ item, ok: true, value });
          } catch (error) {
            settled.push({ item, ok: false, value: error });
          }
        }
        for (const { item, ok, value } of settled) if (!ok) item.reject(value);
        const succeeded = settled.filter((s) => s.ok);
        if (groupOverlay.isEmpty) {
          for (const { item, value } of succeeded) item.resolve(value);
        } else {
          this.startCommit(groupOverlay, succeeded);
        }
        // Let requests arrive (and queue up for the next group) while this group is flushed.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.draining = false;
    }
  }

  private startCommit(overlay: Overlay, settled: Array<{ item: QueuedTransaction; value: unknown }>): void {
    this.inFlight.push(overlay);
    const started = performance.now();
    const commit = this.commit(overlay).then(
      () => {
        // Commits finish in order: this group is the oldest in flight; its writes are now in the store.
        this.inFlight.shift();
        this.inFlight[0]?.detachParent();
        this.onCommit?.(performance.now() - started, settled.length);
        for (const { item, value } of settled) item.resolve(value);
      },
      (error: unknown) => {
        this.failure ??= error;
        for (const { item } of settled) item.reject(error);
      },
    );
    const tracked = commit.finally(() => {
      this.commits.delete(tracked);
      // Every group built on the failed one has settled (refused): a store that was only full starts afresh.
      if (this.commits.size === 0 && this.failure instanceof StoreFullError) {
        this.inFlight.length = 0;
        this.failure = undefined;
      }
    });
    this.commits.add(tracked);
  }

  private async commit(overlay: Overlay): Promise<void> {
    try {
      await this.write(overlay);
    } catch (error) {
      // LMDB attaches a second promise to a failed commit; observed here so that it cannot crash the process.
      (error as { commitError?: Promise<unknown> } | undefined)?.commitError?.catch(() => undefined);
      if (error instanceof StoreFullError) throw error;
      throw this.space.explains(error) ? new StoreFullError(error instanceof Error ? error.message : String(error)) : error;
    }
  }

  private async write(overlay: Overlay): Promise<void> {
    const { env, docs, keys } = this.db();
    await env.transaction(() => {
      // A group built on a group whose commit failed must not be stored either.
      if (this.failure !== undefined) throw this.failure instanceof StoreFullError ? this.failure : new Error('an earlier group of writes failed to commit');
      for (const [collection, sid, doc] of overlay.entries()) {
        const layout = this.layout(collection);
        const old = docs.get(docKey(collection, sid));
        if (old) {
          for (const [path, value] of indexEntries(old, layout)) keys.removeSync(indexKey(collection, path, value, sid));
        }
        if (doc) {
          docs.putSync(docKey(collection, sid), doc);
          for (const [path, value] of indexEntries(doc, layout)) keys.putSync(indexKey(collection, path, value, sid), EMPTY);
        } else if (old) {
          docs.removeSync(docKey(collection, sid));
        }
      }
    });
    // LMDB (overlappingSync) reports a commit when it is visible; durability is the flush that follows,
    // which runs in parallel with the next groups' commits.
    if (this.options.fsync !== false) await env.flushed;
  }

  // used by EmbeddedWriter (ids are storage ids)
  readInTx(collection: string, sid: string, overlay: Overlay): Doc | undefined {
    return this.docAt(collection, sid, overlay);
  }
  findInTx(collection: string, filter: Filter, options: FindOptions, overlay: Overlay): Generator<Doc> {
    return this.findSync(collection, filter, options, overlay);
  }
  countInTx(collection: string, filter: Filter, limit: number | undefined, overlay: Overlay): number {
    return this.countSync(collection, filter, limit, overlay);
  }
  aggregateInTx(collection: string, pipeline: readonly PipelineStage[], overlay: Overlay): Generator<Doc> {
    return this.aggregateSync(collection, pipeline, overlay);
  }
}

const EMPTY = Buffer.alloc(0);

/** A transaction's view: reads see committed data under the group's and its own uncommitted writes. */
class EmbeddedWriter implements StoreWriter {
  constructor(
    private readonly engine: EmbeddedEngine,
    private readonly overlay: Overlay,
  ) {}

  async get(collection: string, id: string): Promise<Doc | undefined> {
    return this.engine.readInTx(collection, storageId(id), this.overlay);
  }
  find(collection: string, filter: Filter, options: FindOptions = {}): AsyncIterable<Doc> {
    return toAsync(this.engine.findInTx(collection, filter, options, this.overlay));
  }
  async count(collection: string, filter: Filter, limit?: number): Promise<number> {
    return this.engine.countInTx(collection, filter, limit, this.overlay);
  }
  aggregate(collection: string, pipeline: readonly PipelineStage[]): AsyncIterable<Doc> {
    return toAsync(this.engine.aggregateInTx(collection, pipeline, this.overlay));
  }
  async insert(collection: string, doc: Doc): Promise<void> {
    const sid = storageId(doc._id);
    if (this.engine.readInTx(collection, sid, this.overlay)) throw new DuplicateKeyError(collection, doc._id);
    this.overlay.set(collection, sid, doc);
  }
  async put(collection: string, doc: Doc): Promise<void> {
    this.overlay.set(collection, storageId(doc._id), doc);
  }
  async replaceIf(collection: string, doc: Doc, field: string, expected: unknown): Promise<boolean> {
    const sid = storageId(doc._id);
    const current = this.engine.readInTx(collection, sid, this.overlay);
    const ok = expected === undefined ? current === undefined : current !== undefined && current[field] === expected;
    if (ok) this.overlay.set(collection, sid, doc);
    return ok;
  }
  async remove(collection: string, id: string): Promise<void> {
    this.overlay.set(collection, storageId(id), null);
  }
}

function* mapIterable<A, B>(source: Iterable<A>, fn: (a: A) => B): Generator<B> {
  for (const a of source) yield fn(a);
}

function* filterIterable<A, B extends A>(source: Iterable<A>, keep: (a: A) => a is B): Generator<B> {
  for (const a of source) if (keep(a)) yield a;
}

/** The documents of `source` that pass `test`, after skipping `skip` of them, at most `limit`. */
function* page(source: Iterable<Doc>, test: (doc: Doc) => boolean, skip: number, limit: number): Generator<Doc> {
  let skipped = 0;
  let taken = 0;
  for (const doc of source) {
    if (!test(doc)) continue;
    if (skipped < skip) {
      skipped++;
      continue;
    }
    yield doc;
    if (++taken >= limit) return;
  }
}

async function* toAsync<T>(source: Iterable<T>): AsyncGenerator<T> {
  yield* source;
}
