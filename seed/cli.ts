/**
 * Command line of the region generator.
 *
 *   npx tsx seed/cli.ts generate [--preset demo|bench-1m|tiny] [--seed N] [--clinics N]
 *                                [--residents N | --resources N] [--out region.ndjson] [--progress]
 *   npx tsx seed/cli.ts load-http --base http://localhost:8080/fhir [--in region.ndjson | generator options]
 *                                [--token T] [--concurrency 4] [--progress]
 *   npx tsx seed/cli.ts estimate [generator options]
 */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { Bundle } from '@medplum/fhirtypes';
import type { RegionOptions } from './generator/options';
import { DEFAULT_SEED, PRESETS, isPresetName } from './generator/presets';
import { estimateRegionSize, generateRegion } from './generator/region';
import { loadBundlesHttp } from './load/http-loader';
import { readNdjsonBundles } from './load/ndjson-reader';
import { writeNdjson } from './output/ndjson';
import { withServerAssignedIds } from './output/server-ids';
import { createProgress } from './output/progress';

const USAGE = `Usage:
  seed/cli.ts generate  [region options] [--out FILE|-] [--progress]
  seed/cli.ts load-http --base URL [--in FILE|-] [region options] [--token TOKEN] [--concurrency N] [--progress]
  seed/cli.ts load      --data-dir DIR [--in FILE|-] [region options] [--trusted] [--progress]
  seed/cli.ts estimate  [region options]

load writes straight into a hub's data directory (embedded store; or MongoDB when MONGODB_URI is set)
with no server running; --trusted skips validation (for generated data only, e.g. benchmark regions).

Region options:
  --preset NAME          demo (267 clinics, 500 residents, ~6.6k resources), bench-1m, tiny
  --seed N               random seed (default ${DEFAULT_SEED})
  --clinics N            primary clinics (default 267)
  --residents N          residents (default 1000)
  --resources N          add residents until N resources in all (overrides --residents)
  --reference-date DATE  the region's "today", YYYY-MM-DD (default 2026-11-01)
  --history-months N     months of care history (default 12)
  --residents-per-bundle N  residents per transaction Bundle (default 10)
  --id-prefix P          prefix of every resource id (to keep several regions apart on one server)
  --server-ids           POST entries with urn:uuid fullUrls, ifNoneExist and conditional references instead
                         of PUT with fixed ids, for servers that assign their own ids (e.g. Medplum)

load-http reads --in (NDJSON from generate; "-" for stdin) or, without it, generates the region on the fly.
`;

const OPTIONS = {
  preset: { type: 'string' },
  seed: { type: 'string' },
  clinics: { type: 'string' },
  residents: { type: 'string' },
  resources: { type: 'string' },
  'reference-date': { type: 'string' },
  'history-months': { type: 'string' },
  'residents-per-bundle': { type: 'string' },
  'id-prefix': { type: 'string' },
  out: { type: 'string', short: 'o' },
  in: { type: 'string', short: 'i' },
  base: { type: 'string' },
  'data-dir': { type: 'string' },
  trusted: { type: 'boolean' },
  'server-ids': { type: 'boolean' },
  token: { type: 'string' },
  concurrency: { type: 'string' },
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  }
  return n;
}

export function regionOptionsFromArgs(values: Values): RegionOptions {
  let base: RegionOptions = { seed: DEFAULT_SEED };
  if (values.preset !== undefined) {
    if (!isPresetName(values.preset)) {
      throw new Error(`unknown preset "${values.preset}" (known: ${Object.keys(PRESETS).join(', ')})`);
    }
    base = PRESETS[values.preset];
  }
  const resources = integer('resources', values.resources);
  const residents = integer('residents', values.residents);
  return {
    ...base,
    seed: integer('seed', values.seed) ?? base.seed,
    clinics: integer('clinics', values.clinics) ?? base.clinics,
    residents: residents ?? base.residents,
    // An explicit --residents overrides a preset's target; an explicit --resources overrides both.
    targetResources: resources ?? (residents !== undefined ? undefined : base.targetResources),
    referenceDate: values['reference-date'] ?? base.referenceDate,
    historyMonths: integer('history-months', values['history-months']) ?? base.historyMonths,
    residentsPerBundle: integer('residents-per-bundle', values['residents-per-bundle']) ?? base.residentsPerBundle,
    idPrefix: values['id-prefix'] ?? base.idPrefix,
  };
}

function progressWanted(values: Values): boolean {
  if (values['no-progress']) {
    return false;
  }
  return values.progress === true || process.stderr.isTTY === true;
}

function formatRate(resources: number, ms: number): string {
  return `${resources.toLocaleString('en')} resources in ${(ms / 1000).toFixed(1)} s (${Math.round((resources * 1000) / Math.max(ms, 1)).toLocaleString('en')} resources/s)`;
}

async function generateCommand(values: Values): Promise<void> {
  const options = regionOptionsFromArgs(values);
  const estimate = estimateRegionSize(options);
  const progress = createProgress('generate', estimate.total, progressWanted(values));
  const toStdout = values.out === undefined || values.out === '-';
  const out = toStdout ? process.stdout : createWriteStream(values.out as string);
  const started = performance.now();
  const bundles = values['server-ids'] ? withServerAssignedIds(generateRegion(options)) : generateRegion(options);
  const summary = await writeNdjson(bundles, out, (_b, n) => progress.add(n));
  progress.stop();
  if (!toStdout) {
    out.end();
    await finished(out);
  }
  const ms = performance.now() - started;
  process.stderr.write(`generated ${summary.bundles} bundles, ${formatRate(summary.resources, ms)}, ${(summary.bytes / 1e6).toFixed(1)} MB${toStdout ? '' : ` → ${values.out}`}\n`);
}

/** The Bundles to load: from --in (NDJSON; "-" for stdin), or generated from the region options. */
function bundleSource(values: Values): { bundles: AsyncIterable<Bundle> | Iterable<Bundle>; total: number } {
  if (values.in !== undefined) return { bundles: readNdjsonBundles(values.in === '-' ? process.stdin : values.in), total: 0 };
  const options = regionOptionsFromArgs(values);
  const generated = values['server-ids'] ? withServerAssignedIds(generateRegion(options)) : generateRegion(options);
  return { bundles: generated, total: estimateRegionSize(options).total };
}

async function loadHttpCommand(values: Values): Promise<void> {
  if (!values.base) {
    throw new Error('load-http needs --base, e.g. --base http://localhost:8080/fhir');
  }
  const { bundles, total } = bundleSource(values);
  const progress = createProgress('load', total, progressWanted(values));
  const summary = await loadBundlesHttp(bundles, {
    base: values.base,
    token: values.token ?? process.env.FHIR_TOKEN,
    concurrency: integer('concurrency', values.concurrency),
    onBundle: (_b, n) => progress.add(n),
  });
  progress.stop();
  process.stderr.write(`loaded ${summary.bundles} bundles into ${values.base}: ${formatRate(summary.resources, summary.milliseconds)}${summary.retries ? `, ${summary.retries} retries` : ''}\n`);
}

async function loadCommand(values: Values): Promise<void> {
  if (!values['data-dir'] && !process.env.MONGODB_URI) throw new Error('load needs --data-dir (or MONGODB_URI)');
  const { createHub } = await import('../src/app');
  const { loadConfig } = await import('../src/config');
  const { createLogger } = await import('../src/logger');
  const { loadBundlesDirect } = await import('./load/direct-loader');
  const config = { ...loadConfig(), dataDir: values['data-dir'] ?? loadConfig().dataDir, demo: false };
  const hub = await createHub({ config, log: createLogger('warn'), validate: values.trusted !== true });
  try {
    const { bundles, total } = bundleSource(values);
    const progress = createProgress('load', total, progressWanted(values));
    const summary = await loadBundlesDirect(hub, bundles, { concurrency: integer('concurrency', values.concurrency), onBundle: (b) => progress.add(b.entry?.length ?? 0) });
    progress.stop();
    process.stderr.write(`loaded ${summary.bundles} bundles into ${hub.engine.kind === 'embedded' ? config.dataDir : 'MongoDB'}: ${formatRate(summary.resources, summary.seconds * 1000)}\n`);
  } finally {
    await hub.close();
  }
}

function estimateCommand(values: Values): void {
  const e = estimateRegionSize(regionOptionsFromArgs(values));
  process.stdout.write(`${JSON.stringify({ ...e, perResident: Math.round(e.perResident * 100) / 100 }, null, 2)}\n`);
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const command = positionals[0];
  if (values.help || command === undefined) {
    process.stdout.write(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  switch (command) {
    case 'generate':
      await generateCommand(values);
      return 0;
    case 'load-http':
      await loadHttpCommand(values);
      return 0;
    case 'load':
      await loadCommand(values);
      return 0;
    case 'estimate':
      estimateCommand(values);
      return 0;
    default:
      process.stderr.write(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
