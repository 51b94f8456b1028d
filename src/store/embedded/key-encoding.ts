/**
 * How the embedded engine turns document ids, index paths and index values into LMDB keys — the one
 * place that keeps every key under LMDB's limit (1,978 bytes), whatever a client sends.
 *
 * - Index values and paths longer than MAX_INDEXED_STRING characters are cut to that prefix, on write and on
 *   read alike. An index lookup with a long value then reads the range of its prefix: a superset of the
 *   matches, which the full query (mingo) narrows to the exact ones.
 * - A document id is its own key when it is short and plain (every resource id is: ID_PATTERN allows 64
 *   characters). Any other id — longer than MAX_PLAIN_ID_BYTES in UTF-8, or holding NUL, a surrogate or
 *   U+FFFF, which would fall outside the engine's `[prefix, '\uffff']` ranges — is stored under NUL followed
 *   by its SHA-256. The mapping is injective (plain ids never hold NUL) and exact, so a lookup of a long id
 *   finds the document stored under it (a lock named by a long If-None-Exist) or nothing (a 5,000-character
 *   `_id` search). Hashed ids sort before plain ones in `_id` order; only such odd ids are affected.
 *
 * Worst case: collection (a type name) + path (200 chars, ≤ 600 bytes) + value (≤ 600 bytes) + id
 * (≤ 256 bytes) stays well under the limit.
 */
import { createHash } from 'node:crypto';

/** Index strings (values and paths) are indexed by at most this many UTF-16 code units. */
export const MAX_INDEXED_STRING = 200;

/** Ids up to this many UTF-8 bytes (without NUL, surrogates or U+FFFF) are their own key. */
export const MAX_PLAIN_ID_BYTES = 256;

/** Characters a plain id may not hold besides NUL (the hashed ids' mark): surrogates and U+FFFF (past the ranges' end). */
const NOT_PLAIN = /[\ud800-\udfff\uffff]/;

/** The largest string key part, as the end of a range. */
export const STRING_MAX = '\uffff';

/** An index string as it is keyed: its first MAX_INDEXED_STRING code units. */
export function keyString(value: string): string {
  return value.length > MAX_INDEXED_STRING ? value.slice(0, MAX_INDEXED_STRING) : value;
}

/** Whether `value` is longer than what its key keeps (a lookup of it is a prefix lookup). */
export function isCut(value: string): boolean {
  return value.length > MAX_INDEXED_STRING;
}

/** The key under which a document id is stored (the id itself, or NUL + SHA-256 for long or odd ids). */
export function storageId(id: string): string {
  if (id.length <= MAX_PLAIN_ID_BYTES && Buffer.byteLength(id) <= MAX_PLAIN_ID_BYTES && !id.includes('\u0000') && !NOT_PLAIN.test(id)) return id;
  return `\u0000${createHash('sha256').update(id).digest('base64url')}`;
}

export type KeyValue = string | number | boolean;
export type Key = KeyValue[];

/** `docs` key of a document, from its storage id. */
export function docKey(collection: string, sid: string): Key {
  return [collection, sid];
}

/** `keys` key of one index entry, from the document's storage id. */
export function indexKey(collection: string, path: string, value: KeyValue, sid: string): Key {
  return [collection, keyString(path), typeof value === 'string' ? keyString(value) : value, sid];
}

/** Bounds of the `keys` entries whose value lies in `[lo, hi]` on `path` (values already keyed). */
export function indexRange(collection: string, path: string, lo: KeyValue, hi: KeyValue): { start: Key; end: Key } {
  return { start: [collection, keyString(path), lo], end: [collection, keyString(path), hi, STRING_MAX] };
}
