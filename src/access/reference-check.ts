/**
 * A written resource may only reference resources the writer may see (docs/security.md#writes): otherwise a
 * client could probe for ids by referencing them. Only references a change adds are checked. Runs as a write hook, once per transaction after all its
 * entries are written, so entries of one transaction Bundle may reference each other in any order.
 * An unknown and an invisible target get the same answer.
 */
import type { RepoWriter, WriteChange, WriteHook } from '../repository/repository';
import { isAdministrator } from '../context';
import { isConcreteResourceType } from '../fhir/resource-types';
import { refuse } from '../fhir/outcomes';
import { localReference } from './organizations';
import { ACCESS_RULES } from './rules';

function referencesIn(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) referencesIn(item, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'reference' && typeof item === 'string') out.add(item);
      else if (typeof item === 'object') referencesIn(item, out);
    }
  }
}

export const referenceVisibilityHook: WriteHook = {
  name: 'reference-visibility',
  async beforeCommit(writer: RepoWriter, changes: readonly WriteChange[]): Promise<void> {
    if (isAdministrator(writer.ctx.identity)) return;
    const checked = new Set<string>();
    for (const change of changes) {
      if (!change.resource) continue;
      const refs = new Set<string>();
      referencesIn(change.resource, refs);
      // References the previous version already held were checked when they were written (and a write may take
      // away the writer's own access: a hospital rejecting a referral keeps the Task's reference to the patient).
      const kept = new Set<string>();
      referencesIn(change.previous, kept);
      for (const text of refs) {
        if (kept.has(text)) continue;
        const local = localReference(text, writer.ctx.baseUrl);
        if (!local || checked.has(local)) continue;
        const [type, id] = local.split('/');
        if (!isConcreteResourceType(type) || `${change.resourceType}/${change.id}` === local) continue;
        checked.add(local);
        if ((await writer.count(type, { _id: id, deleted: { $ne: true } }, 1)) === 0) {
          throw refuse(
            422,
            'processing',
            'reference-not-visible',
            ACCESS_RULES['reference-not-visible'],
            `the ${change.resourceType} being written references ${local}, which is not a resource you may see (or does not exist)`,
          );
        }
      }
    }
  },
};
