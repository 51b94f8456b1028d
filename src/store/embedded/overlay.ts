/**
 * Uncommitted writes of the embedded engine (keyed by storage id, key-encoding.ts): a transaction's own writes, stacked on the writes of the
 * transactions committed earlier in the same group commit. `null` marks a removed document.
 */
import type { Doc } from '../port';

export class Overlay {
  private readonly byCollection = new Map<string, Map<string, Doc | null>>();

  constructor(private parentOverlay?: Overlay) {}

  get parent(): Overlay | undefined {
    return this.parentOverlay;
  }

  /** Drops the parent once its writes are committed and readable from the store itself. */
  detachParent(): void {
    this.parentOverlay = undefined;
  }

  /** The overlaid value: a document, null (removed here) or undefined (not overlaid). */
  lookup(collection: string, id: string): Doc | null | undefined {
    const own = this.byCollection.get(collection)?.get(id);
    if (own !== undefined) return own;
    return this.parent?.lookup(collection, id);
  }

  set(collection: string, id: string, doc: Doc | null): void {
    let docs = this.byCollection.get(collection);
    if (!docs) {
      docs = new Map();
      this.byCollection.set(collection, docs);
    }
    docs.set(id, doc);
  }

  /** Ids overlaid in a collection, here and in the parents. */
  ids(collection: string, out: Set<string> = new Set()): Set<string> {
    this.parent?.ids(collection, out);
    for (const id of this.byCollection.get(collection)?.keys() ?? []) out.add(id);
    return out;
  }

  /** No writes of its own. */
  get isEmpty(): boolean {
    return this.byCollection.size === 0;
  }

  /** No writes here nor in any parent. */
  get isChainEmpty(): boolean {
    return this.isEmpty && (this.parentOverlay?.isChainEmpty ?? true);
  }

  /** Moves this overlay's writes into its parent (a transaction joining its group). */
  mergeIntoParent(): void {
    if (!this.parent) throw new Error('no parent overlay');
    for (const [collection, docs] of this.byCollection) {
      for (const [id, doc] of docs) this.parent.set(collection, id, doc);
    }
  }

  *entries(): Generator<[collection: string, id: string, doc: Doc | null]> {
    for (const [collection, docs] of this.byCollection) {
      for (const [id, doc] of docs) yield [collection, id, doc];
    }
  }
}
