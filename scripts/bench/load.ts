/** HTTP load with autocannon: one scenario, its throughput and latency percentiles. */
import autocannon from 'autocannon';

export interface LoadResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
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
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}
