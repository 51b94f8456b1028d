/**
 * The audit of writes: inside the write's own store transaction, one AuditEvent per version it produced, so
 * an answered write always has its audit and an aborted one has none (docs/audit.md#what-a-crash-can-lose).
 */
import type { RepoWriter, WriteChange, WriteHook } from '../repository/repository';
import type { SearchParamRegistry } from '../search/registry';
import type { HistoryMethod } from '../repository/documents';
import { auditEventOf } from './audit-event';
import { patientsOf } from './patients';
import type { AuditRecord } from './port';
import type { AuditEventStore } from './store';
import { actionOf } from './vocabulary';

const INTERACTION_BY_METHOD: Readonly<Record<HistoryMethod, string>> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

export class AuditWriteHook implements WriteHook {
  readonly name = 'audit';

  constructor(
    private readonly store: AuditEventStore,
    private readonly registry: SearchParamRegistry,
  ) {}

  async beforeCommit(writer: RepoWriter, changes: readonly WriteChange[]): Promise<void> {
    const { ctx } = writer;
    if (ctx.audit === false) return;
    const events = changes.filter((c) => c.resourceType !== 'AuditEvent').map((c) => auditEventOf(this.recordOf(writer, c), writer.newId()));
    if (events.length > 0) await this.store.store(writer.transaction, events, ctx.now());
  }

  private recordOf(writer: RepoWriter, change: WriteChange): AuditRecord {
    const { ctx } = writer;
    const interaction = INTERACTION_BY_METHOD[change.method];
    const patients = new Set<string>();
    for (const resource of [change.previous, change.resource]) {
      if (resource) for (const p of patientsOf(resource, this.registry, ctx.baseUrl)) patients.add(p);
    }
    return {
      interaction,
      action: actionOf(interaction),
      status: change.method === 'DELETE' ? 204 : change.previous ? 200 : 201,
      at: ctx.now(),
      requestId: ctx.requestId,
      identity: ctx.identity,
      address: ctx.address,
      resourceType: change.resourceType,
      entities: [`${change.resourceType}/${change.id}/_history/${change.vid}`],
      patients: [...patients],
    };
  }
}
