/**
 * How resources are stored (docs/architecture.md#storage):
 * - one collection per resource type holds the current version of each resource, `_id` = logical id:
 *   `{ _id, vid, ts, deleted?, res, idx, srt, srd, comp }` (vid: version number, ts: lastUpdated in ms,
 *   idx/srt/srd/comp: search index entries, ascending and descending sort keys and patient compartments; a deleted resource keeps a
 *   tombstone with `deleted: true` and no content);
 * - the `history` collection holds every version: `{ _id: 'Type/id/vid', rid, t, id, vid, ts, m, deleted?, res? }`.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { IndexSpec } from '../store/port';
import type { ResourceIndex } from '../search/indexer';

export const HISTORY = 'history';
export const LOCKS = 'locks';

export interface CurrentDoc {
  _id: string;
  vid: number;
  ts: number;
  deleted?: true;
  res?: Resource;
  idx?: ResourceIndex['idx'];
  srt?: ResourceIndex['srt'];
  srd?: ResourceIndex['srd'];
  comp?: string[];
  /** Access stamps (src/access/stamps.ts): organizations that may see it, and the organization that wrote it first. */
  acl?: string[];
  own?: string;
  [field: string]: unknown;
}

export type HistoryMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HistoryDoc {
  _id: string;
  /** `Type/id`, for instance history. */
  rid: string;
  t: string;
  id: string;
  vid: number;
  ts: number;
  m: HistoryMethod;
  deleted?: true;
  res?: Resource;
  acl?: string[];
  own?: string;
  [field: string]: unknown;
}

export const historyId = (type: string, id: string, vid: number): string => `${type}/${id}/${String(vid).padStart(10, '0')}`;

/** Indexes of every resource-type collection (created at start on both engines). */
export const RESOURCE_INDEXES: readonly IndexSpec[] = [
  { name: 'ts', keys: { ts: 1 }, ordered: true },
  { name: 'comp', keys: { comp: 1 } },
  // Only tombstones have the field: searches exclude them (`deleted: { $ne: true }`) and count from the keys.
  { name: 'deleted', keys: { deleted: 1 } },
  // Access stamps (src/access/stamps.ts): the organizations that may see the document.
  { name: 'acl', keys: { acl: 1 } },
  // Index entry fields (src/search/params): n string, c token code, r/i/iv reference, lo/hi date, v number and
  // quantity, u uri. Left out of the embedded index: e (exact string), t (token text), s (system), which
  // queries always combine with an indexed field or use rarely.
  { name: 'idx', keys: { 'idx.$**': 1 }, leaves: ['n', 'c', 'r', 'i', 'iv', 'lo', 'hi', 'v', 'u'] },
];

/**
 * AuditEvents are written for every interaction, so they index only the parameters the authority selects by
 * (who, whose record, when, which resource, which policy); the others (type, subtype, action, outcome …) are
 * still searchable, checked against the candidates an indexed parameter or `_lastUpdated` narrowed to.
 */
export const AUDIT_EVENT_INDEXED = ['date', 'patient', 'agent', 'entity', 'policy', 'altid', 'address'] as const;

/** The indexes of a resource type's collection. */
export function resourceIndexes(resourceType: string): readonly IndexSpec[] {
  if (resourceType !== 'AuditEvent') return RESOURCE_INDEXES;
  return RESOURCE_INDEXES.filter((s) => s.name !== 'acl').map((s) => (s.name === 'idx' ? { ...s, projection: AUDIT_EVENT_INDEXED } : s));
}

export const HISTORY_INDEXES: readonly IndexSpec[] = [
  { name: 'rid', keys: { rid: 1, vid: -1 } },
  { name: 't', keys: { t: 1, ts: -1 } },
  { name: 'ts', keys: { ts: -1 }, ordered: true },
  { name: 'acl', keys: { acl: 1 } },
];
