/**
 * Bulk export throughput and memory (docs/export.md#performance, docs/benchmarks.md): on a generated region
 * of N resources (built once in data/bench-region-N with `seed/cli.ts load --trusted`, the same region
 * `npm run bench` uses for search), start the hub as a child process, run a system-level `$export` and time it
 * from kick-off to the complete manifest; report resources/s and the hub's peak RSS and anonymous memory during
 * the export (sampled every 100 ms) next to the same at idle, before the kick-off. Audit and jobs are off, so the
 * region stays as built; the export worker looks for queued exports every 100 ms (HUB_EXPORT_POLL_MS), so its
 * pick-up delay hardly counts. With --deidentified the export is the authority's (HUB_AUTH on, a registered authority
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
import { memoryOf, sampleRss } from './memory';
import { regionDir } from './region';

export interface ExportBenchRow {
  readonly resources: number;
  readonly exported: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** VmRSS and RssAnon of the hub at idle, after start and before the kick-off. */
  readonly rssBeforeMb: number;
  readonly anonBeforeMb: number;
  /** Peak VmRSS sampled during the export (RSS also counts the pages of the store's memory-mapped file it read). */
  readonly peakRssMb: number;
  /** Peak anonymous memory (heap, buffers) sampled during the export. */
  readonly peakAnonMb: number;
  /** VmHWM at the end: the peak of the process's whole life, its start included. */
  readonly hwmMb: number;
  /** Bytes of the NDJSON files the export wrote. */
  readonly ndjsonBytes: number;
  /** The slowest answer to a status poll (every 200 ms) during the export: how responsive the hub stayed. */
  readonly slowestPollMs: number;
  /** Status polls that failed with a network error (the hub reset the connection) and were sent again. */
  readonly resets: number;
  readonly deidentified: boolean;
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

function filesBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let bytes = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) bytes += fs.statSync(path.join(e.parentPath, e.name)).size;
  return bytes;
}

/**
 * Cancels the exports an interrupted earlier run left in the region (their file directories under exports/
 * are named by job id): the hub would otherwise resume them, run them beside the measured one and refuse the
 * kick-off once the client has 2 (HUB_EXPORT_MAX_PER_CLIENT).
 */
async function cancelLeftOvers(base: string, dataDir: string, headers: Record<string, string>): Promise<void> {
  const dir = path.join(dataDir, 'exports');
  if (!fs.existsSync(dir)) return;
  for (const id of fs.readdirSync(dir)) {
    const res = await fetch(`${base}/$export-status/${id}`, { method: 'DELETE', headers });
    process.stdout.write(`   cancelled export ${id} left over in ${dataDir}: ${res.status}\n`);
  }
}

async function exportOnce(resources: number, port: number, deidentified: boolean): Promise<ExportBenchRow> {
  const dataDir = regionDir(resources);
  const hub = await startHubProcess({ HUB_DATA_DIR: dataDir, HUB_DEMO: 'false', HUB_AUDIT: 'false', HUB_JOBS: 'false', HUB_FSYNC: 'false', HUB_AUTH: deidentified ? 'true' : 'false', HUB_RATE_LIMIT: '0', HUB_EXPORT_POLL_MS: '100' }, port);
  const headers: Record<string, string> = { accept: 'application/fhir+json', prefer: 'respond-async' };
  let status = '';
  try {
    if (deidentified) headers.authorization = `Bearer ${authorityToken(dataDir, hub.base)}`;
    await cancelLeftOvers(hub.base, dataDir, headers);
    const pid = hub.child.pid ?? 0;
    const rssBeforeMb = memoryOf(pid, 'VmRSS');
    const anonBeforeMb = memoryOf(pid, 'RssAnon');
    const sampler = sampleRss(pid);
    const started = performance.now();
    const kick = await fetch(`${hub.base}/$export`, { headers });
    if (kick.status !== 202) throw new Error(`kick-off: ${kick.status} ${await kick.text()}`);
    status = kick.headers.get('content-location') ?? '';
    let manifest: { output: Array<{ count: number }> } | undefined;
    let slowestPollMs = 0;
    let resets = 0;
    while (!manifest) {
      await new Promise((r) => setTimeout(r, 200));
      const t0 = performance.now();
      let res: Response;
      try {
        res = await fetch(status, { headers });
      } catch (error) {
        // A keep-alive connection the hub closed while its event loop was busy: poll again on a new one.
        if (++resets > 20) throw error;
        continue;
      }
      slowestPollMs = Math.max(slowestPollMs, performance.now() - t0);
      if (res.status === 200) manifest = (await res.json()) as { output: Array<{ count: number }> };
      else if (res.status !== 202) throw new Error(`status: ${res.status} ${await res.text()}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const { peakRssMb, peakAnonMb } = sampler.stop();
    const exported = manifest.output.reduce((n, o) => n + o.count, 0);
    const ndjsonBytes = filesBytes(path.join(dataDir, 'exports'));
    await fetch(status, { method: 'DELETE', headers });
    return { resources, exported, seconds, perSecond: exported / seconds, rssBeforeMb, anonBeforeMb, peakRssMb, peakAnonMb, hwmMb: memoryOf(pid, 'VmHWM'), ndjsonBytes, slowestPollMs: Math.round(slowestPollMs), resets, deidentified };
  } catch (error) {
    const exit = hub.child.exitCode !== null || hub.child.signalCode !== null ? `; the hub exited (code ${String(hub.child.exitCode)}, signal ${String(hub.child.signalCode)})` : '';
    const cause = error instanceof Error && error.cause ? ` (${String(error.cause)})` : '';
    // Cancel it, or the next hub on this region resumes it (an interrupted export is started again).
    if (status && !exit) await fetch(status, { method: 'DELETE', headers }).catch(() => undefined);
    throw new Error(`export of the ${resources}-resource region failed: ${error instanceof Error ? error.message : String(error)}${cause}${exit}; the hub's last output: ${hub.output().slice(-1500)}`);
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
    `${r.exported.toLocaleString('en')} resources (${(r.ndjsonBytes / 1e6).toFixed(0)} MB of NDJSON) in ${r.seconds.toFixed(1)} s; RSS at idle ${r.rssBeforeMb} MB, peak during the export ${r.peakRssMb} MB; anonymous memory ${r.anonBeforeMb} MB at idle, peak ${r.peakAnonMb} MB; slowest status answer ${r.slowestPollMs} ms${r.resets ? `, ${r.resets} status polls reset by the hub` : ''}`,
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
