/**
 * Result snapshots for searches sorted on values that can change (anything but `_id`): the first page
 * records the ordered list of matching references, and later pages read the list. A resource updated
 * between pages keeps its place, so paging never repeats or skips it (FHIR R4 http.html#paging); a resource
 * deleted meanwhile drops out. Results larger than MAX_SNAPSHOT fall back to keyset paging.
 */
import { randomUUID } from 'node:crypto';
import type { StorageEngine } from '../store/port';
import { fail } from '../fhir/outcomes';

/** Larger sorted results page by keyset (paging.ts), so that a worklist's first page never reads every match. */
export const MAX_SNAPSHOT = 1000;
const COLLECTION = 'search_snapshots';
const TTL_MS = 60 * 60 * 1000;

export interface SnapshotStore {
  save(refs: readonly string[]): Promise<string>;
  /** The references of a snapshot; a 410 when it expired. */
  load(id: string): Promise<readonly string[]>;
}

export class EngineSnapshotStore implements SnapshotStore {
  constructor(
    private readonly engine: StorageEngine,
    private readonly now: () => Date,
  ) {}

  async init(): Promise<void> {
    await this.engine.ensureIndexes(COLLECTION, [{ name: 'ts', keys: { ts: 1 }, ordered: true }]);
  }

  async save(refs: readonly string[]): Promise<string> {
    const id = randomUUID();
    const ts = this.now().getTime();
    const expired: string[] = [];
    for await (const doc of this.engine.find(COLLECTION, { ts: { $lt: ts - TTL_MS } }, { limit: 50 })) expired.push(doc._id);
    await this.engine.transaction(async (tx) => {
      for (const old of expired) await tx.remove(COLLECTION, old);
      await tx.insert(COLLECTION, { _id: id, ts, refs: [...refs] });
    });
    return id;
  }

  async load(id: string): Promise<readonly string[]> {
    const doc = await this.engine.get(COLLECTION, id);
    if (!doc || (doc.ts as number) < this.now().getTime() - TTL_MS) {
      throw fail(410, 'not-found', 'this page of search results has expired; run the search again');
    }
    return doc.refs as string[];
  }
}
