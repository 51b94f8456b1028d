/** The prescription rules' data (prescription-rules.json, drug-list.json), typed. docs/prescriptions.md explains each value. */
import DRUG_LIST_JSON from './drug-list.json';
import RULES_JSON from './prescription-rules.json';

export interface Amount {
  readonly value: number;
  readonly unit: string;
}

export interface DrugEntry {
  readonly code: string;
  readonly atc: string;
  readonly name: string;
  /** The ATC level-5 codes of its active ingredients (default: its own ATC code). */
  readonly ingredients?: readonly string[];
  /** Amount of the (single) ingredient per unit (tablet, capsule), to turn a dose or quantity in units into mg. */
  readonly strength?: Amount;
}

export interface RestrictedAtc {
  readonly atc: string;
  readonly class: string;
  readonly name: string;
}

export interface PrescriptionRulesConfig {
  /** `online`: the rules hold for prescriptions of online visits; `all`: for every prescription (intent order). */
  readonly appliesTo: 'online' | 'all';
  readonly atcSystem: string;
  readonly drugListSystem: string;
  /** The organization whose pharmacists review online prescriptions (owner of the review Task). */
  readonly pharmacy: string;
  readonly reviewTaskCode: { readonly system: string; readonly code: string; readonly display: string };
  readonly supplyDays: { readonly ordinary: number; readonly chronic: number; readonly long: number };
  readonly chronicReasons: readonly { readonly name: string; readonly icd10: string }[];
  readonly stabilityAssessment: { readonly resourceType: string; readonly status: string; readonly code: { readonly system: string; readonly code: string; readonly display: string } };
  /** ATC prefixes of antimicrobials (never a long prescription). */
  readonly antimicrobialAtc: readonly string[];
  /** Restricted classes that are never prescribed online. */
  readonly onlineForbiddenClasses: readonly string[];
  /** ATC prefix → restricted class (the most specific prefix wins). */
  readonly restrictedAtc: readonly RestrictedAtc[];
  /** Further classes the hub configures: same shape as restrictedAtc; list their class in onlineForbiddenClasses to forbid them online. */
  readonly extraClasses: readonly RestrictedAtc[];
  readonly drugs: readonly DrugEntry[];
  /** Daily maximum per ingredient (ATC level 5). */
  readonly dailyMax: Readonly<Record<string, Amount & { readonly name: string }>>;
}

export const PRESCRIPTION_RULES_CONFIG: PrescriptionRulesConfig = {
  ...(RULES_JSON as Omit<PrescriptionRulesConfig, 'drugs' | 'dailyMax' | 'appliesTo' | 'extraClasses'>),
  appliesTo: RULES_JSON.appliesTo === 'all' ? 'all' : 'online',
  extraClasses: RULES_JSON.extraClasses as RestrictedAtc[],
  drugs: DRUG_LIST_JSON.drugs,
  dailyMax: DRUG_LIST_JSON.dailyMax,
};
