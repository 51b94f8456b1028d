/**
 * The targets of issues 15 and 13 next to what this run measured: the second table of docs/benchmarks.md.
 * Each figure is a ratio to a baseline of the same run, or a rate or latency the issue states a bound for.
 */

export interface Figures {
  readPctOfCeiling?: number;
  createPctOfCeiling?: number;
  updatePctOfCeiling?: number;
  syntheaPerSecond?: number;
  generatedPerSecond?: number;
  /** Why the generated region's import failed, if it did. */
  generatedFailure?: string;
  store?: { readonly resources: number; readonly ratio: number };
  /** The first write after start divided by the mean of the next 10. */
  firstWriteRatio?: number;
  peakRestRss?: { readonly peakMb: number; readonly idleMb: number; readonly ceilingPeakMb: number };
  searchP99?: ReadonlyArray<{ readonly name: string; readonly p99: number }>;
  searchResources?: number;
  searchClients?: number;
  countWarmP99?: ReadonlyArray<{ readonly name: string; readonly p99: number }>;
  countColdMs?: number;
  totalAccurateP99?: number;
  export?: { readonly perSecond: number; readonly resources: number };
  exportFailure?: string;
  exportFlat?: {
    readonly small: number;
    readonly big: number;
    readonly sizeRatio: number;
    readonly rssRatio: number;
    readonly anonRatio: number;
    /** Peak during the export minus idle before it, MB, on the small and the big region. */
    readonly anonGrowthMb: readonly [number, number];
  };
  indicatorsSeconds?: number;
}

type Row = [what: string, target: string, measured: string, met: string];

const NOT_RUN = 'not measured in this run';
const yes = (ok: boolean): string => (ok ? 'yes' : '**no**');
const n = (x: number): string => Math.round(x).toLocaleString('en');

export function targetRows(f: Figures): Row[] {
  const rows: Row[] = [];
  const pct = (what: string, goal: number, value: number | undefined): void => {
    rows.push([what, `≥ ${goal}%`, value === undefined ? NOT_RUN : `${value}%`, value === undefined ? '' : yes(value >= goal)]);
  };
  pct('read by id, % of the bare express GET ceiling', 75, f.readPctOfCeiling);
  pct('create, % of the bare express POST ceiling', 30, f.createPctOfCeiling);
  pct('update, % of the bare express PUT ceiling', 25, f.updatePctOfCeiling);
  const rate = (what: string, goal: number, value: number | undefined, failure?: string): void => {
    if (failure !== undefined) {
      rows.push([what, `≥ ${n(goal)} resources/s`, `failed: ${failure.slice(0, 160)}`, yes(false)]);
      return;
    }
    rows.push([what, `≥ ${n(goal)} resources/s`, value === undefined ? NOT_RUN : `${n(value)} resources/s (${Math.round((value / goal) * 100)}% of the goal)`, value === undefined ? '' : yes(value >= goal)]);
  };
  rate('Synthea transaction import (12 bundles, one at a time)', 3000, f.syntheaPerSecond);
  rate('generated region import over HTTP, 4 in flight (demo region)', 5000, f.generatedPerSecond, f.generatedFailure);
  rows.push([
    `embedded store on disk${f.store ? `, ${n(f.store.resources)} resources` : ''}${f.store && f.store.resources >= 1_000_000 ? '' : " (the issue's figure: 1M)"}`,
    "≤ 3× the region's NDJSON size",
    f.store ? `${f.store.ratio.toFixed(1)}× the NDJSON size` : NOT_RUN,
    f.store ? yes(f.store.ratio <= 3) : '',
  ]);
  rows.push([
    'first write after start (fresh hub, fresh store)',
    'no slower than 10 warm writes',
    f.firstWriteRatio === undefined ? NOT_RUN : `${f.firstWriteRatio.toFixed(1)}× the mean of the next 10 writes`,
    f.firstWriteRatio === undefined ? '' : yes(f.firstWriteRatio <= 10),
  ]);
  rows.push([
    'peak RSS of the hub under the REST load',
    '(reported)',
    f.peakRestRss ? `${f.peakRestRss.peakMb} MB: ${(f.peakRestRss.peakMb / f.peakRestRss.idleMb).toFixed(1)}× its RSS at idle (${f.peakRestRss.idleMb} MB); bare express peak ${f.peakRestRss.ceilingPeakMb} MB` : NOT_RUN,
    '',
  ]);
  const region = f.searchResources ? `${n(f.searchResources)}-resource region` : 'the bench region';
  const searches = f.searchP99 ?? [];
  const worst = searches.reduce<{ name: string; p99: number } | undefined>((w, s) => (!w || s.p99 > w.p99 ? s : w), undefined);
  rows.push([
    `selective searches and worklists, ${f.searchClients ?? 8} concurrent clients, p99, ${region}`,
    '< 25 ms each',
    searches.length ? `${searches.map((s) => `${s.name} ${s.p99}`).join(', ')} ms (worst: ${worst?.name ?? ''})` : NOT_RUN,
    searches.length ? yes(searches.every((s) => s.p99 < 25)) : '',
  ]);
  const warm = f.countWarmP99 ?? [];
  rows.push([`counts warm, one client, p99, ${region}`, '< 100 ms', warm.length ? warm.map((c) => `${c.name}: ${c.p99} ms`).join('; ') : NOT_RUN, warm.length ? yes(warm.every((c) => c.p99 < 100)) : '']);
  rows.push([`count cold (first request after start), ${region}`, '< 1 s', f.countColdMs === undefined ? NOT_RUN : `${n(f.countColdMs)} ms`, f.countColdMs === undefined ? '' : yes(f.countColdMs < 1000)]);
  rows.push([
    `\`_total=accurate\` on the I10 page, ${f.searchClients ?? 8} clients, p99`,
    '< 150 ms',
    f.totalAccurateP99 === undefined ? NOT_RUN : `${f.totalAccurateP99} ms`,
    f.totalAccurateP99 === undefined ? '' : yes(f.totalAccurateP99 < 150),
  ]);
  rows.push([
    `export throughput (issue 13)${f.export ? `, ${n(f.export.resources)}-resource region` : ''}`,
    '≥ 20,000 resources/s',
    f.export ? `${n(f.export.perSecond)} resources/s (${Math.round((f.export.perSecond / 20000) * 100)}% of the goal)` : (f.exportFailure ?? NOT_RUN),
    f.export ? yes(f.export.perSecond >= 20000) : f.exportFailure ? yes(false) : '',
  ]);
  const flat = f.exportFlat;
  rows.push([
    'export memory flat (issue 13): peak during the export, big region / small region',
    'independent of region size (here: ratio ≤ 1.25)',
    flat
      ? `region ${flat.sizeRatio.toFixed(0)}× larger (${n(flat.big)} vs ${n(flat.small)}): peak anonymous memory ×${flat.anonRatio.toFixed(2)} (above idle: +${flat.anonGrowthMb[1]} MB vs +${flat.anonGrowthMb[0]} MB), peak RSS ×${flat.rssRatio.toFixed(2)} (RSS counts the store's mapped pages read)`
      : NOT_RUN,
    flat ? `anonymous: ${yes(flat.anonRatio <= 1.25)}; RSS: ${yes(flat.rssRatio <= 1.25)}` : '',
  ]);
  rows.push([
    `all indicators for a year (issue 13)${f.searchResources ? `, ${region}` : ''}`,
    '< 30 s',
    f.indicatorsSeconds === undefined ? NOT_RUN : `${f.indicatorsSeconds.toFixed(1)} s`,
    f.indicatorsSeconds === undefined ? '' : yes(f.indicatorsSeconds < 30),
  ]);
  return rows;
}

export function targetsTable(f: Figures): string {
  const header: Row = ['issue 15 / 13 figure', 'target', 'measured in this run', 'met'];
  return [header, header.map(() => '---'), ...targetRows(f)].map((l) => `| ${l.map((c) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ')).join(' | ')} |`).join('\n');
}
