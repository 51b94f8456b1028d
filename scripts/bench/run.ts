/**
 * `npm run bench`: the hub's speed, measured from outside over HTTP, next to a bare express app measured
 * in the same run as the ceiling. Figures are reported as ratios to that ceiling (or to read-by-id on the
 * same store for search), because the machines are shared and noisy. Writes docs/benchmarks.md.
 *
 * Options: --duration S (per scenario, default 10) --connections N (default 10)
 *          --search-resources N (default 200000; the issue's figure is 1000000) --skip-search --skip-import
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
import type { LoadResult } from './load';
import { runLoad } from './load';
import { perResourceCosts } from './per-resource';
import { auditCosts } from './audit';
import { referralCosts } from './referral';
import { subscriptionDelay } from './subscription';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    'search-resources': { type: 'string', default: '200000' },
    'skip-search': { type: 'boolean', default: false },
    'skip-import': { type: 'boolean', default: false },
    'skip-crud': { type: 'boolean', default: false },
    'skip-audit': { type: 'boolean', default: false },
    'skip-referral': { type: 'boolean', default: false },
    'skip-subscription': { type: 'boolean', default: false },
  },
});
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const SEARCH_RESOURCES = Number(values['search-resources']);
let port = 21000 + (process.pid % 5000);
const nextPort = (): number => port++;

const rows: string[][] = [];
const notes: string[] = [];
const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function patientBody(i: number): string {
  return JSON.stringify({ resourceType: 'Patient', name: [{ family: '王', given: [`测试${i}`] }], gender: i % 2 ? 'male' : 'female', birthDate: '1980-01-02', identifier: [{ system: 'urn:bench', value: `b${i}` }] });
}

async function json(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(url, init);
  return (await res.json()) as Record<string, unknown>;
}

function fmt(r: LoadResult): string[] {
  return [Math.round(r.rps).toLocaleString('en'), `${r.p50}`, `${r.p99}`];
}

async function crud(): Promise<number> {
  log('== REST core: bare express ceiling vs hub (embedded store, fresh data directory)');
  const bare = await startHubProcess({}, nextPort(), 'scripts/bench/bare-express.ts');
  const common = { connections: CONNECTIONS, durationSeconds: DURATION };
  let i = 0;
  const ceilingRead = await runLoad({ ...common, url: bare.base.replace('/fhir', ''), method: 'GET', path: () => '/fhir/Patient/p1' });
  const ceilingCreate = await runLoad({ ...common, url: bare.base.replace('/fhir', ''), method: 'POST', path: () => '/fhir/Patient', body: () => patientBody(i++) });
  await killHard(bare);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-'));
  const hub = await startHubProcess({ HUB_DATA_DIR: dataDir }, nextPort());
  const ids: string[] = [];
  for (let n = 0; n < 1000; n++) {
    const body = await json(`${hub.base}/Patient`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: patientBody(n) });
    ids.push(String(body.id));
  }
  const pick = (): string => ids[Math.floor(Math.random() * ids.length)];
  const base = hub.base.replace('/fhir', '');
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
  await killHard(hub);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const ratio = (a: LoadResult, b: LoadResult): string => `${Math.round((a.rps / b.rps) * 100)}%`;
  rows.push(['bare express GET (ceiling)', ...fmt(ceilingRead), '100%']);
  rows.push(['bare express POST (ceiling)', ...fmt(ceilingCreate), '100%']);
  rows.push(['hub read by id', ...fmt(read), ratio(read, ceilingRead)]);
  rows.push(['hub create (validate, index, fsync)', ...fmt(create), ratio(create, ceilingCreate)]);
  rows.push(['hub update (validate, index, fsync)', ...fmt(update), ratio(update, ceilingCreate)]);
  for (const [name, r] of [['read', read], ['create', create], ['update', update]] as const) {
    if (r.non2xx > 0 || r.errors > 0) notes.push(`${name}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
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
      if (r.non2xx > 0 || r.errors > 0) notes.push(`${name}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
    }
  }
}

async function referrals(): Promise<void> {
  log('== Referrals: submit (routed) and accept, through the referral rules (scripts/bench/referral.ts)');
  for (const { scenario, result } of await referralCosts({ connections: CONNECTIONS, durationSeconds: DURATION, nextPort })) {
    rows.push([scenario, ...fmt(result), '']);
    if (result.non2xx > 0 || result.errors > 0) notes.push(`${scenario}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
}

async function imports(createRps: number): Promise<void> {
  log('== Bundle import (HTTP, embedded store, validation on)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-import-'));
  const hub = await startHubProcess({ HUB_DATA_DIR: dataDir, HUB_BODY_LIMIT: '64mb' }, nextPort());
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
  const vsCreate = (perSecond: number): string => `${Math.round((perSecond / createRps) * 100)}% of single creates/s`;
  rows.push(['import Synthea sample (12 bundles, sequential)', `${Math.round(resources / syntheaSeconds).toLocaleString('en')} resources/s`, '', '', `${vsCreate(resources / syntheaSeconds)}; ${resources} resources in ${syntheaSeconds.toFixed(1)} s`]);
  const generated = await loadBundlesHttp(generateRegion(PRESETS.demo), { base: hub.base, concurrency: 4 });
  const generatedRate = generated.resources / (generated.milliseconds / 1000);
  rows.push(['import generated demo region (4 in flight)', `${Math.round(generatedRate).toLocaleString('en')} resources/s`, '', '', `${vsCreate(generatedRate)}; ${generated.resources} resources in ${(generated.milliseconds / 1000).toFixed(1)} s`]);
  await killHard(hub);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

async function search(): Promise<void> {
  log(`== Search on a generated region of ${SEARCH_RESOURCES.toLocaleString('en')} resources`);
  const dataDir = path.join(ROOT, 'data', `bench-region-${SEARCH_RESOURCES}`);
  if (!fs.existsSync(path.join(dataDir, 'ready'))) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    log(`   building ${dataDir} (once; reused by later runs)`);
    const started = performance.now();
    execFileSync(process.execPath, ['--import', 'tsx', 'seed/cli.ts', 'load', '--data-dir', dataDir, '--resources', String(SEARCH_RESOURCES), '--trusted', '--no-progress'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, HUB_FSYNC: 'false', LOG_LEVEL: 'warn' },
    });
    fs.writeFileSync(path.join(dataDir, 'ready'), `${SEARCH_RESOURCES}\n`);
    notes.push(`The search region was built with \`seed/cli.ts load --trusted\` in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  }
  const hub = await startHubProcess({ HUB_DATA_DIR: dataDir, HUB_DEMO: 'false' }, nextPort());
  const base = hub.base.replace('/fhir', '');
  const bp = (await json(`${hub.base}/Observation?code=http://loinc.org|85354-9&_count=200&_elements=subject`)) as { entry?: Array<{ resource: { subject: { reference: string } } }> };
  const subjects = [...new Set((bp.entry ?? []).map((e) => e.resource.subject.reference))];
  const pats = (await json(`${hub.base}/Patient?_count=200`)) as { entry?: Array<{ resource: { id: string; identifier?: Array<{ system: string; value: string }> } }> };
  const people = (pats.entry ?? []).map((e) => e.resource);
  const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];
  const q = (p: string): (() => string) => () => `/fhir/${p}`;
  const scenarios: Array<[string, () => string]> = [
    ['read by id (baseline)', () => `/fhir/Patient/${pick(people).id}`],
    ['Observation?patient=', () => `/fhir/Observation?patient=${pick(subjects)}`],
    ['Patient?identifier=', () => { const id = pick(people).identifier?.[0]; return `/fhir/Patient?identifier=${encodeURIComponent(`${id?.system}|${id?.value}`)}`; }],
    ['Condition?code=I10 (_count=20)', q('Condition?code=I10&_count=20')],
    ['Observation?patient=&date=ge..&date=lt.. (one patient, a year)', () => `/fhir/Observation?patient=${pick(subjects)}&date=ge2026-01-01&date=lt2027-01-01`],
  ];
  let baseline: LoadResult | undefined;
  for (const [name, path_] of scenarios) {
    const r = await runLoad({ url: base, method: 'GET', path: path_, connections: 1, durationSeconds: DURATION });
    baseline ??= r;
    rows.push([`search: ${name}`, ...fmt(r), `${Math.round((r.rps / baseline.rps) * 100)}% of read by id`]);
    if (r.non2xx > 0) notes.push(`${name}: ${r.non2xx} non-2xx answers`);
  }
  await killHard(hub);
}

function table(): string {
  const header = ['scenario', 'requests/s', 'p50 ms', 'p99 ms', 'ratio to the baseline of the same run'];
  const lines = [header, header.map(() => '---'), ...rows.map((r) => [...r, '', '', '', ''].slice(0, 5))];
  return lines.map((l) => `| ${l.join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  const started = new Date();
  log('== Cost per resource of the write path, in-process (tiny generated region)');
  for (const { step, microseconds } of perResourceCosts()) rows.push([`per resource: ${step}`, '', '', '', `${microseconds.toFixed(0)} µs`]);
  const createRps = values['skip-crud'] ? undefined : await crud();
  if (!values['skip-audit']) await audit();
  if (!values['skip-referral']) await referrals();
  if (!values['skip-subscription']) {
    log('== Subscription delay: change answered → notification received on 127.0.0.1 (scripts/bench/subscription.ts)');
    const delay = await subscriptionDelay({ count: 200, nextPort });
    rows.push(['subscription delay (answer → notification received)', '', `${delay.p50}`, `${delay.p99}`, `${delay.count} notifications, one at a time`]);
  }
  if (!values['skip-import'] && createRps !== undefined) await imports(createRps);
  if (!values['skip-search']) await search();
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const doc = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (scripts/bench/run.ts); do not edit by hand. Each scenario runs for',
    `${DURATION} s with autocannon in the same process that drives the load; the hub runs as its own process on a`,
    'fresh embedded store with default settings (fsync on every group commit, validation on, LOG_LEVEL=warn).',
    'The ceiling is a bare express app answering the same routes with fixed JSON, measured in the same run: on a',
    'shared, noisy machine the ratios are the figures to compare, not the absolute numbers.',
    '',
    `Run: ${started.toISOString()} on ${machine}; ${CONNECTIONS} connections for REST scenarios, 1 for search latency.`,
    '',
    table(),
    '',
    ...(notes.length ? ['Notes:', ...notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
  fs.writeFileSync(path.join(ROOT, 'docs/benchmarks.md'), doc);
  log(`\n${table()}\n\nwritten to docs/benchmarks.md`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
