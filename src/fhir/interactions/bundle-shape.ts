/**
 * The shape of a batch or transaction Bundle as the planner reads it — `entry` a list of objects, each
 * `request` with a method, a url and string conditional headers, `fullUrl` a string, `resource` an object —
 * checked before anything plans ids, locks or references from it, so that a misshapen Bundle is a 400
 * naming the element (`Bundle.entry[2].request.url`), never a crash in the planner.
 */
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { fail } from '../outcomes';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const HEADER_FIELDS = ['ifMatch', 'ifNoneMatch', 'ifNoneExist', 'ifModifiedSince'] as const;

/** The entries of a batch or transaction Bundle (400 when `entry` is not a list). */
export function bundleEntries(bundle: Bundle): unknown[] {
  const entries: unknown = bundle.entry ?? [];
  if (!Array.isArray(entries)) throw fail(400, 'structure', 'Bundle.entry must be an array', ['Bundle.entry']);
  return entries;
}

/** One entry, checked: 400 naming the first misshapen element of it. */
export function checkedEntry(entry: unknown, index: number): BundleEntry {
  const at = `Bundle.entry[${index}]`;
  if (!isObject(entry)) throw fail(400, 'structure', `entry ${index} must be an object`, [at]);
  const { request, fullUrl, resource } = entry;
  if (fullUrl !== undefined && (typeof fullUrl !== 'string' || fullUrl === '')) throw fail(400, 'structure', `entry ${index}: fullUrl must be a non-empty string`, [`${at}.fullUrl`]);
  if (resource !== undefined && !isObject(resource)) throw fail(400, 'structure', `entry ${index}: resource must be a JSON object`, [`${at}.resource`]);
  if (!isObject(request)) throw fail(400, 'invalid', `entry ${index}: request.method and request.url are required`, [`${at}.request`]);
  if (typeof request.method !== 'string' || !METHODS.has(request.method)) {
    throw fail(400, 'invalid', `entry ${index}: request.method must be one of ${[...METHODS].join(', ')}`, [`${at}.request.method`]);
  }
  if (typeof request.url !== 'string' || request.url === '') throw fail(400, 'invalid', `entry ${index}: request.url must be a non-empty string`, [`${at}.request.url`]);
  for (const field of HEADER_FIELDS) {
    if (request[field] !== undefined && typeof request[field] !== 'string') throw fail(400, 'structure', `entry ${index}: request.${field} must be a string`, [`${at}.request.${field}`]);
  }
  return entry as BundleEntry;
}
