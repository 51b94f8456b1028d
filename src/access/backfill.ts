/**
 * Stamps a store written before access stamps existed (a stage-1 data directory): computes every patient's
 * grants from its relationships, then stamps every document of patient data and its history. Runs once, at
 * start, when the store holds resources but no stamp marker; a store created by this version is stamped as
 * it is written and never needs it.
 */
import type { RequestContext } from '../context';
import type { CurrentDoc } from '../repository/documents';
import type { StorageEngine } from '../store/port';
import { patientDataTypes } from './resource-classes';
import { AccessStamps, GRANTS } from './stamps';

const MARKER = '$stamped';
const BATCH = 500;

export async function isStamped(engine: StorageEngine): Promise<boolean> {
  return (await engine.get(GRANTS, MARKER)) !== undefined;
}

/** Marks a new, empty store as stamped (nothing to backfill). */
export async function markStamped(engine: StorageEngine): Promise<void> {
  await engine.transaction((tx) => tx.put(GRANTS, { _id: MARKER, orgs: [], types: [] }));
}

/** Backfills access stamps; returns the number of documents stamped. */
export async function backfillAccessStamps(engine: StorageEngine, ctx: RequestContext): Promise<number> {
  let stamped = 0;
  // 1. Every patient's grants, and the types in its compartment.
  const patients: string[] = [];
  for await (const doc of engine.find('Patient', { deleted: { $ne: true } })) patients.push(doc._id);
  for (let i = 0; i < patients.length; i += BATCH) {
    await engine.transaction(async (tx) => {
      const stamps = new AccessStamps(tx, ctx);
      for (const id of patients.slice(i, i + BATCH)) await stamps.resetGrants(`Patient/${id}`);
    });
  }
  // 2. Every document of patient data, with its history.
  for (const type of patientDataTypes()) {
    const ids: string[] = [];
    for await (const doc of engine.find(type, {})) ids.push(doc._id);
    for (let i = 0; i < ids.length; i += BATCH) {
      await engine.transaction(async (tx) => {
        const stamps = new AccessStamps(tx, ctx);
        for (const id of ids.slice(i, i + BATCH)) {
          const doc = (await tx.get(type, id)) as CurrentDoc | undefined;
          if (doc && (await stamps.restamp(type, doc))) stamped++;
        }
      });
    }
  }
  await markStamped(engine);
  return stamped;
}
