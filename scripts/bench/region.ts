/**
 * The generated bench region: built once in data/bench-region-N with `seed/cli.ts load --trusted` (the search,
 * count, export and indicator rows all run on it) and reused by later runs. Next to the store it keeps
 * region.json: what the generator produced (resources per type, their size as NDJSON) and the build's time and
 * store size, so later runs can compare the hub's answers and the store's size with them.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { open } from 'lmdb';
import type { Resource } from '@medplum/fhirtypes';
import { DEFAULT_SEED, generateRegion } from '../../seed';
import { ROOT } from '../lib/hub-process';

export interface RegionFacts {
  readonly resources: number;
  /** The region's resources as bulk-data NDJSON (one resource per line, as $export writes them). */
  readonly ndjsonBytes: number;
  /** The region as `seed/cli.ts generate` writes it (one transaction Bundle per line). */
  readonly bundleNdjsonBytes: number;
  readonly types: Readonly<Record<string, number>>;
  /** Conditions with a coding of code I10 (what `Condition?code=I10` must count). */
  readonly conditionsI10: number;
  /** Tasks with status requested (what the region-wide worklist selects). */
  readonly tasksRequested: number;
  /** Seconds the build took (absent for a region built before region.json existed). */
  readonly buildSeconds?: number;
  /** Bytes on disk right after the build, before any hub opened the store. */
  readonly storeBytesAsBuilt?: number;
}

export interface Region {
  readonly dir: string;
  readonly facts: RegionFacts;
  readonly builtNow: boolean;
}

/** The generator's options of the region `seed/cli.ts load --resources N` builds. */
export function regionOptions(resources: number): { seed: number; targetResources: number } {
  return { seed: DEFAULT_SEED, targetResources: resources };
}

/** Generates the region again, streaming, and sums what it holds (nothing is kept in memory but the sums). */
export function regionFacts(resources: number): Omit<RegionFacts, 'buildSeconds' | 'storeBytesAsBuilt'> {
  const types: Record<string, number> = {};
  let count = 0;
  let ndjsonBytes = 0;
  let bundleNdjsonBytes = 0;
  let conditionsI10 = 0;
  let tasksRequested = 0;
  for (const bundle of generateRegion(regionOptions(resources))) {
    bundleNdjsonBytes += Buffer.byteLength(JSON.stringify(bundle)) + 1;
    for (const entry of bundle.entry ?? []) {
      const r: Resource | undefined = entry.resource;
      if (!r) continue;
      count++;
      ndjsonBytes += Buffer.byteLength(JSON.stringify(r)) + 1;
      types[r.resourceType] = (types[r.resourceType] ?? 0) + 1;
      if (r.resourceType === 'Condition' && r.code?.coding?.some((c) => c.code === 'I10')) conditionsI10++;
      if (r.resourceType === 'Task' && r.status === 'requested') tasksRequested++;
    }
  }
  return { resources: count, ndjsonBytes, bundleNdjsonBytes, types, conditionsI10, tasksRequested };
}

const FACTS = 'region.json';

/** data/bench-region-N, built if it is not there yet; its facts computed (once) if region.json is missing. */
export function ensureRegion(resources: number, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Region {
  const dir = path.join(ROOT, 'data', `bench-region-${resources}`);
  const factsFile = path.join(dir, FACTS);
  let builtNow = false;
  let build: Pick<RegionFacts, 'buildSeconds' | 'storeBytesAsBuilt'> = {};
  if (!fs.existsSync(path.join(dir, 'ready'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    log(`   building ${dir} (once; reused by later runs)`);
    const started = performance.now();
    execFileSync(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', 'seed/cli.ts', 'load', '--data-dir', dir, '--resources', String(resources), '--trusted', '--no-progress'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, HUB_FSYNC: 'false', LOG_LEVEL: 'warn' },
    });
    build = { buildSeconds: Number(((performance.now() - started) / 1000).toFixed(1)), storeBytesAsBuilt: storeOnDisk(dir).bytes };
    fs.writeFileSync(path.join(dir, 'ready'), `${resources}\n`);
    builtNow = true;
  }
  let facts: RegionFacts | undefined;
  if (!builtNow && fs.existsSync(factsFile)) facts = JSON.parse(fs.readFileSync(factsFile, 'utf8')) as RegionFacts;
  if (!facts) {
    log('   summing the generated region (resources per type, NDJSON size)');
    facts = { ...regionFacts(resources), ...build };
    fs.writeFileSync(factsFile, `${JSON.stringify(facts, null, 2)}\n`);
  }
  return { dir, facts, builtNow };
}

/** Builds (once) the region and answers its directory (for scripts/bench/export.ts). */
export function regionDir(resources: number): string {
  return ensureRegion(resources).dir;
}

export interface StoreOnDisk {
  /** Bytes allocated on disk by the store's files (data.mdb, lock.mdb). */
  readonly bytes: number;
  readonly pageSize: number;
  /** Pages in use per LMDB database (branch + leaf + overflow pages), and entries. */
  readonly databases: ReadonlyArray<{ readonly name: string; readonly pages: number; readonly overflowPages: number; readonly entries: number }>;
  /** Pages of the map in use (LMDB's last page number): the rest of the file, if any, is not yet used. */
  readonly lastPage: number;
}

interface LmdbStats {
  readonly pageSize: number;
  readonly treeBranchPageCount: number;
  readonly treeLeafPageCount: number;
  readonly overflowPages: number;
  readonly entryCount: number;
  readonly lastPageNumber: number;
}

/** The embedded store's size on disk and, read-only, how its pages split between its databases. No hub may have it open for writing meanwhile. */
export function storeOnDisk(dir: string): StoreOnDisk {
  // The LMDB files only: not the bench's own files, nor export output (exports/) or credentials kept beside them.
  let bytes = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile() && e.name !== 'ready' && e.name !== FACTS) bytes += fs.statSync(path.join(dir, e.name)).blocks * 512;
  }
  const env = open({ path: dir, readOnly: true });
  try {
    const databases = [...env.getKeys()].map((name) => {
      const s = env.openDB({ name: String(name), encoding: 'binary' }).getStats() as LmdbStats;
      return { name: String(name), pages: s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages, overflowPages: s.overflowPages, entries: s.entryCount };
    });
    const s = env.getStats() as LmdbStats;
    return { bytes, pageSize: s.pageSize, databases, lastPage: s.lastPageNumber };
  } finally {
    void env.close();
  }
}
