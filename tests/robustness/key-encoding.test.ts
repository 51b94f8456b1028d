/** The embedded engine's key encoding: every id, path and value fits an LMDB key, and lookups stay exact. */
import { EmbeddedEngine } from '../../src/store/embedded/engine';
import { indexKey, MAX_INDEXED_STRING, storageId } from '../../src/store/embedded/key-encoding';
import { toArray } from '../../src/store/port';
import { tempDir } from '../helpers/hub';

it('keeps short plain ids, hashes long and odd ones, injectively', () => {
  expect(storageId('pat-0000003')).toBe('pat-0000003');
  const long = 'a'.repeat(5000);
  expect(storageId(long)).not.toBe(long);
  expect(storageId(long)).not.toBe(storageId(`${long}b`));
  expect(storageId('a\u0000b').startsWith('\u0000')).toBe(true);
  expect(storageId('\ud800')).not.toBe('\ud800');
  expect(storageId(storageId(long))).not.toBe(storageId(long));
  const key = indexKey('Patient', `idx.${'p'.repeat(5000)}.n`, '徐'.repeat(5000), storageId(long));
  expect(Buffer.byteLength(key.join(''))).toBeLessThan(1978);
  expect((key[2] as string).length).toBe(MAX_INDEXED_STRING);
});

it('stores and finds documents with ids and index values of any length', async () => {
  const engine = new EmbeddedEngine({ path: tempDir('hub-keys-'), fsync: false });
  await engine.open();
  try {
    await engine.ensureIndexes('c', [{ name: 'v', keys: { v: 1 } }]);
    const long = 'k'.repeat(5000);
    await engine.transaction(async (tx) => {
      await tx.put('c', { _id: long, v: `${'x'.repeat(300)}1` });
      await tx.put('c', { _id: `${long}2`, v: `${'x'.repeat(300)}2` });
      await tx.put('c', { _id: 'short', v: 'x' });
    });
    expect((await engine.get('c', long))?.v).toBe(`${'x'.repeat(300)}1`);
    expect(await engine.get('c', 'k'.repeat(4999))).toBeUndefined();
    const byValue = await toArray(engine.find('c', { v: `${'x'.repeat(300)}2` }));
    expect(byValue.map((d) => d._id)).toEqual([`${long}2`]);
    expect((await engine.explain('c', { v: `${'x'.repeat(300)}2` })).indexed).toBe(true);
    expect(await engine.count('c', { _id: { $in: [long, 'short', 'none'.repeat(2000)] } })).toBe(2);
    await engine.transaction(async (tx) => tx.remove('c', long));
    expect(await engine.get('c', long)).toBeUndefined();
    // The store still takes writes (a key over the limit once failed a commit and with it every later write).
    await engine.transaction(async (tx) => tx.put('c', { _id: 'after', v: 'y' }));
    expect(await engine.count('c', {})).toBe(3);
  } finally {
    await engine.close();
  }
});
