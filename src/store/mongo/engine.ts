/**
 * The MongoDB engine: the official `mongodb` driver, one MongoDB collection per store collection.
 *
 * Transactions use MongoDB multi-document transactions (replica set or sharded cluster). On a standalone
 * server they cannot be atomic: `atomicTransactions` is false, writes of one interaction are applied in a
 * safe order without a session, and the FHIR layer refuses multi-entry transactions.
 */
import type { ClientSession, Collection, Db, Document, Filter as MongoFilter, Sort } from 'mongodb';
import { MongoClient, MongoServerError } from 'mongodb';
import type { Doc, Filter, FindOptions, IndexSpec, PipelineStage, QueryPlan, StorageEngine, StoreWriter } from '../port';
import { DuplicateKeyError } from '../port';

export interface MongoOptions {
  readonly uri: string;
  /** Database name; defaults to the one in the URI, else `hub`. */
  readonly database?: string;
}

const DUPLICATE_KEY = 11000;

export class MongoEngine implements StorageEngine {
  readonly kind = 'mongodb' as const;
  atomicTransactions = false;
  private client?: MongoClient;
  private db?: Db;

  constructor(private readonly options: MongoOptions) {}

  async open(): Promise<void> {
    const client = new MongoClient(this.options.uri, { ignoreUndefined: true });
    await client.connect();
    this.client = client;
    this.db = client.db(this.options.database ?? databaseInUri(this.options.uri) ?? 'hub');
    const hello = await this.db.admin().command({ hello: 1 });
    this.atomicTransactions = Boolean(hello.setName) || hello.msg === 'isdbgrid';
  }

  async close(): Promise<void> {
    await this.client?.close();
    this.client = undefined;
  }

  async ping(): Promise<void> {
    await this.database().command({ ping: 1 });
  }

  private database(): Db {
    if (!this.db) throw new Error('MongoDB store is not open');
    return this.db;
  }

  collection(name: string): Collection<Doc> {
    return this.database().collection<Doc>(name);
  }

  async ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    if (indexes.length === 0) return;
    // A projected wildcard index (IndexSpec.projection) becomes one wildcard index per sub-path: MongoDB allows
    // wildcardProjection only on the all-fields `$**` index.
    await this.collection(collection).createIndexes(
      indexes.flatMap((spec): Array<{ name: string; key: Record<string, 1 | -1>; unique?: boolean }> => {
        const first = Object.keys(spec.keys)[0] ?? '';
        if (!spec.projection || !first.endsWith('.$**')) return [{ name: spec.name, key: { ...spec.keys }, unique: spec.unique }];
        const prefix = first.slice(0, -4);
        return spec.projection.map((sub) => ({ name: `${spec.name}-${sub}`, key: { [`${prefix}.${sub}.$**`]: 1 } }));
      }),
    );
  }

  get(collection: string, id: string): Promise<Doc | undefined> {
    return new MongoReader(this, undefined).get(collection, id);
  }
  find(collection: string, filter: Filter, options?: FindOptions): AsyncIterable<Doc> {
    return new MongoReader(this, undefined).find(collection, filter, options);
  }
  count(collection: string, filter: Filter, limit?: number): Promise<number> {
    return new MongoReader(this, undefined).count(collection, filter, limit);
  }
  aggregate(collection: string, pipeline: readonly PipelineStage[]): AsyncIterable<Doc> {
    return new MongoReader(this, undefined).aggregate(collection, pipeline);
  }

  async explain(collection: string, filter: Filter): Promise<QueryPlan> {
    const plan = await this.collection(collection).find(filter as MongoFilter<Doc>).explain('queryPlanner');
    const winning = JSON.stringify((plan as { queryPlanner?: { winningPlan?: unknown } }).queryPlanner?.winningPlan ?? plan);
    return { indexed: /IXSCAN|IDHACK/.test(winning), detail: winning };
  }

  async transaction<T>(work: (tx: StoreWriter) => Promise<T>): Promise<T> {
    if (!this.client) throw new Error('MongoDB store is not open');
    if (!this.atomicTransactions) {
      return work(new MongoReader(this, undefined));
    }
    const session = this.client.startSession();
    try {
      let result: T | undefined;
      await session.withTransaction(async () => {
        result = await work(new MongoReader(this, session));
      });
      return result as T;
    } finally {
      await session.endSession();
    }
  }
}

/** The database named in a mongodb:// URI path, if any. */
export function databaseInUri(uri: string): string | undefined {
  const m = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri);
  return m?.[1] ? decodeURIComponent(m[1]) : undefined;
}

class MongoReader implements StoreWriter {
  constructor(
    private readonly engine: MongoEngine,
    private readonly session: ClientSession | undefined,
  ) {}

  private col(name: string): Collection<Doc> {
    return this.engine.collection(name);
  }

  async get(collection: string, id: string): Promise<Doc | undefined> {
    const doc = await this.col(collection).findOne({ _id: id }, { session: this.session });
    return doc ?? undefined;
  }

  find(collection: string, filter: Filter, options: FindOptions = {}): AsyncIterable<Doc> {
    const cursor = this.col(collection).find(filter as MongoFilter<Doc>, { session: this.session });
    if (options.sort && options.sort.length > 0) cursor.sort(options.sort.map(([f, d]): [string, 1 | -1] => [f, d]) satisfies Sort);
    if (options.skip) cursor.skip(options.skip);
    if (options.limit !== undefined) cursor.limit(options.limit);
    return cursor;
  }

  count(collection: string, filter: Filter, limit?: number): Promise<number> {
    return this.col(collection).countDocuments(filter as MongoFilter<Doc>, { session: this.session, limit });
  }

  aggregate(collection: string, pipeline: readonly PipelineStage[]): AsyncIterable<Doc> {
    return this.col(collection).aggregate<Doc>([...pipeline] as Document[], { session: this.session });
  }

  async insert(collection: string, doc: Doc): Promise<void> {
    try {
      await this.col(collection).insertOne(doc, { session: this.session });
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) throw new DuplicateKeyError(collection, doc._id);
      throw error;
    }
  }

  async put(collection: string, doc: Doc): Promise<void> {
    await this.col(collection).replaceOne({ _id: doc._id }, doc, { upsert: true, session: this.session });
  }

  async replaceIf(collection: string, doc: Doc, field: string, expected: unknown): Promise<boolean> {
    if (expected === undefined) {
      try {
        await this.insert(collection, doc);
        return true;
      } catch (error) {
        if (error instanceof DuplicateKeyError) return false;
        throw error;
      }
    }
    const result = await this.col(collection).replaceOne({ _id: doc._id, [field]: expected } as MongoFilter<Doc>, doc, {
      session: this.session,
    });
    return result.matchedCount === 1;
  }

  async remove(collection: string, id: string): Promise<void> {
    await this.col(collection).deleteOne({ _id: id }, { session: this.session });
  }
}
