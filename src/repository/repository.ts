/**
 * The repository: versioned FHIR resources on the storage port.
 *
 * It owns resource identity and versions (meta.versionId / meta.lastUpdated), tombstones and history, and
 * it is the single gateway every query passes through (`scoped`), where the access policy adds its filter.
 * It knows nothing of HTTP; interactions (src/fhir/interactions) call it.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context';
import { fail } from '../fhir/outcomes';
import { indexResource } from '../search/indexer';
import type { SearchParamRegistry } from '../search/registry';
import type { Doc, Filter, FindOptions, PipelineStage, StorageEngine, StoreReader, StoreWriter } from '../store/port';
import { AccessStamps } from '../access/stamps';
import type { AccessPolicy } from './access';
import type { CurrentDoc, HistoryDoc, HistoryMethod } from './documents';
import { HISTORY, HISTORY_INDEXES, historyId, LOCKS, resourceIndexes } from './documents';

export interface RepositoryDeps {
  readonly engine: StorageEngine;
  readonly registry: SearchParamRegistry;
  readonly access: AccessPolicy;
  readonly newId: () => string;
  /** Run inside every write transaction, before commit, in this order (access stamps, domain rules, audit). */
  readonly hooks?: readonly WriteHook[];
  /** Run on every version as it is stored, in this order (src/workflow). */
  readonly transforms?: readonly WriteTransform[];
}

/**
 * A change to what is written, made as the version is stored (routing a referral to its receiver, stamping
 * its time limit, activating a Subscription). Runs inside the transaction for every version a write path
 * stores; it must keep the resource valid (validation ran before) and return it unchanged when it does not apply.
 */
export interface WriteTransform {
  readonly name: string;
  apply(writer: RepoWriter, resource: Resource, previous: Resource | undefined): Promise<Resource>;
}

/** One resource version a write transaction produced, as the write hooks see it. */
export interface WriteChange {
  readonly method: HistoryMethod;
  readonly resourceType: string;
  readonly id: string;
  readonly vid: number;
  /** The live version this one replaced (undefined for a create, or a revival after a delete). */
  readonly previous?: Resource;
  /** The new version (undefined for a delete). */
  readonly resource?: Resource;
}

/**
 * The write seam: every write path (create, update, patch, delete, conditional writes, batch and transaction
 * entries, operations that write) ends in `Repository.write`, which calls each hook once, inside the store
 * transaction and before its commit, with all the changes the transaction made. A hook that throws aborts
 * the whole transaction: nothing is stored. Writes a hook makes itself (`put(…, { hooks: false })`) are not
 * handed to the hooks again.
 */
export interface WriteHook {
  readonly name: string;
  beforeCommit(writer: RepoWriter, changes: readonly WriteChange[]): Promise<void>;
}

/** A stored version as interactions see it. */
export interface Version {
  readonly resourceType: string;
  readonly id: string;
  readonly vid: number;
  readonly ts: number;
  readonly deleted: boolean;
  readonly resource?: Resource;
  readonly method?: HistoryMethod;
}

export const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

/** What interactions use: a repository, or a transaction's scope over one writer (see WriterScope). */
export interface ResourceAccess {
  newId(): string;
  reader(ctx: RequestContext): RepoReader;
  write<T>(ctx: RequestContext, work: (w: RepoWriter) => Promise<T>): Promise<T>;
  readonly registry: SearchParamRegistry;
}

export class Repository implements ResourceAccess {
  constructor(private readonly deps: RepositoryDeps) {}

  get engine(): StorageEngine {
    return this.deps.engine;
  }

  get registry(): SearchParamRegistry {
    return this.deps.registry;
  }

  /** Creates the collections' indexes for the given resource types (idempotent). */
  async ensureIndexes(resourceTypes: readonly string[]): Promise<void> {
    await this.deps.engine.ensureIndexes(HISTORY, HISTORY_INDEXES);
    for (const type of resourceTypes) await this.deps.engine.ensureIndexes(type, resourceIndexes(type));
  }

  newId(): string {
    return this.deps.newId();
  }

  /** Read access on committed data. */
  reader(ctx: RequestContext): RepoReader {
    return new RepoReader(ctx, this.deps, this.deps.engine);
  }

  /** Runs `work` in one store transaction: all of its writes are stored, or none. */
  write<T>(ctx: RequestContext, work: (w: RepoWriter) => Promise<T>): Promise<T> {
    return this.deps.engine.transaction(async (tx) => {
      const writer = new RepoWriter(ctx, this.deps, tx);
      const result = await work(writer);
      await writer.finish();
      return result;
    });
  }
}

export class RepoReader {
  constructor(
    readonly ctx: RequestContext,
    protected readonly deps: RepositoryDeps,
    protected readonly store: StoreReader,
  ) {}

  /** The single place queries meet the access policy. */
  scoped(resourceType: string, filter: Filter): Filter {
    const extra = this.deps.access.scope(this.ctx, resourceType);
    if (!extra) return filter;
    return Object.keys(filter).length === 0 ? extra : { $and: [filter, extra] };
  }

  protected async current(resourceType: string, id: string): Promise<CurrentDoc | undefined> {
    const scope = this.deps.access.scope(this.ctx, resourceType);
    if (!scope) return (await this.store.get(resourceType, id)) as CurrentDoc | undefined;
    for await (const doc of this.store.find(resourceType, { $and: [{ _id: id }, scope] }, { limit: 1 })) return doc as CurrentDoc;
    return undefined;
  }

  /** The current version, including a tombstone; undefined if the id was never used. */
  async currentVersion(resourceType: string, id: string): Promise<Version | undefined> {
    const doc = await this.current(resourceType, id);
    return doc ? toVersion(resourceType, doc) : undefined;
  }

  /** read: the live resource, 404 if unknown, 410 if deleted. */
  async read(resourceType: string, id: string): Promise<Version> {
    const v = await this.currentVersion(resourceType, id);
    if (!v) throw fail(404, 'not-found', `${resourceType}/${id} is not known`);
    if (v.deleted) throw fail(410, 'deleted', `${resourceType}/${id} was deleted`);
    return v;
  }

  /** vread: one version, 404 if it never existed, 410 if it is a deletion. */
  async vread(resourceType: string, id: string, vid: number): Promise<Version> {
    const doc = Number.isInteger(vid) && vid > 0 ? await this.store.get(HISTORY, historyId(resourceType, id, vid)) : undefined;
    if (!doc || !(await this.current(resourceType, id))) {
      throw fail(404, 'not-found', `${resourceType}/${id}/_history/${vid} is not known`);
    }
    const v = historyToVersion(doc as HistoryDoc);
    if (v.deleted) throw fail(410, 'deleted', `${resourceType}/${id}/_history/${vid} is a deletion`);
    return v;
  }

  /** Current documents of one type matching a query, through the access scope. */
  find(resourceType: string, filter: Filter, options?: FindOptions): AsyncIterable<Doc> {
    return this.store.find(resourceType, this.scoped(resourceType, filter), options);
  }

  count(resourceType: string, filter: Filter, limit?: number): Promise<number> {
    return this.store.count(resourceType, this.scoped(resourceType, filter), limit);
  }

  /** An aggregation pipeline over current documents of one type; the access scope is its first stage. */
  aggregate(resourceType: string, pipeline: readonly PipelineStage[]): AsyncIterable<Doc> {
    const scope = this.scoped(resourceType, { deleted: { $ne: true } });
    return this.store.aggregate(resourceType, [{ $match: scope }, ...pipeline]);
  }

  /**
   * History entries, newest first, for an instance, a type or the whole system. Paging is by cursor (the
   * last entry's position), so entries written meanwhile never shift later pages.
   */
  async history(query: HistoryQuery): Promise<{ versions: Version[]; next?: string }> {
    const clauses: Filter[] = [];
    if (query.resourceType && query.id) clauses.push({ rid: `${query.resourceType}/${query.id}` });
    else if (query.resourceType) clauses.push({ t: query.resourceType });
    if (query.since !== undefined) clauses.push({ ts: { $gte: query.since } });
    if (query.at !== undefined) clauses.push({ ts: { $lte: query.at } });
    if (query.cursor) {
      const [ts, id] = decodeCursor(query.cursor);
      clauses.push({ $or: [{ ts: { $lt: ts } }, { ts, _id: { $lt: id } }] });
    }
    const scope = this.deps.access.scope(this.ctx, query.resourceType ?? '*');
    if (scope) clauses.push(scope);
    const filter = clauses.length === 0 ? {} : clauses.length === 1 ? clauses[0] : { $and: clauses };
    const docs: HistoryDoc[] = [];
    const sort = [['ts', -1], ['_id', -1]] as const;
    for await (const doc of this.store.find(HISTORY, filter, { sort, limit: query.count + 1 })) docs.push(doc as HistoryDoc);
    const more = docs.length > query.count;
    const page = docs.slice(0, query.count);
    const last = page[page.length - 1];
    return { versions: page.map(historyToVersion), next: more && last ? encodeCursor(last.ts, last._id) : undefined };
  }

  /** Number of history entries (instance history only: cheap and bounded). */
  historyCount(resourceType: string, id: string): Promise<number> {
    return this.store.count(HISTORY, { rid: `${resourceType}/${id}` });
  }
}

export interface HistoryQuery {
  readonly resourceType?: string;
  readonly id?: string;
  /** Only entries at or after this time (ms). */
  readonly since?: number;
  /** Only entries at or before this time (ms). */
  readonly at?: number;
  readonly count: number;
  readonly cursor?: string;
}

function encodeCursor(ts: number, id: string): string {
  return Buffer.from(JSON.stringify([ts, id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') return [value[0], value[1]];
  } catch {
    // fall through
  }
  throw fail(400, 'invalid', 'the paging cursor is not valid');
}

const MAX_CAS_RETRIES = 20;
const MAX_HOOK_ROUNDS = 4;

export class RepoWriter extends RepoReader {
  constructor(
    ctx: RequestContext,
    deps: RepositoryDeps,
    private readonly tx: StoreWriter,
  ) {
    super(ctx, deps, tx);
  }

  private readonly changes: WriteChange[] = [];
  private stampsOfTx?: AccessStamps;
  private get stamps(): AccessStamps {
    this.stampsOfTx ??= new AccessStamps(this.tx, this.ctx);
    return this.stampsOfTx;
  }

  /** The changes made so far in this transaction that the hooks will see. */
  pendingChanges(): readonly WriteChange[] {
    return this.changes;
  }

  /** Runs the write hooks over the transaction's changes (Repository.write calls it before commit). */
  async finish(): Promise<void> {
    // Writes a hook makes (a rule booking a Slot) are changes too: they pass every hook in the next round.
    for (let round = 0; this.changes.length > 0; round++) {
      if (round === MAX_HOOK_ROUNDS) throw new Error('write hooks keep writing: more than ' + MAX_HOOK_ROUNDS + ' rounds');
      await this.stampsOfTx?.complete();
      const changes = this.changes.splice(0);
      for (const hook of this.deps.hooks ?? []) await hook.beforeCommit(this, changes);
    }
  }

  /** Direct access to the transaction, for hooks that keep their own collections (access grants, outbox). */
  get transaction(): StoreWriter {
    return this.tx;
  }

  /**
   * Serialises conditional writes on one key across concurrent transactions (MongoDB cannot lock a search
   * that matched nothing; writing the same lock document makes racing transactions conflict instead).
   */
  async lock(key: string): Promise<void> {
    await this.tx.put(LOCKS, { _id: key, ts: this.ctx.now().getTime() });
  }

  newId(): string {
    return this.deps.newId();
  }

  /**
   * Writes a new version of `resource` (create when no version exists, else update).
   * `expectVid`: the If-Match version (412 on mismatch); `mustNotExist`: a create with a server id.
   */
  async put(
    resource: Resource,
    options: { method: HistoryMethod; expectVid?: number; mustNotExist?: boolean; hooks?: false },
  ): Promise<{ version: Version; created: boolean }> {
    const type = resource.resourceType;
    const id = resource.id;
    if (!id || !ID_PATTERN.test(id)) throw fail(400, 'invalid', `'${id ?? ''}' is not a valid resource id`, [`${type}.id`]);
    const ts = this.ctx.now().getTime();
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      const existing = (await this.tx.get(type, id)) as CurrentDoc | undefined;
      this.deps.access.checkWrite?.(this.ctx, type, id, existing, resource);
      if (existing && options.mustNotExist) throw fail(409, 'duplicate', `${type}/${id} already exists`);
      if (options.expectVid !== undefined && existing?.vid !== options.expectVid) {
        throw fail(412, 'conflict', `version conflict: ${type}/${id} is at version ${existing?.vid ?? 'none'}, not ${options.expectVid}`);
      }
      const vid = (existing?.vid ?? 0) + 1;
      let content = resource;
      for (const transform of options.hooks === false ? [] : (this.deps.transforms ?? [])) content = await transform.apply(this, content, existing?.deleted ? undefined : existing?.res);
      const stored: Resource = {
        ...content,
        meta: { ...resource.meta, versionId: String(vid), lastUpdated: new Date(Math.max(ts, (existing?.ts ?? 0) + 1)).toISOString() },
      };
      const lastUpdated = Date.parse(stored.meta?.lastUpdated ?? '');
      const index = indexResource(stored, this.deps.registry, { baseUrl: this.ctx.baseUrl });
      const access = await this.stamps.stamp({ resourceType: type, existing, resource: stored, comp: index.comp });
      const doc: CurrentDoc = { _id: id, vid, ts: lastUpdated, res: stored, idx: index.idx, srt: index.srt, srd: index.srd, comp: index.comp, ...access };
      if (!(await this.tx.replaceIf(type, doc, 'vid', existing?.vid))) continue;
      const history: HistoryDoc = { _id: historyId(type, id, vid), rid: `${type}/${id}`, t: type, id, vid, ts: lastUpdated, m: options.method, res: stored, ...access };
      await this.tx.insert(HISTORY, history);
      const created = !existing || existing.deleted === true;
      if (options.hooks !== false) this.changes.push({ method: options.method, resourceType: type, id, vid, previous: created ? undefined : existing?.res, resource: stored });
      return { version: toVersion(type, doc), created };
    }
    throw fail(409, 'conflict', `${type}/${id} is being updated concurrently; retry`);
  }

  /** Deletes the live resource (new tombstone version); returns undefined when there was nothing live. */
  async remove(resourceType: string, id: string, options: { expectVid?: number } = {}): Promise<Version | undefined> {
    const ts = this.ctx.now().getTime();
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      const existing = (await this.current(resourceType, id)) as CurrentDoc | undefined;
      if (options.expectVid !== undefined && existing?.vid !== options.expectVid) {
        throw fail(412, 'conflict', `version conflict: ${resourceType}/${id} is at version ${existing?.vid ?? 'none'}, not ${options.expectVid}`);
      }
      if (!existing || existing.deleted) return undefined;
      this.deps.access.checkWrite?.(this.ctx, resourceType, id, existing, undefined);
      const vid = existing.vid + 1;
      const stamp = Math.max(ts, existing.ts + 1);
      // The tombstone keeps the access stamps, so those who saw the resource learn it was deleted (410).
      const access = { acl: existing.acl, own: existing.own };
      const doc: CurrentDoc = { _id: id, vid, ts: stamp, deleted: true, ...access };
      if (!(await this.tx.replaceIf(resourceType, doc, 'vid', existing.vid))) continue;
      const history: HistoryDoc = { _id: historyId(resourceType, id, vid), rid: `${resourceType}/${id}`, t: resourceType, id, vid, ts: stamp, m: 'DELETE', deleted: true, ...access };
      await this.tx.insert(HISTORY, history);
      // A deleted relationship (a referral Task, an encounter) may end an organization's access.
      this.stamps.removed(resourceType, existing);
      this.changes.push({ method: 'DELETE', resourceType, id, vid, previous: existing.res });
      return toVersion(resourceType, doc);
    }
    throw fail(409, 'conflict', `${resourceType}/${id} is being updated concurrently; retry`);
  }
}

export function toVersion(resourceType: string, doc: CurrentDoc): Version {
  return { resourceType, id: doc._id, vid: doc.vid, ts: doc.ts, deleted: doc.deleted === true, resource: doc.res };
}

function historyToVersion(doc: HistoryDoc): Version {
  return { resourceType: doc.t, id: doc.id, vid: doc.vid, ts: doc.ts, deleted: doc.deleted === true, resource: doc.res, method: doc.m };
}

/**
 * The repository as seen from inside a transaction Bundle: every read and write of every entry goes
 * through the one transaction writer, so entries see each other's writes and commit or fail together.
 */
export class WriterScope implements ResourceAccess {
  constructor(
    private readonly writer: RepoWriter,
    private readonly repo: Repository,
  ) {}

  get registry(): SearchParamRegistry {
    return this.repo.registry;
  }
  newId(): string {
    return this.repo.newId();
  }
  reader(): RepoReader {
    return this.writer;
  }
  write<T>(_ctx: RequestContext, work: (w: RepoWriter) => Promise<T>): Promise<T> {
    return work(this.writer);
  }
}
