/**
 * The storage port's contract, run against every engine available: always the embedded engine, and
 * MongoDB whenever MONGODB_URI is set. Both must give the same answers to the same query documents.
 */
import fs from 'node:fs';
import { EmbeddedEngine } from '../../src/store/embedded/engine';
import { databaseInUri, MongoEngine } from '../../src/store/mongo/engine';
import type { Doc, StorageEngine } from '../../src/store/port';
import { DuplicateKeyError, toArray } from '../../src/store/port';
import { tempDir } from '../helpers/hub';

interface EngineCase {
  readonly name: string;
  make(): Promise<{ engine: StorageEngine; cleanup: () => Promise<void> }>;
}

const cases: EngineCase[] = [
  {
    name: 'embedded',
    async make() {
      const dir = tempDir('hub-contract-');
      const engine = new EmbeddedEngine({ path: dir, fsync: false });
      await engine.open();
      return { engine, cleanup: async () => { await engine.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
    },
  },
];
const mongoUri = process.env.MONGODB_URI;
if (mongoUri) {
  cases.push({
    name: 'mongodb',
    async make() {
      const engine = new MongoEngine({ uri: mongoUri, database: `hub_contract_${process.pid}_${Date.now()}` });
      await engine.open();
      return {
        engine,
        cleanup: async () => {
          await (engine as unknown as { db?: { dropDatabase(): Promise<unknown> } }).db?.dropDatabase();
          await engine.close();
        },
      };
    },
  });
} else {
  // Skipped on purpose and visibly: no MongoDB server can run on this machine; CI runs without MONGODB_URI.
  describe('storage contract on mongodb', () => {
    // Reason: no MongoDB server here; the skip stays visible in the output until MONGODB_URI is set.
    it.skip('needs MONGODB_URI (set it to run this suite against MongoDB)', () => undefined);
  });
}

const names = (docs: Doc[]): string[] => docs.map((d) => d._id);

describe.each(cases)('storage contract on $name', (c) => {
  let engine: StorageEngine;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ engine, cleanup } = await c.make());
    await engine.ensureIndexes('things', [
      { name: 'ts', keys: { ts: 1 }, ordered: true },
      { name: 'idx', keys: { 'idx.$**': 1 } },
    ]);
  });
  afterEach(async () => {
    await cleanup();
  });

  const seed = async (): Promise<void> => {
    await engine.transaction(async (tx) => {
      await tx.insert('things', { _id: 'a', ts: 3, n: 5, idx: { code: [{ s: 'x', c: '1' }, { s: 'y', c: '2' }], name: [{ n: 'wang xiaoming' }] } });
      await tx.insert('things', { _id: 'b', ts: 1, n: 2, idx: { code: [{ s: 'x', c: '2' }], name: [{ n: 'li lei' }] } });
      await tx.insert('things', { _id: 'c', ts: 2, idx: { code: [{ s: 'y', c: '1' }], name: [{ n: 'wang fang' }] } });
    });
  };

  it('inserts, gets, refuses duplicate ids, replaces and removes', async () => {
    await seed();
    expect((await engine.get('things', 'a'))?.n).toBe(5);
    expect(await engine.get('things', 'zzz')).toBeUndefined();
    await expect(engine.transaction((tx) => tx.insert('things', { _id: 'a' }))).rejects.toBeInstanceOf(DuplicateKeyError);
    await engine.transaction((tx) => tx.put('things', { _id: 'a', ts: 9, n: 6 }));
    expect((await engine.get('things', 'a'))?.n).toBe(6);
    await engine.transaction((tx) => tx.remove('things', 'a'));
    expect(await engine.get('things', 'a')).toBeUndefined();
  });

  it('replaceIf is a compare-and-set on one field', async () => {
    await seed();
    expect(await engine.transaction((tx) => tx.replaceIf('things', { _id: 'a', n: 7 }, 'n', 4))).toBe(false);
    expect(await engine.transaction((tx) => tx.replaceIf('things', { _id: 'a', n: 7 }, 'n', 5))).toBe(true);
    expect(await engine.transaction((tx) => tx.replaceIf('things', { _id: 'new', n: 1 }, 'n', undefined))).toBe(true);
    expect(await engine.transaction((tx) => tx.replaceIf('things', { _id: 'new', n: 1 }, 'n', undefined))).toBe(false);
    expect((await engine.get('things', 'a'))?.n).toBe(7);
  });

  it('answers query documents: equality in arrays, $elemMatch, $or, $in, ranges, $exists, $not', async () => {
    await seed();
    const q = async (filter: Record<string, unknown>): Promise<string[]> => names(await toArray(engine.find('things', filter, { sort: [['_id', 1]] }))).sort();
    expect(await q({ 'idx.code.c': '1' })).toEqual(['a', 'c']);
    expect(await q({ 'idx.code': { $elemMatch: { s: 'x', c: '2' } } })).toEqual(['b']);
    expect(await q({ 'idx.code': { $elemMatch: { s: 'y', c: '2' } } })).toEqual(['a']);
    expect(await q({ $or: [{ 'idx.code.c': '2' }, { _id: 'c' }] })).toEqual(['a', 'b', 'c']);
    expect(await q({ _id: { $in: ['a', 'c', 'zz'] } })).toEqual(['a', 'c']);
    expect(await q({ 'idx.name.n': { $gte: 'wang', $lt: 'wang\uffff' } })).toEqual(['a', 'c']);
    expect(await q({ n: { $exists: false } })).toEqual(['c']);
    expect(await q({ 'idx.code': { $not: { $elemMatch: { c: '2' } } } })).toEqual(['c']);
    expect(await q({ 'idx.name.n': { $regex: 'xiao' } })).toEqual(['a']);
    expect(await q({ n: { $not: { $gte: 3 } } })).toEqual(['b', 'c']);
  });

  it('sorts like MongoDB (missing first ascending), skips and limits, and counts', async () => {
    await seed();
    expect(names(await toArray(engine.find('things', {}, { sort: [['n', 1], ['_id', 1]] })))).toEqual(['c', 'b', 'a']);
    expect(names(await toArray(engine.find('things', {}, { sort: [['n', -1], ['_id', 1]] })))).toEqual(['a', 'b', 'c']);
    expect(names(await toArray(engine.find('things', {}, { sort: [['ts', -1]], skip: 1, limit: 1 })))).toEqual(['c']);
    expect(names(await toArray(engine.find('things', {}, { sort: [['_id', -1]], limit: 2 })))).toEqual(['c', 'b']);
    expect(await engine.count('things', { 'idx.code.s': 'x' })).toBe(2);
    expect(await engine.count('things', {}, 2)).toBe(2);
  });

  it('runs aggregation pipelines', async () => {
    await seed();
    const out = await toArray(
      engine.aggregate('things', [{ $match: { 'idx.code.c': '1' } }, { $unwind: '$idx.code' }, { $group: { _id: '$idx.code.s', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]),
    );
    expect(out).toEqual([{ _id: 'x', n: 1 }, { _id: 'y', n: 2 }]);
  });

  it('transactions are atomic: a throw stores nothing; reads inside see the transaction’s own writes', async () => {
    await seed();
    await expect(
      engine.transaction(async (tx) => {
        await tx.insert('things', { _id: 'd', idx: { code: [{ c: '9' }] } });
        expect((await tx.get('things', 'd'))?._id).toBe('d');
        expect(names(await toArray(tx.find('things', { 'idx.code.c': '9' })))).toEqual(['d']);
        await tx.remove('things', 'a');
        expect(await tx.get('things', 'a')).toBeUndefined();
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await engine.get('things', 'd')).toBeUndefined();
    expect((await engine.get('things', 'a'))?._id).toBe('a');
  });

  it('keeps indexes right when documents change', async () => {
    await seed();
    await engine.transaction((tx) => tx.put('things', { _id: 'a', ts: 3, idx: { code: [{ s: 'z', c: '7' }] } }));
    expect(await engine.count('things', { 'idx.code.c': '1' })).toBe(1);
    expect(await engine.count('things', { 'idx.code.c': '7' })).toBe(1);
    await engine.transaction((tx) => tx.remove('things', 'a'));
    expect(await engine.count('things', { 'idx.code.c': '7' })).toBe(0);
  });

  it('answers selective queries through an index, not a scan', async () => {
    await seed();
    expect((await engine.explain('things', { 'idx.code': { $elemMatch: { s: 'x', c: '1' } } })).indexed).toBe(true);
    expect((await engine.explain('things', { 'idx.name.n': { $gte: 'wang', $lt: 'wang\uffff' } })).indexed).toBe(true);
    expect((await engine.explain('things', { _id: 'a' })).indexed).toBe(true);
    expect((await engine.explain('things', { ts: { $gt: 1 } })).indexed).toBe(true);
  });

  it('serialises racing read-modify-write transactions', async () => {
    await engine.transaction((tx) => tx.insert('things', { _id: 'counter', n: 0 }));
    await Promise.all(
      Array.from({ length: 25 }, async () => {
        for (;;) {
          const ok = await engine.transaction(async (tx) => {
            const cur = (await tx.get('things', 'counter')) as Doc & { n: number };
            return tx.replaceIf('things', { _id: 'counter', n: cur.n + 1 }, 'n', cur.n);
          });
          if (ok) return;
        }
      }),
    );
    expect((await engine.get('things', 'counter'))?.n).toBe(25);
  });
});

describe('engine configuration', () => {
  it('opens an embedded store in a directory whose name has a dot', async () => {
    const dir = tempDir('hub.dotted.');
    const engine = new EmbeddedEngine({ path: dir, fsync: false });
    await engine.open();
    await engine.transaction((tx) => tx.insert('things', { _id: 'a' }));
    expect((await engine.get('things', 'a'))?._id).toBe('a');
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('takes the MongoDB database from the URI, else defaults to hub', () => {
    expect(databaseInUri('mongodb://db1:27017,db2:27017/region?replicaSet=rs0')).toBe('region');
    expect(databaseInUri('mongodb+srv://user:pw@cluster.example/tianjin')).toBe('tianjin');
    expect(databaseInUri('mongodb://localhost:27017')).toBeUndefined();
    expect(databaseInUri('mongodb://localhost:27017/?replicaSet=rs0')).toBeUndefined();
  });
});

describe('embedded engine specifics', () => {
  it('reopens with its data and indexes, and builds a new index over existing documents', async () => {
    const dir = tempDir('hub-reopen-');
    const first = new EmbeddedEngine({ path: dir });
    await first.open();
    await first.ensureIndexes('things', [{ name: 'idx', keys: { 'idx.$**': 1 } }]);
    await first.transaction((tx) => tx.insert('things', { _id: 'a', colour: 'red', idx: { k: [{ v: 'x' }] } }));
    await first.close();
    const second = new EmbeddedEngine({ path: dir });
    await second.open();
    expect((await second.explain('things', { 'idx.k.v': 'x' })).indexed).toBe(true);
    expect(await second.count('things', { 'idx.k.v': 'x' })).toBe(1);
    expect((await second.explain('things', { colour: 'red' })).indexed).toBe(false);
    await second.ensureIndexes('things', [{ name: 'colour', keys: { colour: 1 } }]);
    expect((await second.explain('things', { colour: 'red' })).indexed).toBe(true);
    expect(names(await toArray(second.find('things', { colour: 'red' })))).toEqual(['a']);
    await second.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses server-side JavaScript in queries', async () => {
    const dir = tempDir('hub-js-');
    const engine = new EmbeddedEngine({ path: dir, fsync: false });
    await engine.open();
    await engine.transaction((tx) => tx.insert('things', { _id: 'a' }));
    await expect(toArray(engine.find('things', { $where: 'true' }))).rejects.toThrow();
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
