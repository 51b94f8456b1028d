/**
 * What a prescribed drug is, for the prescription rules: its ATC codes (a coding of http://www.whocc.no/atc, or
 * a code of the hub's drug list mapped to ATC), its active ingredients (ATC level 5), its restricted classes
 * (restricted-drug-class, from the ATC prefixes of the rules file, or an ext-restricted-drug-class the prescriber
 * gives) and whether it is an antimicrobial. Pure functions over the configuration, so tests can pass another.
 */
import type { CodeableConcept, Extension, MedicationRequest } from '@medplum/fhirtypes';
import { EXTENSIONS } from '../../profiles/canonical';
import type { Amount, DrugEntry, PrescriptionRulesConfig } from './config';

export interface DrugFacts {
  /** How the prescription names the drug, for messages. */
  readonly label: string;
  readonly atc: readonly string[];
  readonly ingredients: readonly string[];
  readonly restrictedClasses: readonly string[];
  readonly antimicrobial: boolean;
  /** The drug-list entry, when the drug is on the list. */
  readonly entry?: DrugEntry;
}

const upper = (s: string): string => s.trim().toUpperCase();

function restrictedByAtc(atc: string, config: PrescriptionRulesConfig): string | undefined {
  const matches = [...config.restrictedAtc, ...config.extraClasses].filter((r) => upper(atc).startsWith(upper(r.atc)));
  matches.sort((a, b) => b.atc.length - a.atc.length);
  return matches[0]?.class;
}

/** The drug-list entry for a concept: by a drug-list code, else by its ATC code. */
function entryFor(concept: CodeableConcept | undefined, config: PrescriptionRulesConfig): DrugEntry | undefined {
  const codings = concept?.coding ?? [];
  const byCode = codings.find((c) => c.system === config.drugListSystem && c.code);
  if (byCode) return config.drugs.find((d) => d.code === byCode.code);
  const atc = codings.find((c) => c.system === config.atcSystem && c.code)?.code;
  return atc ? config.drugs.find((d) => upper(d.atc) === upper(atc)) : undefined;
}

function declaredClasses(extensions: readonly Extension[] | undefined): string[] {
  return (extensions ?? []).filter((e) => e.url === EXTENSIONS.restrictedDrugClass && e.valueCoding?.code).map((e) => e.valueCoding?.code as string);
}

export function drugFacts(request: MedicationRequest, config: PrescriptionRulesConfig): DrugFacts {
  const concept = request.medicationCodeableConcept;
  const entry = entryFor(concept, config);
  const atc = [...new Set([...(concept?.coding ?? []).filter((c) => c.system === config.atcSystem && c.code).map((c) => upper(c.code as string)), ...(entry ? [upper(entry.atc)] : [])])];
  const ingredients = [...new Set(entry?.ingredients?.map(upper) ?? atc.filter((a) => a.length === 7))];
  const classes = new Set<string>(declaredClasses((concept as { extension?: Extension[] } | undefined)?.extension));
  for (const code of [...atc, ...ingredients]) {
    const cls = restrictedByAtc(code, config);
    if (cls) classes.add(cls);
  }
  const antimicrobial = [...atc, ...ingredients].some((a) => config.antimicrobialAtc.some((p) => a.startsWith(upper(p))));
  const label = concept?.text ?? entry?.name ?? atc[0] ?? concept?.coding?.[0]?.display ?? 'the drug';
  return { label, atc, ingredients, restrictedClasses: [...classes], antimicrobial, entry };
}

const MASS: Readonly<Record<string, number>> = { g: 1000, mg: 1, ug: 0.001, 'µg': 0.001, mcg: 0.001 };
/** Units that count dose units (tablets, capsules …): with the drug's strength they convert to mg. */
export const DOSE_UNITS: ReadonlySet<string> = new Set(['片', '粒', '丸', '袋', '支', '{tbl}', '{capsule}', 'tablet', 'tablets', 'capsule', 'capsules', 'TAB', 'CAP', '1']);

/** An amount in mg, when it is a mass (or a number of units of a drug with a known strength). */
export function toMilligrams(amount: { value?: number; unit?: string; code?: string } | undefined, entry: DrugEntry | undefined): number | undefined {
  if (amount?.value === undefined) return undefined;
  const unit = (amount.code ?? amount.unit ?? '').trim();
  const factor = MASS[unit] ?? MASS[unit.toLowerCase()];
  if (factor !== undefined) return amount.value * factor;
  if (!DOSE_UNITS.has(unit)) return undefined;
  const strength: Amount | undefined = entry?.strength;
  const per = strength ? MASS[strength.unit] : undefined;
  return per !== undefined && strength ? amount.value * strength.value * per : undefined;
}
