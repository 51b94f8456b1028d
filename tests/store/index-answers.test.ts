/**
 * The embedded engine answers counts, ordered pages and worklists from its index keys where it can
 * (src/store/embedded/atoms.ts): the answers must be exactly those of the query tested on every document.
 * A generated collection with tombstones, multi-valued entries and access stamps is queried in many shapes;
 * the oracle is mingo run over all documents, with no index involved.
 */
import fs from 'node:fs';
import { Query } from 'mingo';
import { EmbeddedEngine } from '../../src/store/embedded/engine';
import type { Doc, Filter, SortSpec } from '../../src/store/port';
import { toArray } from '../../src/store/port';
import { tempDir } from '../helpers/hub';

const COLLECTION = 'Task';
const STATUSES = ['requested', 'accepted', 'completed', 'rejected'];
const ORGS = ['Organization/a', 'Organization/b', 'Organization/c'];

/** A small deterministic generator (the same documents on every run). */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

function generate(n: number): Doc[] {
  const r = rng(7);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const docs: Doc[] = [];
  for (let i = 0; i < n; i++) {
    const id = `t${String(Math.floor(r() * 1e6)).padStart(6, '0')}-${i}`;
    const acl = [...new Set([pick(ORGS), ...(r() < 0.3 ? [pick(ORGS)] : [])])];
    if (r() < 0.08) {
      docs.push({ _id: id, vid: 2, ts: 1000 + i, deleted: true, acl });
      continue;
    }
    const status = pick(STATUSES);
    const owner = pick(ORGS);
    const codes = r() < 0.2 ? [{ s: 'x', c: 'I10' }, { s: 'y', c: 'I10' }] : [{ s: pick(['x', 'y']), c: pick(['I10', 'E11', 'J45']) }];
    // Some documents hold two values of one parameter: a range of each lists them.
    const statuses = r() < 0.15 ? [{ c: status }, { c: pick(STATUSES) }] : [{ c: status }];
    docs.push({ _id: id, vid: 1, ts: r() < 0.1 ? 5000 : 1000 + i, acl, idx: { status: statuses, owner: [{ r: owner }], code: codes } });
  }
  return docs;
}

const DOCS = generate(900);

const oracle = (filter: Filter): Doc[] => {
  const q = new Query(filter, { idKey: '_id', useStrictMode: true });
  return DOCS.filter((d) => q.test(d));
};

/** The expected order (ts or _id, ties by _id the same way). */
function sorted(docs: Doc[], sort: SortSpec): string[] {
  const [[field, dir]] = sort;
  const tie = sort[1]?.[1] ?? dir;
  return [...docs]
    .sort((a, b) => {
      const av = a[field] as string | number;
      const bv = b[field] as string | number;
      if (av !== bv) return (av < bv ? -1 : 1) * dir;
      return (a._id < b._id ? -1 : 1) * tie;
    })
    .map((d) => d._id);
}

const NOT_DELETED = { deleted: { $ne: true } };
const has = (param: string, body: Filter): Filter => ({ [`idx.${param}`]: { $elemMatch: body } });

const FILTERS: Array<[string, Filter]> = [
  ['everything', {}],
  ['live', NOT_DELETED],
  ['one token', { $and: [NOT_DELETED, has('status', { c: 'requested' })] }],
  ['token without the live condition (tombstones have no entries)', has('code', { c: 'I10' })],
  ['token with system (not all from keys)', { $and: [NOT_DELETED, has('code', { s: 'x', c: 'I10' })] }],
  ['two tokens', { $and: [NOT_DELETED, has('status', { c: 'requested' }), has('owner', { r: 'Organization/b' })] }],
  ['$in of values', { $and: [NOT_DELETED, has('status', { c: { $in: ['requested', 'accepted'] } })] }],
  ['comma values ($or of one parameter) and a token', { $and: [NOT_DELETED, { $or: [has('status', { c: 'requested' }), has('status', { c: 'accepted' })] }, has('owner', { r: 'Organization/a' })] }],
  ['an $or over two parameters (not from keys)', { $and: [NOT_DELETED, { $or: [has('status', { c: 'rejected' }), has('owner', { r: 'Organization/c' })] }] }],
  ['access stamps', { $and: [{ $and: [NOT_DELETED, has('status', { c: 'requested' })] }, { acl: { $in: ['Organization/a', '*'] } }] }],
  ['access stamps only', { $and: [NOT_DELETED, { acl: { $in: ['Organization/c'] } }] }],
  ['ids', { $and: [NOT_DELETED, { _id: { $in: DOCS.slice(0, 40).map((d) => d._id) } }] }],
  ['ids and a token', { $and: [NOT_DELETED, { _id: { $in: DOCS.slice(0, 200).map((d) => d._id) } }, has('status', { c: 'completed' })] }],
  ['a ts range', { $and: [NOT_DELETED, { ts: { $gte: 1200, $lt: 1500 } }, has('status', { c: 'requested' })] }],
  ['tombstones', { deleted: true }],
  ['a negation (not from keys)', { $and: [NOT_DELETED, { 'idx.status': { $not: { $elemMatch: { c: 'requested' } } } }] }],
];

describe('the embedded engine answers from its index exactly what a full scan answers', () => {
  const dir = tempDir('hub-index-answers-');
  const engine = new EmbeddedEngine({ path: dir, fsync: false });

  beforeAll(async () => {
    await engine.open();
    await engine.ensureIndexes(COLLECTION, [
      { name: 'ts', keys: { ts: 1 }, ordered: true },
      { name: 'deleted', keys: { deleted: 1 } },
      { name: 'acl', keys: { acl: 1 } },
      { name: 'idx', keys: { 'idx.$**': 1 }, leaves: ['c', 'r'] },
    ]);
    await engine.transaction(async (tx) => {
      for (const d of DOCS) await tx.insert(COLLECTION, structuredClone(d));
    });
  });
  afterAll(async () => {
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(FILTERS)('counts: %s', async (_name, filter) => {
    const expected = oracle(filter).length;
    expect(expected).toBeGreaterThan(0);
    expect(await engine.count(COLLECTION, filter)).toBe(expected);
    expect(await engine.count(COLLECTION, filter, 3)).toBe(Math.min(3, expected));
  });

  const SORTS: SortSpec[] = [
    [['_id', 1]],
    [['_id', -1]],
    [['ts', -1], ['_id', -1]],
    [['ts', 1], ['_id', 1]],
  ];
  for (const sort of SORTS) {
    it.each(FILTERS)(`pages in order ${JSON.stringify(sort)}: %s`, async (_name, filter) => {
      const expected = sorted(oracle(filter), sort);
      // The first page, a later page (skip), and everything.
      expect(names(await toArray(engine.find(COLLECTION, filter, { sort, limit: 20 })))).toEqual(expected.slice(0, 20));
      expect(names(await toArray(engine.find(COLLECTION, filter, { sort, skip: 20, limit: 7 })))).toEqual(expected.slice(20, 27));
      expect(names(await toArray(engine.find(COLLECTION, filter, { sort })))).toEqual(expected);
    });
  }

  it.each(FILTERS.slice(1, 9))('pages by keyset cursor from an index walk, none repeated or skipped: %s', async (_name, filter) => {
    for (const sort of [
      [['ts', -1], ['_id', -1]],
      [['_id', 1]],
    ] as SortSpec[]) {
      const expected = sorted(oracle(filter), sort);
      const seen: string[] = [];
      let last: Doc | undefined;
      for (let guard = 0; guard < 200; guard++) {
        const after: Filter | undefined = last
          ? sort[0][0] === 'ts'
            ? { $or: [{ ts: { $not: { $gte: last.ts } } }, { $and: [{ ts: last.ts }, { _id: { $not: { $gte: last._id } } }] }] }
            : { _id: { $gt: last._id } }
          : undefined;
        const page = await toArray(engine.find(COLLECTION, after ? { $and: [filter, after] } : filter, { sort, limit: 25 }));
        seen.push(...names(page));
        if (page.length < 25) break;
        last = page[page.length - 1];
      }
      expect(seen).toEqual(expected);
    }
  });

  it('inside a transaction, sees its own uncommitted writes in counts and sorted pages', async () => {
    const filter = { $and: [NOT_DELETED, has('status', { c: 'requested' })] };
    const before = oracle(filter);
    const victim = before[0];
    const result = await engine.transaction(async (tx) => {
      await tx.insert(COLLECTION, { _id: 'zz-new', vid: 1, ts: 9999, acl: ['Organization/a'], idx: { status: [{ c: 'requested' }] } });
      await tx.put(COLLECTION, { _id: victim._id, vid: 3, ts: 10000, deleted: true, acl: victim.acl });
      const count = await tx.count(COLLECTION, filter);
      const top = names(await toArray(tx.find(COLLECTION, filter, { sort: [['ts', -1], ['_id', -1]], limit: 2 })));
      const ids = names(await toArray(tx.find(COLLECTION, filter, { sort: [['_id', 1]] })));
      // Looked up by id with more conditions (as the access scope adds them), it is found in the overlay.
      const byId = names(await toArray(tx.find(COLLECTION, { $and: [{ _id: { $in: ['zz-new', victim._id] } }, { acl: { $in: ['Organization/a', '*'] } }] }, { limit: 2 })));
      throw Object.assign(new Error('roll back'), { observed: { count, top, ids, byId } });
    }).catch((e: { observed: { count: number; top: string[]; ids: string[]; byId: string[] } }) => e.observed);
    expect(result.count).toBe(before.length);
    expect(result.top[0]).toBe('zz-new');
    expect(result.ids).toContain('zz-new');
    expect(result.ids).not.toContain(victim._id);
    expect(result.byId).toEqual(['zz-new']);
    // Rolled back: the store is as it was.
    expect(await engine.count(COLLECTION, filter)).toBe(before.length);
  });
});

function names(docs: Doc[]): string[] {
  return docs.map((d) => d._id);
}
