/**
 * Bulk export throughput and memory (docs/export.md#performance, docs/benchmarks.md): on a generated region
 * of N resources (built once in data/bench-region-N with `seed/cli.ts load --trusted`, the same region
 * `npm run bench` uses for search), start the hub as a child process, run a system-level `$export` and time it
 * from kick-off to the complete manifest; report resources/s and the hub's peak RSS (VmHWM) next to its RSS
 * before the export. With --deidentified the export is the authority's (HUB_AUTH on, a registered authority
 * client): de-identified, as the authority always gets it. Several sizes (--resources 100000,1000000) show
 * whether memory stays flat as the region grows.
 *
 *   npx tsx scripts/bench/export.ts [--resources 200000[,1000000]] [--deidentified] [--json]
 *
 * `exportBench(sizes, { deidentified })` is exported for scripts/bench/run.ts.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { killHard, ROOT, startHubProcess } from '../lib/hub-process';

export interface ExportBenchRow {
  readonly resources: number;
  readonly exported: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly rssBeforeMb: number;
  readonly peakRssMb: number;
  /** Peak anonymous memory (heap, buffers) sampled during the export; RSS also counts the store's memory-mapped file. */
  readonly peakAnonMb: number;
  readonly deidentified: boolean;
}

function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM' | 'RssAnon'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** Builds (once) the region the search benchmark uses too. */
export function regionDir(resources: number): string {
  const dataDir = path.join(ROOT, 'data', `bench-region-${resources}`);
  if (!fs.existsSync(path.join(dataDir, 'ready'))) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.stdout.write(`   building ${dataDir} (once; reused by later runs)\n`);
    execFileSync(process.execPath, ['--import', 'tsx', 'seed/cli.ts', 'load', '--data-dir', dataDir, '--resources', String(resources), '--trusted', '--no-progress'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, HUB_FSYNC: 'false', LOG_LEVEL: 'warn' },
    });
    fs.writeFileSync(path.join(dataDir, 'ready'), `${resources}\n`);
  }
  return dataDir;
}

/** An access token of a new authority client registered in the region's store (the hub must be running). */
function authorityToken(dataDir: string, base: string): string {
  const file = path.join(os.tmpdir(), `bench-authority-${process.pid}.json`);
  const env = { ...process.env, HUB_DATA_DIR: dataDir, HUB_BASE_URL: base, LOG_LEVEL: 'warn' };
  const cli = (args: string[]): string => execFileSync(process.execPath, ['--import', 'tsx', 'src/auth/cli.ts', ...args], { cwd: ROOT, env, encoding: 'utf8' }).trim();
  cli(['register', '--organization', 'Organization/org-health-authority', '--role', 'authority', '--out', file]);
  const token = cli(['token', '--file', file]);
  fs.rmSync(file, { force: true });
  return token;
}

async function exportOnce(resources: number, port: number, deidentified: boolean): Promise<ExportBenchRow> {
  const dataDir = regionDir(resources);
  const hub = await startHubProcess({ HUB_DATA_DIR: dataDir, HUB_DEMO: 'false', HUB_AUDIT: 'false', HUB_FSYNC: 'false', HUB_AUTH: deidentified ? 'true' : 'false', HUB_RATE_LIMIT: '0' }, port);
  try {
    const headers: Record<string, string> = { accept: 'application/fhir+json', prefer: 'respond-async' };
    if (deidentified) headers.authorization = `Bearer ${authorityToken(dataDir, hub.base)}`;
    const pid = hub.child.pid ?? 0;
    const rssBeforeMb = memoryOf(pid, 'VmRSS');
    const started = performance.now();
    const kick = await fetch(`${hub.base}/$export`, { headers });
    if (kick.status !== 202) throw new Error(`kick-off: ${kick.status} ${await kick.text()}`);
    const status = kick.headers.get('content-location') ?? '';
    let manifest: { output: Array<{ count: number }> } | undefined;
    let peakAnonMb = memoryOf(pid, 'RssAnon');
    while (!manifest) {
      await new Promise((r) => setTimeout(r, 200));
      peakAnonMb = Math.max(peakAnonMb, memoryOf(pid, 'RssAnon'));
      const res = await fetch(status, { headers });
      if (res.status === 200) manifest = (await res.json()) as { output: Array<{ count: number }> };
      else if (res.status !== 202) throw new Error(`status: ${res.status} ${await res.text()}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const exported = manifest.output.reduce((n, o) => n + o.count, 0);
    await fetch(status, { method: 'DELETE', headers });
    return { resources, exported, seconds, perSecond: exported / seconds, rssBeforeMb, peakRssMb: memoryOf(pid, 'VmHWM'), peakAnonMb, deidentified };
  } finally {
    await killHard(hub);
  }
}

export async function exportBench(sizes: readonly number[], options: { deidentified?: boolean; port?: number } = {}): Promise<ExportBenchRow[]> {
  const rows: ExportBenchRow[] = [];
  let port = options.port ?? 23000 + (process.pid % 4000);
  for (const size of sizes) {
    rows.push(await exportOnce(size, port++, false));
    if (options.deidentified) rows.push(await exportOnce(size, port++, true));
  }
  return rows;
}

export function formatRow(r: ExportBenchRow): string[] {
  return [
    `$export${r.deidentified ? ' de-identified (authority)' : ''}, ${r.resources.toLocaleString('en')}-resource region`,
    `${Math.round(r.perSecond).toLocaleString('en')} resources/s`,
    `${r.exported.toLocaleString('en')} resources in ${r.seconds.toFixed(1)} s; RSS ${r.rssBeforeMb} MB before, peak ${r.peakRssMb} MB (anonymous memory peak ${r.peakAnonMb} MB)`,
  ];
}

if (require.main === module) {
  const { values } = parseArgs({ options: { resources: { type: 'string', default: '200000' }, deidentified: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } });
  const sizes = (values.resources ?? '200000').split(',').map(Number);
  exportBench(sizes, { deidentified: values.deidentified }).then(
    (rows) => {
      for (const r of rows) process.stdout.write(values.json ? `${JSON.stringify(r)}\n` : `${formatRow(r).join(' | ')}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
