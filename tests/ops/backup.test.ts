/**
 * npm run backup / restore (docs/operations.md#backup-and-restore): a backup taken by another process while
 * the hub keeps writing holds every write answered before it began, and restores into a working hub whose
 * every current resource has its history.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { runOps } from '../../src/ops/commands';
import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, patient, startTestHub, tempDir } from '../helpers/hub';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..', '..');

interface Ack {
  readonly id: string;
  readonly version: number;
}

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** The CLI in its own process, exactly as `npm run backup -- …` runs it. */
function cli(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/ops/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, MONGODB_URI: '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/** The commands in this process. */
async function ops(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runOps(args, { env, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** Creates and then updates patients until told to stop, recording each answered write. */
function writer(t: TestHub, acks: Ack[], running: () => boolean): Promise<void> {
  const loop = async (): Promise<void> => {
    while (running()) {
      const created = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient());
      if (created.status !== 201) throw new Error(`create answered ${created.status}`);
      const body = created.body as Patient;
      const id = body.id ?? '';
      acks.push({ id, version: 1 });
      const updated = await t.api.put(`/fhir/Patient/${id}`).set('Content-Type', FHIR_JSON).send({ ...body, gender: 'female' });
      if (updated.status !== 200) throw new Error(`update answered ${updated.status}`);
      acks.push({ id, version: 2 });
    }
  };
  return loop();
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('a backup taken while the hub writes', () => {
  const backupDir = path.join(tempDir('hub-backup-'), 'backup');
  const restoredDir = path.join(tempDir('hub-restore-'), 'data');
  let acknowledged: readonly Ack[] = [];

  beforeAll(async () => {
    const source = await startTestHub({ fsync: true });
    const acks: Ack[] = [];
    let running = true;
    const writers = [0, 1, 2].map(() => writer(source, acks, () => running));
    try {
      await until(() => acks.length >= 30);
      // Everything answered before the backup process starts must be in the backup.
      acknowledged = [...acks];
      const run = await cli(['backup', '--out', backupDir, '--data-dir', source.dataDir]);
      expect(run).toMatchObject({ code: 0, err: '' });
      expect(run.out).toContain('documents');
    } finally {
      running = false;
      await Promise.all(writers);
      await source.close();
    }
  });

  afterAll(() => {
    fs.rmSync(path.dirname(backupDir), { recursive: true, force: true });
    fs.rmSync(path.dirname(restoredDir), { recursive: true, force: true });
  });

  it('writes the copy and a manifest', () => {
    expect(fs.readdirSync(backupDir).sort()).toEqual(['data.mdb', 'manifest.json']);
    const manifest: unknown = JSON.parse(fs.readFileSync(path.join(backupDir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ kind: 'health-community-hub-backup', hubVersion: expect.any(String), store: { engine: 'embedded', format: 'lmdb' } });
  });

  it('restores into a new directory and the hub there has every write answered before the backup, with its history', async () => {
    const run = await ops(['restore', '--from', backupDir, '--data-dir', restoredDir]);
    expect(run).toMatchObject({ code: 0, err: '' });
    const t = await startTestHub({ dataDir: restoredDir });
    try {
      for (const ack of acknowledged) {
        const res = await t.api.get(`/fhir/Patient/${ack.id}`);
        expect(res.status).toBe(200);
        expect(Number((res.body as Patient).meta?.versionId)).toBeGreaterThanOrEqual(ack.version);
      }
      const all = await t.api.get('/fhir/Patient?_count=1000');
      const current = ((all.body as Bundle).entry ?? []).map((e) => e.resource as Patient);
      expect(current.length).toBeGreaterThanOrEqual(new Set(acknowledged.map((a) => a.id)).size);
      for (const p of current) {
        const history = await t.api.get(`/fhir/Patient/${p.id}/_history`);
        const versions = ((history.body as Bundle).entry ?? []).map((e) => Number(e.resource?.meta?.versionId)).sort((a, b) => a - b);
        const latest = Number(p.meta?.versionId);
        expect(versions).toEqual(Array.from({ length: latest }, (_, i) => i + 1));
      }
    } finally {
      await t.hub.close();
    }
  });

  it('refuses to restore over a data directory that is not empty, unless forced, and never one a hub has open', async () => {
    const refused = await ops(['restore', '--from', backupDir, '--data-dir', restoredDir]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/not empty/);
    const t = await startTestHub({ dataDir: restoredDir });
    try {
      const open = await ops(['restore', '--from', backupDir, '--data-dir', restoredDir, '--force']);
      expect(open.code).toBe(1);
      expect(open.err).toMatch(/is open in process/);
    } finally {
      await t.hub.close();
    }
    const forced = await ops(['restore', '--from', backupDir, '--data-dir', restoredDir, '--force']);
    expect(forced).toMatchObject({ code: 0, err: '' });
  });

  it('refuses an unfinished or damaged backup', async () => {
    const dir = tempDir('hub-damaged-');
    try {
      fs.copyFileSync(path.join(backupDir, 'data.mdb'), path.join(dir, 'data.mdb'));
      const unfinished = await ops(['restore', '--from', dir, '--data-dir', path.join(dir, 'target')]);
      expect(unfinished.code).toBe(1);
      expect(unfinished.err).toMatch(/not a complete backup/);
      fs.copyFileSync(path.join(backupDir, 'manifest.json'), path.join(dir, 'manifest.json'));
      const fd = fs.openSync(path.join(dir, 'data.mdb'), 'r+');
      fs.writeSync(fd, Buffer.from([0xff, 0x00, 0xff]), 0, 3, 9000);
      fs.closeSync(fd);
      const damaged = await ops(['restore', '--from', dir, '--data-dir', path.join(dir, 'target')]);
      expect(damaged.code).toBe(1);
      expect(damaged.err).toMatch(/checksum/);
      expect(fs.existsSync(path.join(dir, 'target'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('backup and restore with MONGODB_URI set', () => {
  it.each(['backup', 'restore'])('%s points to MongoDB tools and exits non-zero', async (command) => {
    const run = await ops([command, '--out', '/nonexistent', '--from', '/nonexistent', '--data-dir', '/nonexistent'], { MONGODB_URI: 'mongodb://localhost:27017/?replicaSet=rs0' });
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/mongodump/);
    expect(run.err).toMatch(/mongorestore/);
  });
});

describe('backup refusals', () => {
  it('needs an existing store and a new or empty target', async () => {
    const dir = tempDir('hub-backup-refusal-');
    try {
      const none = await ops(['backup', '--out', path.join(dir, 'b'), '--data-dir', path.join(dir, 'missing')]);
      expect(none.code).toBe(1);
      expect(none.err).toMatch(/no embedded store/);
      expect(fs.existsSync(path.join(dir, 'missing'))).toBe(false);
      const usage = await ops(['backup']);
      expect(usage.code).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
