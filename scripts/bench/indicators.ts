/**
 * The time to compute every indicator (src/analytics) for a year over a generated region, in process on the
 * embedded engine: `npx tsx scripts/bench/indicators.ts [--resources N] [--data-dir DIR]` (default 200000; the
 * issue's figure is the million-resource bench region). Prints one JSON line; `npm run bench` runs it as a child
 * process with --data-dir on its bench region (data/bench-region-N), which it opens as it is (audit and jobs off,
 * nothing written). Without --data-dir the region is generated and loaded directly (no HTTP) into a temporary
 * store; its load time is reported apart from the indicator time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_REFERENCE_DATE, generateRegion, loadBundlesDirect } from '../../seed';
import { createHub } from '../../src/app';
import { INDICATORS } from '../../src/analytics/definitions';
import { Directory } from '../../src/analytics/directory';
import { evaluate } from '../../src/analytics/evaluate';
import { IndicatorQuery } from '../../src/analytics/query';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';

export interface IndicatorBenchResult {
  /** Resources loaded (0 when an existing store was opened). */
  readonly resources: number;
  readonly loadSeconds: number;
  /** All indicators, region-wide, for the year before the reference date. */
  readonly allIndicatorsSeconds: number;
  readonly perIndicatorSeconds: Readonly<Record<string, number>>;
  readonly peakRssMb: number;
}

export async function indicatorsBench(options: { resources: number; referenceDate?: string; dataDir?: string }): Promise<IndicatorBenchResult> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-indicators-'));
  const referenceDate = options.referenceDate ?? DEFAULT_REFERENCE_DATE;
  const config = { ...loadConfig({}), dataDir, demo: false, logLevel: 'silent', fsync: false, validationWorkers: 0, auth: false, jobs: false, audit: false, rateLimitPerMinute: 0 };
  const hub = await createHub({ config, log: createLogger('silent') });
  let peak = process.memoryUsage().rss;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  try {
    const load = options.dataDir ? { resources: 0, seconds: 0 } : await loadBundlesDirect(hub, generateRegion({ seed: 42, targetResources: options.resources, referenceDate }));
    const end = Date.parse(`${referenceDate}T00:00:00Z`);
    const period = { start: end - 365 * 86_400_000, end };
    const periodText = { start: new Date(period.start).toISOString().slice(0, 10), end: new Date(end - 1).toISOString().slice(0, 10) };
    const ctx = hub.systemContext();
    const started = performance.now();
    const directory = await Directory.load(new IndicatorQuery(hub.engine, hub.repo.reader(ctx), Date.now()));
    const per: Record<string, number> = {};
    for (const indicator of INDICATORS) {
      const t0 = performance.now();
      await evaluate({ store: hub.engine, repo: hub.repo }, ctx, { indicator, period, subject: { kind: 'region' }, periodText }, { directory });
      per[indicator.id] = Number(((performance.now() - t0) / 1000).toFixed(2));
    }
    const total = (performance.now() - started) / 1000;
    return { resources: load.resources, loadSeconds: Number(load.seconds.toFixed(1)), allIndicatorsSeconds: Number(total.toFixed(2)), perIndicatorSeconds: per, peakRssMb: Math.round(peak / 1048576) };
  } finally {
    clearInterval(sample);
    await hub.close();
    if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { values } = parseArgs({ options: { resources: { type: 'string', default: '200000' }, 'data-dir': { type: 'string' } } });
  indicatorsBench({ resources: Number(values.resources), dataDir: values['data-dir'] })
    .then((r) => console.log(JSON.stringify(r)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
