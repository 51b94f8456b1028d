/** Helpers for the bulk export tests: kick-off, polling the status URL, downloading files. */
import type { Resource } from '@medplum/fhirtypes';
import type { TestHub } from '../helpers/hub';
import { BASE } from '../helpers/hub';

export const ASYNC = 'respond-async';

/** The path of an absolute hub URL (`http://hub.test/fhir/...` → `/fhir/...`). */
export function pathOf(url: string): string {
  if (!url.startsWith(BASE)) throw new Error(`${url} is not a URL of the test hub`);
  return `/fhir${url.slice(BASE.length)}`;
}

const bearer = (token?: string): Record<string, string> => (token ? { Authorization: `Bearer ${token}` } : {});

export function kickOff(t: TestHub, url: string, token?: string, prefer = ASYNC) {
  return t.api.get(url).set({ ...bearer(token), Accept: 'application/fhir+json', Prefer: prefer });
}

export function statusOf(t: TestHub, statusUrl: string, token?: string) {
  return t.api.get(pathOf(statusUrl)).set(bearer(token));
}

/** Polls the status URL until it answers something other than 202 (real time; no timing is asserted). */
export async function waitFor(t: TestHub, statusUrl: string, token?: string) {
  for (let i = 0; i < 600; i++) {
    const res = await statusOf(t, statusUrl, token);
    if (res.status !== 202) return res;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`export ${statusUrl} did not finish`);
}

/** Kicks off, expects 202, waits and returns the final status answer. */
export async function exportAll(t: TestHub, url: string, token?: string, prefer = ASYNC) {
  const res = await kickOff(t, url, token, prefer);
  if (res.status !== 202) throw new Error(`kick-off ${url}: ${res.status} ${JSON.stringify(res.body)}`);
  return { kickOff: res, done: await waitFor(t, res.headers['content-location'], token) };
}

export interface ManifestBody {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: Array<{ type: string; url: string; count: number }>;
  error: Array<{ type: string; url: string; count: number }>;
}

export async function download(t: TestHub, url: string, token?: string): Promise<{ status: number; type?: string; text: string }> {
  const res = await t.api.get(pathOf(url)).set(bearer(token)).buffer(true).parse((r, cb) => {
    let text = '';
    r.setEncoding('utf8');
    r.on('data', (d: string) => (text += d));
    r.on('end', () => cb(null, text));
  });
  return { status: res.status, type: res.headers['content-type'] as string | undefined, text: res.body as string };
}

/** Every exported line of a manifest, parsed, by type; checks each file's count against its lines. */
export async function linesOf(t: TestHub, manifest: ManifestBody, token?: string): Promise<{ byType: Map<string, Resource[]>; raw: string[] }> {
  const byType = new Map<string, Resource[]>();
  const raw: string[] = [];
  for (const f of manifest.output) {
    const file = await download(t, f.url, token);
    if (file.status !== 200) throw new Error(`${f.url}: ${file.status}`);
    const lines = file.text.split('\n').filter(Boolean);
    if (lines.length !== f.count) throw new Error(`${f.url}: manifest count ${f.count}, ${lines.length} lines`);
    raw.push(...lines);
    byType.set(f.type, [...(byType.get(f.type) ?? []), ...lines.map((l) => JSON.parse(l) as Resource)]);
  }
  return { byType, raw };
}
