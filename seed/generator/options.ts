/**
 * Options of a generated region, their defaults, and the deterministic ids of its resources.
 */

export interface RegionOptions {
  /** Seed of every random choice; same seed and options ⇒ byte-identical output. */
  readonly seed: number;
  /** Primary clinics (default 267, as in Tianjin's internet-hospital health community). */
  readonly clinics?: number;
  /** Number of residents (default 1000). Ignored when targetResources is set. */
  readonly residents?: number;
  /** Keep adding residents until at least this many resources have been emitted (infrastructure included). */
  readonly targetResources?: number;
  /** Family doctors per clinic (default 3). */
  readonly practitionersPerClinic?: number;
  /** Doctors per hospital department (default 4). */
  readonly doctorsPerDepartment?: number;
  /** Days of bookable hospital slots after the reference date (default 7; weekdays only get slots). */
  readonly slotDays?: number;
  /** Months of care history before the reference date (default 12). */
  readonly historyMonths?: number;
  /** The generator's "today" (YYYY-MM-DD, China time; default 2026-11-01). */
  readonly referenceDate?: string;
  /** Residents per transaction Bundle (default 10). */
  readonly residentsPerBundle?: number;
  /** Clinics per infrastructure transaction Bundle (default 10). */
  readonly clinicsPerBundle?: number;
  /** Prefix of every resource id, so that several regions can share one server (default none). */
  readonly idPrefix?: string;
}

export type ResolvedRegionOptions = Required<Omit<RegionOptions, 'targetResources'>> & {
  readonly targetResources: number | undefined;
};

export const DEFAULT_REFERENCE_DATE = '2026-11-01';

export function resolveOptions(options: RegionOptions): ResolvedRegionOptions {
  const resolved: ResolvedRegionOptions = {
    seed: options.seed,
    clinics: options.clinics ?? 267,
    residents: options.residents ?? 1000,
    targetResources: options.targetResources,
    practitionersPerClinic: options.practitionersPerClinic ?? 3,
    doctorsPerDepartment: options.doctorsPerDepartment ?? 4,
    slotDays: options.slotDays ?? 7,
    historyMonths: options.historyMonths ?? 12,
    referenceDate: options.referenceDate ?? DEFAULT_REFERENCE_DATE,
    residentsPerBundle: options.residentsPerBundle ?? 10,
    clinicsPerBundle: options.clinicsPerBundle ?? 10,
    idPrefix: options.idPrefix ?? '',
  };
  const positive: Array<keyof ResolvedRegionOptions> = [
    'clinics', 'practitionersPerClinic', 'doctorsPerDepartment', 'residentsPerBundle', 'clinicsPerBundle', 'historyMonths',
  ];
  for (const key of positive) {
    const v = resolved[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new Error(`${key} must be a positive integer`);
    }
  }
  if (!Number.isInteger(resolved.seed) || resolved.seed < 0 || resolved.seed > 0xffffffff) {
    throw new Error('seed must be an integer in [0, 2^32)');
  }
  if (!Number.isInteger(resolved.residents) || resolved.residents < 0) {
    throw new Error('residents must be a non-negative integer');
  }
  if (!Number.isInteger(resolved.slotDays) || resolved.slotDays < 0) {
    throw new Error('slotDays must be a non-negative integer');
  }
  if (resolved.targetResources !== undefined && (!Number.isInteger(resolved.targetResources) || resolved.targetResources < 0)) {
    throw new Error('targetResources must be a non-negative integer');
  }
  if (!/^[A-Za-z0-9.-]{0,20}$/.test(resolved.idPrefix)) {
    throw new Error('idPrefix may hold at most 20 letters, digits, "-" or "."');
  }
  return resolved;
}

/** Deterministic resource ids. Residents are numbered from 1; clinics from 1. */
export class RegionIds {
  constructor(private readonly prefix: string) {}

  private id(s: string): string {
    return this.prefix + s;
  }

  readonly authority = (): string => this.id('org-health-authority');
  readonly community = (): string => this.id('org-health-community');
  readonly hospital = (): string => this.id('org-internet-hospital');
  /** The physical tertiary hospital the internet hospital belongs to (互联网医院依托的实体医院). */
  readonly tertiaryHospital = (): string => this.id('org-tertiary-hospital');
  /** The internet hospital's pharmacy (药学部): reviews and dispenses its prescriptions. */
  readonly hospitalPharmacy = (): string => this.id('org-hospital-pharmacy');
  readonly hospitalLocation = (): string => this.id('loc-internet-hospital');
  readonly department = (key: string): string => this.id(`hs-hospital-${key}`);
  readonly hospitalDoctor = (key: string, n: number): string => this.id(`pr-hospital-${key}-${n}`);
  readonly hospitalRole = (key: string, n: number): string => this.id(`role-hospital-${key}-${n}`);
  readonly schedule = (key: string): string => this.id(`sched-hospital-${key}`);
  readonly slot = (key: string, stamp: string): string => this.id(`slot-hospital-${key}-${stamp}`);

  readonly clinic = (k: number): string => this.id(`org-clinic-${pad(k, 3)}`);
  readonly clinicLocation = (k: number): string => this.id(`loc-clinic-${pad(k, 3)}`);
  readonly clinicService = (k: number): string => this.id(`hs-clinic-${pad(k, 3)}`);
  readonly clinicDoctor = (k: number, n: number): string => this.id(`pr-clinic-${pad(k, 3)}-${n}`);
  readonly clinicRole = (k: number, n: number): string => this.id(`role-clinic-${pad(k, 3)}-${n}`);

  /** Resource of resident `r` (1-based); `part` distinguishes the resident's resources, e.g. "enc-03". */
  readonly patient = (r: number): string => this.id(`pat-${pad(r, 7)}`);
  readonly ofResident = (kind: string, r: number, part?: string | number): string =>
    this.id(part === undefined ? `${kind}-${pad(r, 7)}` : `${kind}-${pad(r, 7)}-${part}`);
}

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
