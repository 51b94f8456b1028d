/**
 * The domain-rule seam (docs/architecture.md#domain-rules). Every write path — create, update, patch, delete,
 * conditional writes, batch and transaction entries, operations and jobs — ends in `Repository.write`, whose
 * write hooks run inside the store transaction before commit. This hook hands each change to the rules that
 * guard its resource type, with the old and the new version and the writer's context. A rule refuses with
 * `refuse(…)` (src/fhir/outcomes.ts), naming itself; the transaction is then not committed.
 *
 * Each rule is a small module of its own (src/workflow/…); a handler never checks a rule itself.
 */
import type { RepoWriter, WriteChange, WriteHook } from '../repository/repository';

export interface DomainRule {
  /** The rule's code, as it appears in `OperationOutcome.issue.details.coding`. */
  readonly name: string;
  /** The resource types whose changes it checks. */
  readonly resourceTypes: readonly string[];
  check(writer: RepoWriter, change: WriteChange): Promise<void>;
}

/** Bulk loads of generated data by the hub itself (seed/, the first-run demo) are trusted: no domain rule runs. */
function trusted(writer: RepoWriter): boolean {
  return writer.ctx.identity.kind === 'system' && writer.ctx.audit === false;
}

export class DomainRulesHook implements WriteHook {
  readonly name = 'domain-rules';
  private readonly byType = new Map<string, DomainRule[]>();

  constructor(rules: readonly DomainRule[]) {
    for (const rule of rules) for (const type of rule.resourceTypes) this.byType.set(type, [...(this.byType.get(type) ?? []), rule]);
  }

  async beforeCommit(writer: RepoWriter, changes: readonly WriteChange[]): Promise<void> {
    if (trusted(writer)) return;
    for (const change of changes) for (const rule of this.byType.get(change.resourceType) ?? []) await rule.check(writer, change);
  }
}
