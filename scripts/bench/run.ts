/**
 * `npm run bench`: the hub's speed, measured from outside over HTTP, next to a bare express app measured
 * in the same run as the ceiling. Figures are reported as ratios to that ceiling (or to read-by-id on the
 * same store for search), because the machines are shared and noisy. Writes docs/benchmarks.md.
 *
 * A second table states each target of issues 15 and 13 next to what the run measured and whether it is met.
 *
 * Options: --duration S (per scenario, default 10) --connections N (REST scenarios, default 32)
 *          --search-clients N (concurrent clients of the search rows, default 8)
 *          --search-resources N (the bench region data/bench-region-N the search, count, store size, export and
 *            indicator rows run on; default 200000; the issue's figure is 1000000)
 *          --export-small N (the small region the export's memory is compared with, default 20000)
 *          --skip-search (search, count and store size rows) --skip-export --skip-indicators --skip-import
 *          --skip-crud (the ceiling and REST core rows; also skips import) --skip-audit (the audit cost rows)
 *          --skip-referral (the referral submit and accept rows) --skip-subscription (the subscription delay row)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Bundle } from '@medplum/fhirtypes';
import { generateRegion, loadBundlesHttp, PRESETS } from '../../seed';
import { killHard, ROOT, startHubProcess } from '../lib/hub-process';
import { auditCosts } from './audit';
import { exportBench, formatRow as formatExportRow } from './export';
import type { IndicatorBenchResult } from './indicators';
import type { LoadResult } from './load';
import { failures, runLoad } from './load';
import { memoryOf, sampleRss } from './memory';
import { perResourceCosts } from './per-resource';
import { portBlock } from './ports';
import { referralCosts } from './referral';
import type { Region } from './region';
import { ensureRegion, storeOnDisk } from './region';
import { regionSearch } from './region-search';
import { subscriptionDelay } from './subscription';
import type { Figures } from './targets';
import { targetsTable } from './targets';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    'search-clients': { type: 'string', default: '8' },
    'search-resources': { type: 'string', default: '200000' },
    'export-small': { type: 'string', default: '20000' },
    'skip-search': { type: 'boolean', default: false },
    'skip-export': { type: 'boolean', default: false },
    'skip-indicators': { type: 'boolean', default: false },
    'skip-import': { type: 'boolean', default: false },
    'skip-crud': { type: 'boolean', default: false },
    'skip-audit': { type: 'boolean', default: false },
    'skip-referral': { type: 'boolean', default: false },
    'skip-subscription': { type: 'boolean', default: false },
  },
});
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const SEARCH_CLIENTS = Number(values['search-clients']);
const SEARCH_RESOURCES = Number(values['search-resources']);
const EXPORT_SMALL = Number(values['export-small']);
/** Set in main(): the ports of a block found free at start. */
let nextPort: () => number = () => {
  throw new Error('ports not allocated yet');
};

const rows: string[][] = [];
const notes: string[] = [];
const figures: Figures = {};
const pct = (a: LoadResult, b: LoadResult): number => Math.round((a.rps / b.rps) * 100);
const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function patientBody(i: number): string {
  return JSON.stringify({ resourceType: 'Patient', name: [{ family: '王', given: [`测试${i}`] }], gender: i % 2 ? 'male' : 'female', birthDate: '1980-01-02', identifier: [{ system: 'urn:bench', value: `b${i}` }] });
}

function fmt(r: LoadResult): string[] {
  return [Math.round(r.rps).toLocaleString('en'), `${r.p50}`, `${r.p99}`];
}

async function crud(): Promise<number> {
  log('== REST core: bare express ceiling vs hub (embedded store, fresh data directory)');
  const bare = await startHubProcess({}, nextPort(), 'scripts/bench/bare-express.ts');
  const common = { connections: CONNECTIONS, durationSeconds: DURATION };
  let i = 0;
  const bareBase = bare.base.replace('/fhir', '');
  const bareSampler = sampleRss(bare.child.pid ?? 0);
  const ceilingRead = await runLoad({ ...common, url: bareBase, method: 'GET', path: () => '/fhir/Patient/p1' });
  const ceilingCreate = await runLoad({ ...common, url: bareBase, method: 'POST', path: () => '/fhir/Patient', body: () => patientBody(i++) });
  const ceilingUpdate = await runLoad({ ...common, url: bareBase, method: 'PUT', path: () => '/fhir/Patient/p1', body: () => JSON.stringify({ ...JSON.parse(patientBody(i++)), id: 'p1' }) });
  const barePeak = bareSampler.stop();
  await killHard(bare);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-'));
  const hub = await startHubProcess({ HUB_DATA_DIR: dataDir, HUB_RATE_LIMIT: '0' }, nextPort());
  const pid = hub.child.pid ?? 0;
  const idleRssMb = memoryOf(pid, 'VmRSS');
  // The first write after start, then the next 10 one at a time: lazy set-up (validator, indexes, store) shows in the first.
  const ids: string[] = [];
  const writeTimes: number[] = [];
  for (let n = 0; n < 1000; n++) {
    const t0 = performance.now();
    const res = await fetch(`${hub.base}/Patient`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: patientBody(n) });
    const body = (await res.json()) as Record<string, unknown>;
    if (n <= 10) writeTimes.push(performance.now() - t0);
    if (res.status !== 201) throw new Error(`seeding a Patient failed with ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    ids.push(String(body.id));
  }
  const [firstWrite, ...warmWrites] = writeTimes;
  const warmMean = warmWrites.reduce((a, b) => a + b, 0) / warmWrites.length;
  figures.firstWriteRatio = firstWrite / warmMean;
  const pick = (): string => ids[Math.floor(Math.random() * ids.length)];
  const base = hub.base.replace('/fhir', '');
  const sampler = sampleRss(pid);
  const read = await runLoad({ ...common, url: base, method: 'GET', path: () => `/fhir/Patient/${pick()}` });
  const create = await runLoad({ ...common, url: base, method: 'POST', path: () => '/fhir/Patient', body: () => patientBody(i++) });
  const update = await runLoad({
    ...common,
    url: base,
    method: 'PUT',
    path: () => {
      const id = pick();
      lastUpdateId = id;
      return `/fhir/Patient/${id}`;
    },
    body: () => JSON.stringify({ ...JSON.parse(patientBody(i++)), id: lastUpdateId }),
  });
  const peak = sampler.stop();
  const hwmMb = memoryOf(pid, 'VmHWM');
  await killHard(hub);
  fs.rmSync(dataDir, { recursive: true, force: true });
  rows.push(['bare express GET (ceiling)', ...fmt(ceilingRead), '100%']);
  rows.push(['bare express POST (ceiling)', ...fmt(ceilingCreate), '100%']);
  rows.push(['bare express PUT (ceiling)', ...fmt(ceilingUpdate), '100%']);
  rows.push(['hub read by id', ...fmt(read), `${pct(read, ceilingRead)}% of the GET ceiling`]);
  rows.push(['hub create (validate, index, fsync)', ...fmt(create), `${pct(create, ceilingCreate)}% of the POST ceiling`]);
  rows.push(['hub update (validate, index, fsync)', ...fmt(update), `${pct(update, ceilingUpdate)}% of the PUT ceiling`]);
  rows.push(['first write after start (fresh hub, fresh store), one client', '', `${firstWrite.toFixed(0)}`, '', `${figures.firstWriteRatio.toFixed(1)}× the mean of the next 10 writes (${warmMean.toFixed(1)} ms)`]);
  rows.push([
    'peak RSS of the hub under the REST load above',
    '',
    '',
    '',
    `${peak.peakRssMb} MB = ${(peak.peakRssMb / idleRssMb).toFixed(1)}× its RSS at idle after start (${idleRssMb} MB); anonymous ${peak.peakAnonMb} MB; VmHWM ${hwmMb} MB; bare express peak ${barePeak.peakRssMb} MB`,
  ]);
  figures.readPctOfCeiling = pct(read, ceilingRead);
  figures.createPctOfCeiling = pct(create, ceilingCreate);
  figures.updatePctOfCeiling = pct(update, ceilingUpdate);
  figures.peakRestRss = { peakMb: peak.peakRssMb, idleMb: idleRssMb, ceilingPeakMb: barePeak.peakRssMb };
  for (const [name, r] of [['bare GET', ceilingRead], ['bare POST', ceilingCreate], ['bare PUT', ceilingUpdate], ['read', read], ['create', create], ['update', update]] as const) {
    const f = failures(r);
    if (f) notes.push(`${name}: ${f}`);
  }
  return create.rps;
}
let lastUpdateId = '';

async function audit(): Promise<void> {
  log('== Audit: the same hub with HUB_AUDIT=true and HUB_AUDIT=false (side by side, fresh stores, measured alternately)');
  for (const { scenario, withAudit, withoutAudit } of await auditCosts({ connections: CONNECTIONS, durationSeconds: DURATION, nextPort, patientBody })) {
    rows.push([`audit off: ${scenario}`, ...fmt(withoutAudit), '100%']);
    rows.push([`audit on: ${scenario}`, ...fmt(withAudit), `${Math.round((withAudit.rps / withoutAudit.rps) * 100)}% of audit off (goal ≥ 80%)`]);
    for (const [name, r] of [[`audit off ${scenario}`, withoutAudit], [`audit on ${scenario}`, withAudit]] as const) {
      const f = failures(r);
      if (f) notes.push(`${name}: ${f}`);
    }
  }
}

async function referrals(): Promise<void> {
  log('== Referrals: submit (routed) and accept, through the referral rules (scripts/bench/referral.ts)');
  for (const { scenario, result } of await referralCosts({ connections: CONNECTIONS, durationSeconds: DURATION, nextPort })) {
    rows.push([scenario, ...fmt(result), '']);
    const f = failures(result);
    if (f) notes.push(`${scenario}: ${f}`);
  }
}

async function imports(createRps: number): Promise<void> {
  log('== Bundle import (HTTP, embedded store, validation on)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-import-'));
  const hub = await startHubProcess({ HUB_DATA_DIR: dataDir, HUB_BODY_LIMIT: '64mb', HUB_RATE_LIMIT: '0' }, nextPort());
  const dir = path.resolve(ROOT, '../shared/fixtures/synthea');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  let resources = 0;
  const started = performance.now();
  for (const f of files) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    resources += ((JSON.parse(text) as Bundle).entry ?? []).length;
    const res = await fetch(hub.base, { method: 'POST', headers: { 'content-type': 'application/fhir+json', prefer: 'return=minimal' }, body: text });
    if (res.status !== 200) throw new Error(`${f}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  }
  const syntheaSeconds = (performance.now() - started) / 1000;
  figures.syntheaPerSecond = resources / syntheaSeconds;
  const vsCreate = (perSecond: number): string => `${Math.round((perSecond / createRps) * 100)}% of single creates/s`;
  rows.push(['import Synthea sample (12 bundles, sequential)', `${Math.round(resources / syntheaSeconds).toLocaleString('en')} resources/s`, '', '', `${vsCreate(resources / syntheaSeconds)}; ${resources} resources in ${syntheaSeconds.toFixed(1)} s`]);
  try {
    const generated = await loadBundlesHttp(generateRegion(PRESETS.demo), { base: hub.base, concurrency: 4 });
    const generatedRate = generated.resources / (generated.milliseconds / 1000);
    figures.generatedPerSecond = generatedRate;
    if (generated.retries > 0) notes.push(`generated demo region import: ${generated.retries} bundles retried (429, 5xx or network errors)`);
    rows.push(['import generated demo region (4 in flight)', `${Math.round(generatedRate).toLocaleString('en')} resources/s`, '', '', `${vsCreate(generatedRate)}; ${generated.resources} resources in ${(generated.milliseconds / 1000).toFixed(1)} s`]);
  } catch (error) {
    // A refused Bundle stops the import; the rest of the bench still runs.
    const why = error instanceof Error ? error.message : String(error);
    figures.generatedFailure = why;
    rows.push(['import generated demo region (4 in flight)', 'failed', '', '', why.slice(0, 300)]);
    notes.push(`The generated demo region's import over HTTP was refused: ${why.slice(0, 500)}`);
  }
  await killHard(hub);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

function storeSize(region: Region): void {
  const store = storeOnDisk(region.dir);
  const { facts } = region;
  const ratio = store.bytes / facts.ndjsonBytes;
  figures.store = { resources: facts.resources, ratio };
  const mb = (b: number): string => `${(b / 1e6).toFixed(0)} MB`;
  const split = store.databases.map((d) => `${d.name} ${mb(d.pages * store.pageSize)} (${d.entries.toLocaleString('en')} entries${d.overflowPages ? `, ${mb(d.overflowPages * store.pageSize)} in overflow pages` : ''})`).join(', ');
  rows.push([
    `embedded store on disk, ${facts.resources.toLocaleString('en')}-resource region`,
    mb(store.bytes),
    '',
    '',
    `${ratio.toFixed(1)}× the region's NDJSON (${mb(facts.ndjsonBytes)}, one resource per line; ${mb(facts.bundleNdjsonBytes)} as the generator's Bundles); pages in use: ${split}`,
  ]);
  if (facts.storeBytesAsBuilt !== undefined && Math.abs(facts.storeBytesAsBuilt - store.bytes) > 0.02 * store.bytes) {
    notes.push(`The bench region's store measured ${mb(facts.storeBytesAsBuilt)} right after its build and ${mb(store.bytes)} now: something wrote to it since.`);
  }
}

async function search(region: Region): Promise<void> {
  log(`== Search and counts on the ${SEARCH_RESOURCES.toLocaleString('en')}-resource region, ${SEARCH_CLIENTS} concurrent clients (scripts/bench/region-search.ts)`);
  const r = await regionSearch({ dataDir: region.dir, facts: region.facts, port: nextPort(), durationSeconds: DURATION, clients: SEARCH_CLIENTS });
  rows.push([`count cold: ${r.cold.name}, first request after a fresh hub start`, '', `${r.cold.ms}`, '', `total ${String(r.cold.total)}`]);
  const baseline = r.rows.find((x) => x.kind === 'baseline')?.result;
  for (const x of r.rows) {
    const vs = x.kind === 'count' ? 'one client' : baseline ? `${x.clients} clients; ${Math.round((x.result.rps / baseline.rps) * 100)}% of read by id` : `${x.clients} clients`;
    rows.push([`${x.kind === 'count' ? 'count' : 'search'}: ${x.name}`, ...fmt(x.result), `${vs}; ${x.answer}`]);
  }
  rows.push(['peak RSS of the hub during the count and search rows', '', '', '', `${r.peakRssMb} MB (anonymous ${r.peakAnonMb} MB) = ${(r.peakRssMb / r.idleRssMb).toFixed(1)}× its RSS at idle after start (${r.idleRssMb} MB)`]);
  notes.push(...r.notes);
  figures.searchResources = region.facts.resources;
  figures.searchClients = SEARCH_CLIENTS;
  figures.searchP99 = r.rows.filter((x) => x.kind === 'selective' || x.kind === 'worklist').map((x) => ({ name: x.short, p99: x.result.p99 }));
  figures.countWarmP99 = r.rows.filter((x) => x.kind === 'count').map((x) => ({ name: x.name.replace(' (warm)', ''), p99: x.result.p99 }));
  figures.countColdMs = r.cold.ms;
  figures.totalAccurateP99 = r.rows.find((x) => x.kind === 'total')?.result.p99;
}

async function exports(): Promise<void> {
  const small = EXPORT_SMALL < SEARCH_RESOURCES ? EXPORT_SMALL : undefined;
  log(`== Bulk export: system-level $export on the ${SEARCH_RESOURCES.toLocaleString('en')}-resource region${small ? ` and on a ${small.toLocaleString('en')}-resource one` : ''} (scripts/bench/export.ts)`);
  const measured = [];
  for (const size of small ? [small, SEARCH_RESOURCES] : [SEARCH_RESOURCES]) {
    try {
      measured.push(...(await exportBench([size], { port: nextPort() })));
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      rows.push([`$export, ${size.toLocaleString('en')}-resource region`, 'failed', '', '', why.slice(0, 300)]);
      notes.push(why);
    }
  }
  for (const r of measured) {
    const [name, rate, detail] = formatExportRow(r);
    rows.push([name, rate, '', '', detail]);
    const generated = ensureRegion(r.resources, log).facts.resources;
    if (r.exported !== generated) notes.push(`${name}: exported ${r.exported} resources of the ${generated} generated`);
  }
  const big = measured.find((r) => r.resources === SEARCH_RESOURCES);
  if (!big) {
    figures.exportFailure = `the export of the ${SEARCH_RESOURCES.toLocaleString('en')}-resource region failed (see the notes)`;
    return;
  }
  figures.export = { perSecond: big.perSecond, resources: big.resources };
  const s = measured.find((r) => r.resources === small);
  if (s) {
    figures.exportFlat = { small: s.resources, big: big.resources, sizeRatio: big.resources / s.resources, rssRatio: big.peakRssMb / s.peakRssMb, anonRatio: big.peakAnonMb / s.peakAnonMb, anonGrowthMb: [s.peakAnonMb - s.anonBeforeMb, big.peakAnonMb - big.anonBeforeMb] };
  }
}

function indicators(region: Region): void {
  log(`== Indicators: every indicator of src/analytics for a year, region-wide, on the ${SEARCH_RESOURCES.toLocaleString('en')}-resource region (scripts/bench/indicators.ts, own process)`);
  const out = execFileSync(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', 'scripts/bench/indicators.ts', '--data-dir', region.dir], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' } });
  const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as IndicatorBenchResult;
  figures.indicatorsSeconds = r.allIndicatorsSeconds;
  const slowest = Object.entries(r.perIndicatorSeconds).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([id, sec]) => `${id} ${sec} s`).join(', ');
  rows.push(['all indicators for a year, region-wide (in process, embedded engine)', `${r.allIndicatorsSeconds} s`, '', '', `${Object.keys(r.perIndicatorSeconds).length} indicators; slowest: ${slowest}; peak RSS ${r.peakRssMb} MB`]);
}

function table(): string {
  const header = ['scenario', 'requests/s', 'p50 ms', 'p99 ms', 'ratio to the baseline of the same run'];
  const lines = [header, header.map(() => '---'), ...rows.map((r) => [...r, '', '', '', ''].slice(0, 5))];
  return lines.map((l) => `| ${l.map((c) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ')).join(' | ')} |`).join('\n');
}

const loadAverage = (): string => os.loadavg().map((x) => x.toFixed(1)).join(' / ');

async function main(): Promise<void> {
  const started = new Date();
  const loadAtStart = loadAverage();
  nextPort = await portBlock();
  log('== Cost per resource of the write path, in-process (tiny generated region)');
  for (const { step, microseconds } of perResourceCosts()) rows.push([`per resource: ${step}`, '', '', '', `${microseconds.toFixed(0)} µs`]);
  const createRps = values['skip-crud'] ? undefined : await crud();
  if (!values['skip-audit']) await audit();
  if (!values['skip-referral']) await referrals();
  if (!values['skip-subscription']) {
    log('== Subscription delay: change answered → notification received on 127.0.0.1 (scripts/bench/subscription.ts)');
    try {
      const delay = await subscriptionDelay({ count: 200, nextPort });
      rows.push(['subscription delay (answer → notification received)', '', `${delay.p50}`, `${delay.p99}`, `${delay.count} notifications, one at a time`]);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      rows.push(['subscription delay (answer → notification received)', 'failed', '', '', why]);
      notes.push(`The subscription delay row failed: ${why}`);
    }
  }
  if (!values['skip-import'] && createRps !== undefined) await imports(createRps);
  let region: Region | undefined;
  if (!values['skip-search'] || !values['skip-export'] || !values['skip-indicators']) {
    log(`== The bench region: data/bench-region-${SEARCH_RESOURCES}`);
    region = ensureRegion(SEARCH_RESOURCES, log);
    const f = region.facts;
    notes.push(
      `The bench region (data/bench-region-${SEARCH_RESOURCES}, ${f.resources.toLocaleString('en')} resources: ${(f.types.Patient ?? 0).toLocaleString('en')} Patients, ${(f.types.Observation ?? 0).toLocaleString('en')} Observations, ${f.conditionsI10.toLocaleString('en')} I10 Conditions, ${f.tasksRequested.toLocaleString('en')} requested Tasks) ` +
        (f.buildSeconds !== undefined ? `was built with \`seed/cli.ts load --trusted\` in ${f.buildSeconds.toFixed(0)} s (${Math.round(f.resources / f.buildSeconds).toLocaleString('en')} resources/s)${region.builtNow ? ' in this run' : ' by an earlier run'}.` : 'was built by an earlier run (build time not recorded).'),
    );
  }
  if (region && !values['skip-search']) {
    storeSize(region);
    await search(region);
  }
  if (region && !values['skip-export']) await exports();
  if (region && !values['skip-indicators']) indicators(region);
  const seconds = (Date.now() - started.getTime()) / 1000;
  const skipped = Object.entries(values).filter(([k, v]) => k.startsWith('skip-') && v === true).map(([k]) => `--${k}`);
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const doc = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (scripts/bench/run.ts); do not edit by hand. Each scenario runs for',
    `${DURATION} s with autocannon in the same process that drives the load; the hub runs as its own process on a`,
    'fresh embedded store with default settings (fsync on every group commit, validation on, audit on, LOG_LEVEL=warn)',
    'except the per-client rate limit (`HUB_RATE_LIMIT=0`: with auth off every request is the same client).',
    'The ceiling is a bare express app answering the same routes with fixed JSON, measured in the same run: on a',
    'shared, noisy machine the ratios are the figures to compare, not the absolute numbers.',
    '',
    `The search, count, store size, export and indicator rows run on the bench region data/bench-region-${SEARCH_RESOURCES}, a generated`,
    'region built once with `seed/cli.ts load --trusted` and reused by later runs (`npm run bench -- --search-resources 1000000`',
    "for the issue's million-resource figures). Its hubs run with `HUB_AUDIT=false` and `HUB_JOBS=false`, so the region stays",
    'as built and runs compare (the audit rows measure what audit costs). "Cold" is the first request after a fresh hub',
    "process start; the operating system's page cache may still hold the store from earlier runs.",
    '',
    `Run: ${started.toISOString()} on ${machine}, ${Math.round(seconds / 60)} min; load average ${loadAtStart} at start, ${loadAverage()} at the end;`,
    `${CONNECTIONS} connections for REST scenarios, ${SEARCH_CLIENTS} concurrent clients for search, one for counts${skipped.length ? `; skipped: ${skipped.join(' ')}` : ''}.`,
    '',
    '## Targets',
    '',
    'The figures of issue 15 (and the export and indicator goals of issue 13) next to what this run measured. Latencies',
    'are judged by their p99; "BP panels since a date" is region-wide (`Observation?code=http://loinc.org|85354-9&date=ge…&_count=20`);',
    "the export's memory is flat when its peak during the export on the bench region is at most 1.25× the peak on the small region.",
    '',
    targetsTable(figures),
    '',
    '## All rows',
    '',
    table(),
    '',
    ...(notes.length ? ['Notes:', ...notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
  fs.writeFileSync(path.join(ROOT, 'docs/benchmarks.md'), doc);
  log(`\n${targetsTable(figures)}\n\n${table()}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n\nwritten to docs/benchmarks.md (${seconds.toFixed(0)} s)`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
