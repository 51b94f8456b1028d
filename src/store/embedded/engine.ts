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
import { docKey, indexKey, indexRange, keyString, STRING_MAX, storageId } from './key-encoding';
import { compileFilter, runPipeline } from './mingo';
import type { Atom } from './atoms';
import { atomsOf, boundsOf } from './atoms';
import { docComparator } from './order';
import { Overlay } from './overlay';
import type { KeyRange, Plan } from './planner';
import { candidatePlans } from './planner';
import { DEFAULT_MIN_FREE_BYTES, FreeSpace } from './space';

/** Plans are compared by their entries up to this many. */
const ESTIMATE_CAP = 5000;
const MAX_GROUP = 500;
/** An index range with at most this many entries is taken without estimating the other candidate plans. */
const GOOD_ENOUGH = 100;
/** How long a collection's document count is reused for planning. */
const SIZE_TTL_MS = 10_000;
/** Rough costs (µs) for choosing between reading candidates and walking an ordered index (measured on the 2-core machine). */
const COST_CANDIDATE_KEY = 2;
const COST_WALK_KEY = 4;
const COST_LOAD = 15;

/** Key checks for one query: a committed candidate failing one cannot match (see atoms.ts). */
interface Probe {
  readonly has: ReadonlyArray<{ readonly path: string; readonly values: readonly (string | number | boolean)[] }>;
  readonly lacks: ReadonlyArray<{ readonly path: string; readonly value: string | number | boolean }>;
  readonly ids?: ReadonlySet<string>;
}

const NO_PROBE: Probe = { has: [], lacks: [] };

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
  private readonly sizes = new Map<string, { n: number; at: number }>();
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
      total += this.rangeCount(collection, range, ESTIMATE_CAP - total);
      if (total >= ESTIMATE_CAP) return ESTIMATE_CAP;
    }
    return total;
  }

  /** The number of index entries in a range, counted by LMDB without decoding keys (at most `limit`). */
  private rangeCount(collection: string, range: KeyRange, limit?: number): number {
    return this.countKeys(indexRange(collection, range.path, range.lo, range.hi), limit);
  }

  /**
   * Entries between two keys, at most `limit`. LMDB's count ignores a limit, so a capped count first asks
   * whether the limit-th entry exists (LMDB skips to it natively).
   */
  private countKeys(range: { start: Key; end: Key }, limit?: number): number {
    const { keys } = this.db();
    if (limit !== undefined) {
      if (limit <= 0) return 0;
      for (const _ of keys.getKeys({ ...range, offset: limit - 1, limit: 1 })) return limit;
    }
    // (getKeysCount marks the options it is given as a count: never hand it a range used again.)
    return keys.getKeysCount({ ...range });
  }

  /** The number of documents in a collection, counted by LMDB, reused for SIZE_TTL_MS (for planning only). */
  private collectionSize(collection: string): number {
    const now = Date.now();
    const cached = this.sizes.get(collection);
    if (cached && now - cached.at < SIZE_TTL_MS) return cached.n;
    const n = this.db().docs.getKeysCount({ start: [collection], end: [collection, STRING_MAX] });
    this.sizes.set(collection, { n, at: now });
    return n;
  }

  /** The key checks of a query's atoms, leaving out the one the plan already reads. */
  private probeOf(atoms: readonly Atom[], plan: Plan): Probe {
    const has: Array<Probe['has'][number]> = [];
    const lacks: Array<Probe['lacks'][number]> = [];
    let ids: Set<string> | undefined;
    const single = plan.kind === 'ranges' && plan.ranges.length === 1 && plan.ranges[0].lo === plan.ranges[0].hi ? plan.ranges[0] : undefined;
    for (const atom of atoms) {
      if (atom.kind === 'has') {
        if (single && atom.values.length === 1 && atom.path === single.path && atom.values[0] === single.lo) continue;
        has.push({ path: atom.path, values: atom.values.map((v) => (typeof v === 'string' ? keyString(v) : v)) });
      } else if (atom.kind === 'lacks') {
        lacks.push({ path: atom.path, value: typeof atom.value === 'string' ? keyString(atom.value) : atom.value });
      } else if (plan.kind !== 'ids') {
        const these = new Set(atom.ids.map(storageId));
        ids = ids ? new Set([...ids].filter((id) => these.has(id))) : these;
      }
    }
    return has.length === 0 && lacks.length === 0 && !ids ? NO_PROBE : { has, lacks, ids };
  }

  /** Whether a committed document passes the key checks (not the whole query). */
  private passes(collection: string, sid: string, probe: Probe): boolean {
    if (probe === NO_PROBE) return true;
    const { keys } = this.db();
    if (probe.ids && !probe.ids.has(sid)) return false;
    for (const { path, values } of probe.has) {
      if (!values.some((v) => keys.doesExist(indexKey(collection, path, v, sid)))) return false;
    }
    for (const { path, value } of probe.lacks) {
      if (keys.doesExist(indexKey(collection, path, value, sid))) return false;
    }
    return true;
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
  private *candidates(collection: string, plan: Plan, overlay: Overlay | undefined, probe: Probe = NO_PROBE): Generator<Doc> {
    const overlaid = overlay?.ids(collection) ?? new Set<string>();
    // One equality range lists each document once; ids, several ranges or a value range may repeat one.
    const single = plan.kind === 'ranges' && plan.ranges.length === 1 && plan.ranges[0].lo === plan.ranges[0].hi;
    const seen = new Set<string>();
    const emit = function* (this: EmbeddedEngine, id: string, committed: boolean): Generator<Doc> {
      // An overlaid document is read from the overlay, once, after the committed candidates.
      if (committed && overlaid.has(id)) return;
      if (!single || !committed) {
        if (seen.has(id)) return;
        seen.add(id);
      }
      if (committed && !this.passes(collection, id, probe)) return;
      const doc = this.docAt(collection, id, overlay);
      if (doc) yield doc;
    }.bind(this);
    if (plan.kind === 'ids') {
      for (const id of plan.ids) yield* emit(storageId(id), true);
    } else if (plan.kind === 'ranges') {
      for (const range of plan.ranges) {
        for (const id of this.rangeIds(collection, range)) yield* emit(id, true);
      }
    } else {
      for (const { key, value } of this.db().docs.getRange({ start: [collection], end: [collection, STRING_MAX] })) {
        if (overlaid.has(String(key[1]))) continue;
        yield value;
      }
    }
    for (const id of overlaid) yield* emit(id, false);
  }

  /**
   * Walks the collection in `_id` order, or an ordered field index, so a sort can stop at its limit; from
   * the query's bounds on the field on, and skipping documents whose keys already rule them out.
   */
  private *inOrder(collection: string, field: string, reverse: boolean, filter: Filter, probe: Probe): Generator<Doc> {
    const { docs, keys } = this.db();
    const { lo, hi } = boundsOf(filter, field);
    if (field === '_id') {
      const from = typeof lo === 'string' ? storageId(lo) : undefined;
      const to = typeof hi === 'string' ? storageId(hi) : undefined;
      const range = reverse
        ? { start: [collection, to ?? STRING_MAX], end: [collection], reverse: true }
        : { start: from === undefined ? [collection] : [collection, from], end: [collection, STRING_MAX] };
      if (probe === NO_PROBE) {
        for (const { value } of docs.getRange(range)) yield value;
        return;
      }
      for (const key of docs.getKeys(range)) {
        const sid = String(key[1]);
        if (!this.passes(collection, sid, probe)) continue;
        const doc = docs.get(docKey(collection, sid));
        if (doc) yield doc;
      }
      return;
    }
    const start = reverse ? (hi === undefined ? [collection, field, STRING_MAX] : [collection, field, hi, STRING_MAX]) : lo === undefined ? [collection, field] : [collection, field, lo];
    const end = reverse ? (lo === undefined ? [collection, field] : [collection, field, lo]) : hi === undefined ? [collection, field, STRING_MAX] : [collection, field, hi, STRING_MAX];
    for (const key of keys.getKeys({ start, end, reverse })) {
      const sid = String(key[3]);
      if (!this.passes(collection, sid, probe)) continue;
      const doc = docs.get(docKey(collection, sid));
      if (doc) yield doc;
    }
  }

  /**
   * The candidates of equality ranges in storage-id order (each range is already in that order; several
   * are merged), from the query's `_id` bound on: a sort on `_id` then stops at its limit.
   */
  private *idOrdered(collection: string, ranges: readonly KeyRange[], reverse: boolean, filter: Filter, probe: Probe): Generator<Doc> {
    const { docs, keys } = this.db();
    const { lo, hi } = boundsOf(filter, '_id');
    const iterators = ranges.map((r) => {
      const start = reverse ? [collection, keyString(r.path), r.lo, typeof hi === 'string' ? storageId(hi) : STRING_MAX] : [collection, keyString(r.path), r.lo, ...(typeof lo === 'string' ? [storageId(lo)] : [])];
      const end = reverse ? [collection, keyString(r.path), r.lo] : [collection, keyString(r.path), r.lo, STRING_MAX];
      return keys.getKeys({ start, end, reverse })[Symbol.iterator]();
    });
    const heads = iterators.map((it) => {
      const n = it.next();
      return n.done ? undefined : String(n.value[3]);
    });
    let last: string | undefined;
    try {
      for (;;) {
        let at = -1;
        for (let i = 0; i < heads.length; i++) {
          const h = heads[i];
          if (h === undefined) continue;
          if (at < 0 || (reverse ? h > (heads[at] as string) : h < (heads[at] as string))) at = i;
        }
        if (at < 0) return;
        const sid = heads[at] as string;
        const n = iterators[at].next();
        heads[at] = n.done ? undefined : String(n.value[3]);
        if (sid === last) continue;
        last = sid;
        if (!this.passes(collection, sid, probe)) continue;
        const doc = docs.get(docKey(collection, sid));
        if (doc) yield doc;
      }
    } finally {
      // A page that stopped early closes the LMDB cursors it left open.
      for (const it of iterators) it.return?.();
    }
  }

  /**
   * Whether walking an ordered index (testing documents as they come) is cheaper than reading the plan's
   * candidates and sorting them: the walk stops after `wanted` matches, whose spacing in the walk follows
   * from the estimated share of matching documents (the plan's estimate, narrowed by the other atoms').
   */
  private walkIsCheaper(collection: string, plan: Plan, estimate: number, probe: Probe, wanted: number): boolean {
    if (plan.kind === 'scan') return true;
    // Reading every candidate cannot cost more than the shortest walk: no need to estimate the walk.
    if (estimate < ESTIMATE_CAP && estimate * (COST_CANDIDATE_KEY + COST_LOAD) <= wanted * (COST_WALK_KEY + COST_LOAD)) return false;
    const size = Math.max(1, this.collectionSize(collection));
    let share = Math.min(1, estimate / size);
    for (const { path, values } of probe.has) {
      let n = 0;
      for (const v of values) n += this.rangeCount(collection, { path, lo: v, hi: v }, ESTIMATE_CAP);
      share *= Math.min(1, n / size);
    }
    const matches = Math.max(1, share * size);
    const walk = Math.min(size, (wanted * size) / matches) * COST_WALK_KEY + wanted * COST_LOAD;
    const read = estimate * COST_CANDIDATE_KEY + matches * COST_LOAD;
    return walk < read;
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
    const { atoms } = atomsOf(filter, this.layout(collection));
    const probe = this.probeOf(atoms, plan);
    const sort = options.sort ?? [];
    if (sort.length === 0) {
      // Results stream in candidate order, stopping at the limit.
      yield* page(this.candidates(collection, plan, overlay, probe), test, skip, limit);
      return;
    }
    const streamable = this.streamableSort(collection, sort);
    if (streamable && (overlay?.isChainEmpty ?? true)) {
      const wanted = limit === Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : skip + limit;
      if (streamable.field === '_id' && plan.kind === 'ranges' && plan.ranges.every((r) => r.lo === r.hi)) {
        yield* page(this.idOrdered(collection, plan.ranges, streamable.reverse, filter, probe), test, skip, limit);
        return;
      }
      if (wanted !== Number.MAX_SAFE_INTEGER && this.walkIsCheaper(collection, plan, estimate, probe, wanted)) {
        // The walk reads the ordered index, not the plan's range: it checks every atom, the plan's too.
        yield* page(this.inOrder(collection, streamable.field, streamable.reverse, filter, this.probeOf(atoms, { kind: 'scan' })), test, skip, limit);
        return;
      }
    }
    if (sort.length === 1 && sort[0][0] === '_id' && plan.kind !== 'scan') {
      // Sorted by id: order the candidate ids (read from the index, without loading documents), then load
      // documents in that order only until the page is full.
      const overlaid = overlay?.ids(collection) ?? new Set<string>();
      const ids = [...this.candidateIds(collection, plan, overlay)].filter((id) => overlaid.has(id) || this.passes(collection, id, probe)).sort();
      if (sort[0][1] === -1) ids.reverse();
      const docs = mapIterable(ids, (id) => this.docAt(collection, id, overlay));
      yield* page(filterIterable(docs, (d): d is Doc => d !== undefined), test, skip, limit);
      return;
    }
    const matches: Doc[] = [];
    for (const doc of this.candidates(collection, plan, overlay, probe)) {
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
    const { atoms, exact } = atomsOf(filter, this.layout(collection));
    if (exact && (overlay?.ids(collection).size ?? 0) === 0) {
      const n = this.countFromKeys(collection, atoms, limit);
      if (n !== undefined) return n;
    }
    const test = compileFilter(filter);
    const { plan } = this.choosePlan(collection, filter);
    const probe = this.probeOf(atoms, plan);
    let n = 0;
    for (const doc of this.candidates(collection, plan, overlay, probe)) {
      if (test(doc) && ++n === limit) break;
    }
    return n;
  }

  /**
   * The count of a query made only of atoms, from index keys alone: LMDB counts an equality range without
   * decoding it, and the few documents a `lacks` atom excludes (tombstones) are checked one by one. Undefined
   * when the keys would cost more than the documents (the caller then counts documents).
   */
  private countFromKeys(collection: string, atoms: readonly Atom[], limit: number | undefined): number | undefined {
    const cap = (n: number): number => (limit === undefined ? n : Math.min(n, limit));
    const { docs, keys } = this.db();
    const has = atoms.filter((a): a is Extract<Atom, { kind: 'has' }> => a.kind === 'has');
    const lacks = atoms.filter((a): a is Extract<Atom, { kind: 'lacks' }> => a.kind === 'lacks');
    const idAtoms = atoms.filter((a): a is Extract<Atom, { kind: 'ids' }> => a.kind === 'ids');
    const probeAll: Probe = {
      has: has.map((a) => ({ path: a.path, values: a.values })),
      lacks: lacks.map((a) => ({ path: a.path, value: a.value })),
    };
    if (idAtoms.length > 0) {
      // Ids first: check each against the other atoms (a `has` atom also proves the document exists).
      const [first, ...rest] = idAtoms;
      const others = rest.map((a) => new Set(a.ids));
      let n = 0;
      for (const id of new Set(first.ids)) {
        if (!others.every((o) => o.has(id))) continue;
        const sid = storageId(id);
        if ((has.length > 0 || docs.doesExist(docKey(collection, sid))) && this.passes(collection, sid, probeAll)) n++;
      }
      return cap(n);
    }
    // The documents a `lacks` atom excludes, when there are few (tombstones): checked one by one below.
    const excluded = new Set<string>();
    for (const { path, value } of lacks) {
      const range = indexRange(collection, path, value, value);
      if (this.countKeys(range, ESTIMATE_CAP + 1) > ESTIMATE_CAP) return undefined;
      for (const key of keys.getKeys(range)) excluded.add(String(key[3]));
    }
    if (has.length === 0) {
      // Every document, less those excluded.
      return cap(docs.getKeysCount({ start: [collection], end: [collection, STRING_MAX] }) - excluded.size);
    }
    if (has.length === 1 && has[0].values.length === 1) {
      const [{ path, values }] = has;
      const range = indexRange(collection, path, values[0], values[0]);
      let n = this.countKeys(range, limit === undefined ? undefined : limit + excluded.size);
      for (const sid of excluded) if (keys.doesExist(indexKey(collection, path, values[0], sid))) n--;
      return cap(n);
    }
    // Several atoms: walk the smallest one's keys and check the others.
    const sizes = has.map((a) => a.values.reduce<number>((sum, v) => sum + keys.getKeysCount(indexRange(collection, a.path, v, v)), 0));
    const driver = sizes.indexOf(Math.min(...sizes));
    if (sizes[driver] > 100_000) return undefined;
    const { path, values } = has[driver];
    const rest: Probe = { has: probeAll.has.filter((_, i) => i !== driver), lacks: [] };
    const counted = values.length > 1 ? new Set<string>() : undefined;
    let n = 0;
    for (const v of values) {
      for (const key of keys.getKeys(indexRange(collection, path, v, v))) {
        const sid = String(key[3]);
        if (counted) {
          if (counted.has(sid)) continue;
          counted.add(sid);
        }
        if (excluded.has(sid) || !this.passes(collection, sid, rest)) continue;
        if (++n === limit) return n;
      }
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
