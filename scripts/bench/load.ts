/** HTTP load with autocannon: one scenario, its throughput and latency percentiles. */
import autocannon from 'autocannon';

export interface LoadResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
  /** Answers per status code other than 2xx, e.g. { '429': 120 }. */
  readonly non2xxStatuses: Readonly<Record<string, number>>;
}

/** "120 non-2xx answers (429: 120), 0 errors", or undefined when every answer was 2xx. */
export function failures(r: LoadResult): string | undefined {
  if (r.non2xx === 0 && r.errors === 0) return undefined;
  const statuses = Object.entries(r.non2xxStatuses).map(([code, count]) => `${code}: ${count}`).join(', ');
  return `${r.non2xx} non-2xx answers${statuses ? ` (${statuses})` : ''}, ${r.errors} errors`;
}

export interface Scenario {
  readonly url: string;
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: () => string;
  readonly body?: () => string;
  readonly connections: number;
  readonly durationSeconds: number;
}

export async function runLoad(s: Scenario): Promise<LoadResult> {
  const result = await autocannon({
    url: s.url,
    connections: s.connections,
    duration: s.durationSeconds,
    requests: [
      {
        method: s.method,
        setupRequest: (req) => ({
          ...req,
          path: s.path(),
          headers: { 'content-type': 'application/fhir+json' },
          ...(s.body ? { body: s.body() } : {}),
        }),
      },
    ],
  });
  const non2xxStatuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) if (!code.startsWith('2') && stat.count) non2xxStatuses[code] = stat.count;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx, non2xxStatuses };
}
