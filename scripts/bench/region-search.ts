/**
 * Search and count latency on the bench region (data/bench-region-N), over HTTP against a hub process:
 *
 * - cold count: the first request after a fresh hub start is `Condition?code=I10&_summary=count`;
 * - warm counts, one client: that count again and `Observation?_summary=count`;
 * - selective searches and the two Task worklists, `clients` concurrent clients (p50/p99), next to read by id;
 * - the I10 page with `_total=accurate` under the same clients.
 *
 * Before each load every query is sent once and its answer checked (status, entries, the count against what
 * the generator produced); whatever looks wrong goes to `notes`. The hub runs with audit and jobs off, so the
 * region stays as built (the audit rows of the bench measure audit's cost apart).
 */
import type { HubProcess } from '../lib/hub-process';
import { killHard, startHubProcess } from '../lib/hub-process';
import type { LoadResult } from './load';
import { failures, runLoad } from './load';
import { memoryOf, sampleRss } from './memory';
import type { RegionFacts } from './region';

export type LatencyKind = 'baseline' | 'selective' | 'worklist' | 'other' | 'count' | 'total';

export interface LatencyRow {
  readonly name: string;
  /** A few words for the targets table. */
  readonly short: string;
  readonly kind: LatencyKind;
  readonly clients: number;
  readonly result: LoadResult;
  /** What the first answer held: its total, or the number of its entries. */
  readonly answer: string;
}

export interface RegionSearchResult {
  /** Time of the first request after start (`Condition?code=I10&_summary=count`), ms, and its total. */
  readonly cold: { readonly name: string; readonly ms: number; readonly total: number | undefined };
  readonly rows: readonly LatencyRow[];
  readonly idleRssMb: number;
  /** Peak VmRSS and anonymous memory of the hub under the search load (sampled). */
  readonly peakRssMb: number;
  readonly peakAnonMb: number;
  readonly notes: readonly string[];
}

export const HOSPITAL = 'Organization/org-internet-hospital';
/** BP panels (LOINC 85354-9) of the region's last month: its reference date is 2026-11-01. */
const SINCE = '2026-10-01';
const BP = 'http://loinc.org|85354-9';
/** The region's year of care history, up to its reference date. */
const YEAR_START = '2025-11-01';
const YEAR_END = '2026-11-02';

interface SearchBundle {
  readonly resourceType?: string;
  readonly total?: number;
  readonly entry?: ReadonlyArray<{ readonly resource?: { readonly resourceType: string; readonly id?: string; readonly subject?: { readonly reference?: string }; readonly identifier?: ReadonlyArray<{ readonly system?: string; readonly value?: string }> } }>;
}

async function get(hub: HubProcess, path: string): Promise<{ status: number; body: SearchBundle; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${hub.base.replace('/fhir', '')}${path}`, { headers: { accept: 'application/fhir+json' } });
  const body = (await res.json()) as SearchBundle;
  return { status: res.status, body, ms: performance.now() - started };
}

export async function regionSearch(options: { dataDir: string; facts: RegionFacts; port: number; durationSeconds: number; clients: number }): Promise<RegionSearchResult> {
  const notes: string[] = [];
  const hub = await startHubProcess({ HUB_DATA_DIR: options.dataDir, HUB_DEMO: 'false', HUB_AUDIT: 'false', HUB_JOBS: 'false', HUB_RATE_LIMIT: '0' }, options.port);
  try {
    const pid = hub.child.pid ?? 0;
    const idleRssMb = memoryOf(pid, 'VmRSS');
    const coldPath = '/fhir/Condition?code=I10&_summary=count';
    const first = await get(hub, coldPath);
    if (first.status !== 200) notes.push(`cold ${coldPath}: status ${first.status}`);
    const cold = { name: 'Condition?code=I10&_summary=count', ms: Math.round(first.ms), total: first.body.total };

    const bp = await get(hub, `/fhir/Observation?code=${BP}&_count=200&_elements=subject`);
    const subjects = [...new Set((bp.body.entry ?? []).flatMap((e) => (e.resource?.subject?.reference ? [e.resource.subject.reference] : [])))];
    const pats = await get(hub, '/fhir/Patient?_count=200');
    const people = (pats.body.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
    if (subjects.length === 0 || people.length === 0) throw new Error(`the region has no BP panels (${subjects.length} subjects) or no Patients (${people.length})`);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];
    const fixed = (p: string): (() => string) => () => `/fhir/${p}`;
    const identifier = (): string => {
      const id = pick(people).identifier?.[0];
      return `/fhir/Patient?identifier=${encodeURIComponent(`${id?.system}|${id?.value}`)}`;
    };

    const worklist = (owner?: string): string => `Task?${owner ? `owner=${owner}&` : ''}status=requested&_sort=-_lastUpdated&_count=20`;
    const scenarios: Array<{ name: string; short?: string; kind: LatencyKind; clients: number; path: () => string; expect?: number }> = [
      { name: 'Condition?code=I10&_summary=count (warm)', kind: 'count', clients: 1, path: fixed('Condition?code=I10&_summary=count'), expect: options.facts.conditionsI10 },
      { name: 'Observation?_summary=count (warm)', kind: 'count', clients: 1, path: fixed('Observation?_summary=count'), expect: options.facts.types.Observation ?? 0 },
      { name: 'read by id (baseline)', kind: 'baseline', clients: options.clients, path: () => `/fhir/Patient/${pick(people).id ?? ''}` },
      { name: "Observation?patient= (a patient's Observations)", short: "a patient's Observations", kind: 'selective', clients: options.clients, path: () => `/fhir/Observation?patient=${pick(subjects)}` },
      { name: 'Patient?identifier=', short: 'identifier', kind: 'selective', clients: options.clients, path: identifier },
      { name: 'Condition?code=I10&_count=20', short: 'I10 page', kind: 'selective', clients: options.clients, path: fixed('Condition?code=I10&_count=20') },
      { name: `Observation?code=BP panel&date=ge${SINCE}&_count=20 (BP panels since a date)`, short: 'BP panels since a date', kind: 'selective', clients: options.clients, path: fixed(`Observation?code=${encodeURIComponent(BP)}&date=ge${SINCE}&_count=20`) },
      { name: `Observation?patient=&date=ge${YEAR_START}&date=lt${YEAR_END} (one patient, the region's year)`, kind: 'other', clients: options.clients, path: () => `/fhir/Observation?patient=${pick(subjects)}&date=ge${YEAR_START}&date=lt${YEAR_END}` },
      { name: worklist(), short: 'worklist', kind: 'worklist', clients: options.clients, path: fixed(worklist()) },
      { name: worklist(HOSPITAL), short: "the hospital's worklist", kind: 'worklist', clients: options.clients, path: fixed(worklist(HOSPITAL)) },
      { name: 'Condition?code=I10&_count=20&_total=accurate', kind: 'total', clients: options.clients, path: fixed('Condition?code=I10&_count=20&_total=accurate'), expect: options.facts.conditionsI10 },
    ];
    const rows: LatencyRow[] = [];
    const sampler = sampleRss(pid);
    for (const s of scenarios) {
      const once = await get(hub, s.path());
      const entries = once.body.entry?.length ?? 0;
      const answer = once.body.resourceType !== 'Bundle' ? `a ${String(once.body.resourceType)}` : once.body.total !== undefined ? `total ${once.body.total}` : `${entries} entries`;
      if (once.status !== 200) notes.push(`${s.name}: status ${once.status}`);
      else if (s.kind !== 'count' && s.kind !== 'baseline' && entries === 0) notes.push(`${s.name}: the first answer had no entries`);
      if (s.expect !== undefined && once.body.total !== s.expect) notes.push(`${s.name}: total ${String(once.body.total)}, the generator produced ${s.expect}`);
      const result = await runLoad({ url: hub.base.replace('/fhir', ''), method: 'GET', path: s.path, connections: s.clients, durationSeconds: options.durationSeconds });
      const f = failures(result);
      if (f) notes.push(`${s.name}: ${f} under load`);
      rows.push({ name: s.name, short: s.short ?? s.name, kind: s.kind, clients: s.clients, result, answer });
    }
    if (cold.total !== options.facts.conditionsI10) notes.push(`cold ${cold.name}: total ${String(cold.total)}, the generator produced ${options.facts.conditionsI10}`);
    const peak = sampler.stop();
    return { cold, rows, idleRssMb, ...peak, notes };
  } finally {
    await killHard(hub);
  }
}
