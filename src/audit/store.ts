/**
 * Stores AuditEvents in a store transaction, as the repository stores any resource (current document with
 * its search index; docs/architecture.md#storage) but without the generic write path's costs that an
 * AuditEvent does not need: its index comes from index-entries.ts instead of FHIRPath, it carries no access
 * stamps (the access policy decides on AuditEvents by role, not by relationship), and it goes through no
 * write hook. An AuditEvent is never updated: version 1 is its only version.
 */
import type { AuditEvent } from '@medplum/fhirtypes';
import type { CurrentDoc, HistoryDoc } from '../repository/documents';
import { HISTORY, historyId } from '../repository/documents';
import type { SearchParamRegistry } from '../search/registry';
import type { StoreWriter } from '../store/port';
import { auditEventIndex } from './index-entries';

export const AUDIT_EVENT = 'AuditEvent';

export interface AuditEventStoreOptions {
  readonly registry: SearchParamRegistry;
  readonly baseUrl: string;
  /** Also write the history entry of version 1 (vread, `_history`). */
  readonly history: boolean;
}

export class AuditEventStore {
  constructor(private readonly options: AuditEventStoreOptions) {}

  /**
   * Writes each event as version 1, stamped `lastUpdated` = `at`. An id already stored is skipped, so a batch
   * retried after an answer was lost is stored once. Returns how many were new.
   */
  async store(tx: StoreWriter, events: readonly AuditEvent[], at: Date): Promise<number> {
    const lastUpdated = at.toISOString();
    const ts = at.getTime();
    let stored = 0;
    for (const event of events) {
      const id = event.id;
      if (!id) throw new Error('an AuditEvent to store needs an id');
      const res: AuditEvent = { ...event, meta: { ...event.meta, versionId: '1', lastUpdated } };
      const index = auditEventIndex(res, this.options.registry, this.options.baseUrl);
      const doc: CurrentDoc = { _id: id, vid: 1, ts, res, idx: index.idx, srt: index.srt, srd: index.srd, comp: index.comp };
      if (!(await tx.replaceIf(AUDIT_EVENT, doc, 'vid', undefined))) continue;
      if (this.options.history) {
        const entry: HistoryDoc = { _id: historyId(AUDIT_EVENT, id, 1), rid: `${AUDIT_EVENT}/${id}`, t: AUDIT_EVENT, id, vid: 1, ts, m: 'POST', res };
        await tx.insert(HISTORY, entry);
      }
      stored++;
    }
    return stored;
  }
}
