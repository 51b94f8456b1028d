/**
 * The dimensions the indicators are stratified by, read once per evaluation:
 * - the directory (Organization → district and care tier; PractitionerRole and HealthcareService → their
 *   Organization), small and readable by every client, read with one projecting pipeline per type;
 * - patients' sex and age band, looked up for the patients of the result rows only, in batches.
 */
import { CODE_SYSTEMS, EXTENSIONS } from '../profiles/canonical';
import { ROUTING_RULES } from '../workflow/referral/routing';
import type { IndicatorQuery } from './query';

export interface OrgInfo {
  readonly district?: string;
  readonly tier: number;
}

const PATIENT_BATCH = 1000;

export class Directory {
  private constructor(
    private readonly orgs: ReadonlyMap<string, OrgInfo>,
    /** PractitionerRole/x or HealthcareService/x → Organization/y. */
    private readonly parents: ReadonlyMap<string, string>,
  ) {}

  static async load(q: IndicatorQuery): Promise<Directory> {
    const orgs = new Map<string, OrgInfo>();
    for await (const doc of q.directory('Organization', [{ $project: { ext: '$res.extension', types: '$res.type.coding.code' } }])) {
      const ext = (doc.ext ?? []) as Array<{ url?: string; valueCode?: string }>;
      const district = ext.find((e) => e.url === EXTENSIONS.administrativeDivision)?.valueCode;
      const codes = ((doc.types ?? []) as unknown[]).flat().filter((c): c is string => typeof c === 'string');
      const tier = Math.max(0, ...codes.map((c) => ROUTING_RULES.tiers[c] ?? 0));
      orgs.set(`Organization/${doc._id}`, { district, tier });
    }
    const parents = new Map<string, string>();
    for await (const doc of q.directory('PractitionerRole', [{ $project: { o: '$res.organization.reference' } }])) {
      if (typeof doc.o === 'string') parents.set(`PractitionerRole/${doc._id}`, doc.o);
    }
    for await (const doc of q.directory('HealthcareService', [{ $project: { o: '$res.providedBy.reference' } }])) {
      if (typeof doc.o === 'string') parents.set(`HealthcareService/${doc._id}`, doc.o);
    }
    return new Directory(orgs, parents);
  }

  /** The Organization behind a reference to an Organization, PractitionerRole or HealthcareService. */
  organizationOf(ref: unknown): string | undefined {
    if (typeof ref !== 'string') return undefined;
    if (ref.startsWith('Organization/')) return ref;
    return this.parents.get(ref);
  }

  /** The clinic side of several parties: the one of the lowest care tier (a primary clinic before a hospital). */
  clinicOf(...refs: unknown[]): string | undefined {
    let best: string | undefined;
    let bestTier = Number.MAX_SAFE_INTEGER;
    for (const ref of refs) {
      const org = this.organizationOf(ref);
      if (!org) continue;
      // Organizations of no known care tier (a health authority, a department) come after every tier.
      const tier = this.orgs.get(org)?.tier || Number.MAX_SAFE_INTEGER - 1;
      if (tier < bestTier) [best, bestTier] = [org, tier];
    }
    return best;
  }

  districtOf(org: string | undefined): string | undefined {
    return org ? this.orgs.get(org)?.district : undefined;
  }

  /** Organizations of a district (clinics and hospitals whose division extension is the code). */
  organizationsIn(district: string): string[] {
    return [...this.orgs].filter(([, info]) => info.district === district).map(([ref]) => ref);
  }

  knows(org: string): boolean {
    return this.orgs.has(org);
  }
}

export interface Demographics {
  readonly sex: string;
  readonly ageBand: string;
}

export const AGE_BANDS: ReadonlyArray<readonly [string, number, number]> = [
  ['0-17', 0, 17],
  ['18-34', 18, 34],
  ['35-44', 35, 44],
  ['45-54', 45, 54],
  ['55-64', 55, 64],
  ['65-74', 65, 74],
  ['75+', 75, Number.MAX_SAFE_INTEGER],
];

/** Age in whole years on `at` (UTC dates) of a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD). */
export function ageOn(birthDate: string | undefined, at: Date): number | undefined {
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(birthDate ?? '');
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1)];
  let age = at.getUTCFullYear() - y;
  if (at.getUTCMonth() + 1 < mo || (at.getUTCMonth() + 1 === mo && at.getUTCDate() < d)) age--;
  return age < 0 ? undefined : age;
}

export function ageBand(age: number | undefined): string {
  if (age === undefined) return 'unknown';
  return AGE_BANDS.find(([, lo, hi]) => age >= lo && age <= hi)?.[0] ?? 'unknown';
}

/** Sex and age band (at `at`) of the given patients (`Patient/{id}`), read in batches through the caller's scope. */
export async function demographicsOf(q: IndicatorQuery, patients: Iterable<string>, at: Date): Promise<Map<string, Demographics>> {
  const out = new Map<string, Demographics>();
  const ids = [...new Set([...patients].filter((p) => p.startsWith('Patient/')).map((p) => p.slice('Patient/'.length)))];
  for (let i = 0; i < ids.length; i += PATIENT_BATCH) {
    const batch = ids.slice(i, i + PATIENT_BATCH);
    for await (const doc of q.run('Patient', { _id: { $in: batch } }, [{ $project: { g: '$res.gender', b: '$res.birthDate' } }])) {
      out.set(`Patient/${doc._id}`, { sex: typeof doc.g === 'string' ? doc.g : 'unknown', ageBand: ageBand(ageOn(typeof doc.b === 'string' ? doc.b : undefined, at)) });
    }
  }
  return out;
}

export const CHRONIC_PROGRAM_SYSTEM = CODE_SYSTEMS.chronicProgram.url;
