/**
 * Loads transaction Bundles into any FHIR R4 server over HTTP (POST [base]), with bounded concurrency.
 *
 * A generated region's infrastructure Bundles go one at a time, in order (later ones reference earlier
 * ones), and all of them complete before the residents' Bundles start; those then run `concurrency` at a
 * time. Every entry is a PUT with a deterministic id, so a retried Bundle never duplicates anything:
 * failed requests (network errors, 429, 5xx) are retried with exponential back-off.
 */
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { bundlePhase } from '../generator/region';

export interface HttpLoadOptions {
  /** FHIR base URL, e.g. http://localhost:8080/fhir (a Medplum server: https://host/fhir/R4). */
  readonly base: string;
  /** Sent as "Authorization: Bearer <token>". */
  readonly token?: string;
  /** Bundles in flight at once (default 4). */
  readonly concurrency?: number;
  /** Retries of one Bundle after the first attempt (default 3). */
  readonly retries?: number;
  /** First back-off delay in ms, doubled on each retry (default 500). */
  readonly retryDelayMs?: number;
  /** Per-request timeout in ms (default 120000). */
  readonly timeoutMs?: number;
  /** Called after each Bundle the server accepted. */
  readonly onBundle?: (bundle: Bundle, resources: number) => void;
  /** Injected for tests; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
}

export interface LoadSummary {
  readonly bundles: number;
  readonly resources: number;
  readonly retries: number;
  readonly milliseconds: number;
  readonly resourcesPerSecond: number;
}

export class BundleLoadError extends Error {
  constructor(
    message: string,
    readonly bundleId: string | undefined,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'BundleLoadError';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describeOutcome(body: unknown): string {
  const outcome = body as Partial<OperationOutcome> | undefined;
  if (outcome?.resourceType === 'OperationOutcome') {
    return (outcome.issue ?? []).map((i) => i.details?.text ?? i.diagnostics ?? i.code).join('; ');
  }
  return '';
}

/** Checks a transaction-response: every entry must have a 2xx status. */
function checkResponse(bundle: Bundle, body: unknown): void {
  const response = body as Partial<Bundle> | undefined;
  if (response?.resourceType !== 'Bundle') {
    throw new BundleLoadError(`${bundle.id ?? 'bundle'}: response is not a Bundle`, bundle.id, undefined);
  }
  (response.entry ?? []).forEach((entry, i) => {
    const status = entry.response?.status ?? '';
    if (!/^2\d\d/.test(status)) {
      throw new BundleLoadError(`${bundle.id ?? 'bundle'}: entry ${i} answered "${status}"`, bundle.id, Number.parseInt(status, 10) || undefined);
    }
  });
}

export async function loadBundlesHttp(
  bundles: Iterable<Bundle> | AsyncIterable<Bundle>,
  options: HttpLoadOptions,
): Promise<LoadSummary> {
  const doFetch = options.fetch ?? fetch;
  const url = options.base.replace(/\/+$/, '');
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const maxRetries = options.retries ?? 3;
  const retryDelay = options.retryDelayMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const headers: Record<string, string> = {
    'content-type': 'application/fhir+json',
    accept: 'application/fhir+json',
  };
  if (options.token) {
    headers.authorization = `Bearer ${options.token}`;
  }
  const started = performance.now();
  let loaded = 0;
  let resources = 0;
  let retries = 0;

  async function send(bundle: Bundle): Promise<void> {
    const body = JSON.stringify(bundle);
    for (let attempt = 0; ; attempt++) {
      let status: number | undefined;
      let detail: string;
      try {
        const response = await doFetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
        status = response.status;
        const text = await response.text();
        const parsed: unknown = text ? JSON.parse(text) : undefined;
        if (response.ok) {
          checkResponse(bundle, parsed);
          loaded++;
          resources += bundle.entry?.length ?? 0;
          options.onBundle?.(bundle, bundle.entry?.length ?? 0);
          return;
        }
        detail = `HTTP ${status} ${describeOutcome(parsed)}`.trim();
      } catch (error) {
        if (error instanceof BundleLoadError) {
          throw error;
        }
        detail = error instanceof Error ? error.message : String(error);
      }
      const retryable = status === undefined || status === 429 || status >= 500;
      if (!retryable || attempt >= maxRetries) {
        throw new BundleLoadError(`${bundle.id ?? 'bundle'}: ${detail}`, bundle.id, status);
      }
      retries++;
      await sleep(retryDelay * 2 ** attempt);
    }
  }

  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const drain = async (limit: number): Promise<void> => {
    while (inFlight.size > limit) {
      await Promise.race(inFlight);
    }
  };
  for await (const bundle of bundles) {
    if (failure !== undefined) {
      break;
    }
    const phase = bundlePhase(bundle);
    if (phase === 'infrastructure') {
      await drain(0);
      if (failure !== undefined) {
        break;
      }
      await send(bundle);
      continue;
    }
    const p: Promise<void> = send(bundle).then(
      () => {
        inFlight.delete(p);
      },
      (error: unknown) => {
        inFlight.delete(p);
        failure ??= error;
      },
    );
    inFlight.add(p);
    await drain(concurrency - 1);
  }
  await drain(0);
  if (failure !== undefined) {
    throw failure;
  }
  const milliseconds = performance.now() - started;
  return {
    bundles: loaded,
    resources,
    retries,
    milliseconds: Math.round(milliseconds),
    resourcesPerSecond: milliseconds > 0 ? Math.round((resources * 1000) / milliseconds) : 0,
  };
}
