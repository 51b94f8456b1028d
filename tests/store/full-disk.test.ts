/**
 * A full disk (docs/operations.md#a-full-disk): writes are answered 507 with an OperationOutcome, reads go on,
 * nothing acknowledged is lost, and writes are accepted again by themselves once space is freed.
 * On a real small file system (a 16 MiB tmpfs) where the test may mount one (root on Linux); the reserve
 * check and an injected ENOSPC at the store boundary run everywhere.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { EmbeddedEngine } from '../../src/store/embedded/engine';
import { StoreFullError, toArray } from '../../src/store/port';
import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, patient, startTestHub, tempDir } from '../helpers/hub';

function mountSmallFs(): string | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  const dir = tempDir('hub-small-fs-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { stdio: 'pipe' });
    return dir;
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

/** A Binary of about 200 KB: a few dozen of them fill the small file system. */
const binary = (i: number): string => JSON.stringify({ resourceType: 'Binary', contentType: 'text/plain', data: Buffer.alloc(150_000, 65 + (i % 26)).toString('base64') });

const small = mountSmallFs();
const onSmallFs = small ? describe : describe.skip;

onSmallFs('on a small file system (tmpfs, 16 MiB)', () => {
  let t: TestHub;
  const mount = small ?? '';
  const filler = path.join(mount, 'filler');
  const dataDir = path.join(mount, 'data');

  beforeAll(async () => {
    // Room that the test gives back later, as an operator freeing space would.
    fs.writeFileSync(filler, Buffer.alloc(6 * 1024 * 1024, 1));
    // No reserve: the store runs into the real end of the disk.
    t = await startTestHub({ dataDir, storeMinFreeBytes: 0 });
  });

  afterAll(async () => {
    await t?.hub.close();
    execFileSync('umount', [mount]);
    fs.rmSync(mount, { recursive: true, force: true });
  });

  it('answers 507, keeps serving reads, loses nothing and recovers when space returns', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const acknowledged: string[] = [];
      const first = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient('刘', ['满'])));
      expect(first.status).toBe(201);
      let refused: { status: number; body: { resourceType?: string; issue?: Array<{ code: string; details?: { text?: string } }> } } | undefined;
      for (let i = 0; i < 400 && !refused; i++) {
        const res = await t.api.post('/fhir/Binary').set('Content-Type', FHIR_JSON).send(binary(i));
        if (res.status === 201) acknowledged.push(res.body.id as string);
        else refused = res;
      }
      expect(acknowledged.length).toBeGreaterThan(5);
      expect(refused?.status).toBe(507);
      expect(refused?.body.resourceType).toBe('OperationOutcome');
      expect(refused?.body.issue?.[0].code).toBe('transient');
      expect(refused?.body.issue?.[0].details?.text).toMatch(/no space left/);

      // Still full: a large write is refused again, and reads (by id and search) go on.
      expect((await t.api.post('/fhir/Binary').set('Content-Type', FHIR_JSON).send(binary(1))).status).toBe(507);
      expect((await t.api.get(`/fhir/Patient/${first.body.id as string}`)).status).toBe(200);
      const found = await t.api.get('/fhir/Patient?family=刘');
      expect(found.status).toBe(200);
      expect(found.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toContain(first.body.id);
      for (const id of acknowledged) expect((await t.api.get(`/fhir/Binary/${id}`)).status).toBe(200);

      // Space returns: the very next write is accepted, without a restart.
      fs.rmSync(filler);
      const after = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient('刘', ['复'])));
      expect(after.status).toBe(201);

      // Everything acknowledged is on disk: a restart finds it.
      await t.hub.close();
      t = await startTestHub({ dataDir, storeMinFreeBytes: 0 });
      for (const id of acknowledged) expect((await t.api.get(`/fhir/Binary/${id}`)).status).toBe(200);
      expect((await t.api.get(`/fhir/Patient/${after.body.id as string}`)).status).toBe(200);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('anywhere', () => {
  it('refuses writes while free space is under the reserve, storing nothing, and takes them once it is not', async () => {
    const dir = tempDir('hub-reserve-');
    // A reserve larger than any disk: every write is refused before it runs.
    const engine = new EmbeddedEngine({ path: dir, fsync: false, minFreeBytes: Number.MAX_SAFE_INTEGER });
    await engine.open();
    try {
      let ran = false;
      await expect(
        engine.transaction(async (tx) => {
          ran = true;
          await tx.put('things', { _id: 'a' });
        }),
      ).rejects.toBeInstanceOf(StoreFullError);
      expect(ran).toBe(false);
      expect(await toArray(engine.find('things', {}))).toEqual([]);
    } finally {
      await engine.close();
    }
    const roomy = new EmbeddedEngine({ path: dir, fsync: false, minFreeBytes: 0 });
    await roomy.open();
    await roomy.transaction((tx) => tx.put('things', { _id: 'b' }));
    expect(await roomy.get('things', 'b')).toEqual({ _id: 'b' });
    await roomy.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers an ENOSPC or MDB_MAP_FULL commit with 507 and takes the next write', async () => {
    const t = await startTestHub({ storeMinFreeBytes: 0 });
    try {
      const kept = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient('刘', ['存'])));
      expect(kept.status).toBe(201);
      // Injected at the store boundary: LMDB's write transaction fails as on a full disk, then as on a full map.
      const env = (t.hub.engine as unknown as { env: { transaction: (fn: () => unknown) => Promise<unknown> } }).env;
      const real = env.transaction.bind(env);
      for (const failure of [Object.assign(new Error('No space left on device'), { code: 'ENOSPC' }), Object.assign(new Error('MDB_MAP_FULL: Environment mapsize limit reached'), { code: -30792 })]) {
        env.transaction = () => Promise.reject(failure);
        const refused = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient('刘', ['拒'])));
        expect(refused.status).toBe(507);
        expect(refused.body.issue[0].code).toBe('transient');
        env.transaction = real;
        expect((await t.api.get(`/fhir/Patient/${kept.body.id as string}`)).status).toBe(200);
        expect((await t.api.get('/fhir/Patient?given=拒')).body.entry ?? []).toEqual([]);
        const next = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient('刘', ['再'])));
        expect(next.status).toBe(201);
      }
    } finally {
      await t.close();
    }
  });
});
