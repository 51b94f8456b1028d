/**
 * What the audit trail is told (docs/audit.md). Every interaction — including refused and failed ones and
 * token requests — becomes one AuditRecord, and every AuditRecord becomes one AuditEvent (IHE BALP).
 * Writes are audited inside their own store transaction (a WriteHook of src/audit); everything else is
 * recorded through an AuditSink, which stores its records in batches within a second.
 */
import type { Identity } from '../context';

export type AuditAction = 'C' | 'R' | 'U' | 'D' | 'E';

export interface AuditRecord {
  /** The FHIR interaction (`read`, `search-type`, `create`, `transaction`, `operation:everything` …), or `token` / `authenticate`. */
  readonly interaction: string;
  readonly action: AuditAction;
  /** The HTTP status the caller got. */
  readonly status: number;
  readonly at: Date;
  readonly requestId: string;
  readonly identity: Identity;
  /** The caller's network address. */
  readonly address?: string;
  readonly resourceType?: string;
  /** `Type/id` or `Type/id/_history/n` of each resource the interaction touched. */
  readonly entities?: readonly string[];
  /** `Patient/id` of each patient whose record was touched. */
  readonly patients?: readonly string[];
  /** The query of a search (the query string as received, e.g. `Observation?subject=Patient/1&code=…`). */
  readonly query?: string;
  /** Why it failed (no personal data; the OperationOutcome's text). */
  readonly failure?: string;
}

export interface AuditSink {
  /** Queues a record; it is stored within a second (docs/audit.md says what a crash can lose). */
  record(record: AuditRecord): void;
}

export const NO_AUDIT: AuditSink = { record: () => undefined };
