/**
 * The chronic-care write hook (docs/chronic-care.md): inside every write transaction, before commit, it enrols
 * patients on qualifying Conditions (enrollment.ts), applies the reading rules to blood-pressure and glucose
 * Observations (readings.ts, reading-effects.ts) and keeps the resident's general practitioner in step with a
 * family-doctor contract (contract.ts). What it writes goes through the writer like any write, so the next round
 * of hooks (access stamps, domain rules, subscriptions, audit) sees it. Trusted bulk loads (seed/, the first-run
 * demo) bring their own plans and are skipped.
 */
import type { CareTeam, Condition, Observation } from '@medplum/fhirtypes';
import type { RepoWriter, WriteChange, WriteHook } from '../../repository/repository';
import { trusted } from '../referral/model';
import { isContract, syncGeneralPractitioner } from './contract';
import { enrol, qualifyingPrograms } from './enrollment';
import { applyReading } from './reading-effects';
import { readingsOf, sameReadings } from './readings';

async function handle(writer: RepoWriter, change: WriteChange): Promise<void> {
  const resource = change.resource;
  if (!resource) return;
  switch (resource.resourceType) {
    case 'Condition':
      if (qualifyingPrograms(resource).length > 0) await enrol(writer, resource as Condition, change.id);
      return;
    case 'Observation':
      if (sameReadings(change.previous as Observation | undefined, resource)) return;
      for (const reading of readingsOf(resource)) await applyReading(writer, resource, change.id, reading);
      return;
    case 'CareTeam':
      if (isContract(resource) || isContract(change.previous as CareTeam | undefined)) await syncGeneralPractitioner(writer, resource, change.previous as CareTeam | undefined);
      return;
    default:
      return;
  }
}

export const chronicCareHook: WriteHook = {
  name: 'chronic-care',
  async beforeCommit(writer: RepoWriter, changes: readonly WriteChange[]): Promise<void> {
    if (trusted(writer)) return;
    // Diagnoses first: a reading written in the same transaction as the diagnosis meets the new plan.
    const ordered = [...changes.filter((c) => c.resourceType === 'Condition'), ...changes.filter((c) => c.resourceType !== 'Condition')];
    for (const change of ordered) await handle(writer, change);
  },
};
