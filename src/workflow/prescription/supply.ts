/**
 * How much a prescription gives (docs/prescriptions.md#supply): the daily dose from dosageInstruction, and the
 * days of supply from dispenseRequest.
 *
 * - Daily dose: dose (doseQuantity, or the high end of doseRange) × frequency (frequencyMax when given) ÷
 *   period (periodUnit h, d, wk, mo, a). Instructions with the same `sequence` are taken together (morning and
 *   evening doses add up); different sequences follow one another (the largest counts).
 * - Days of supply: the larger of dispenseRequest.expectedSupplyDuration (d, wk, mo) and quantity ÷ daily
 *   amount (in the dose's unit, or in mg through the drug's strength), times 1 + numberOfRepeatsAllowed (each
 *   repeat dispenses the same supply again).
 */
import type { Dosage, MedicationRequest } from '@medplum/fhirtypes';
import type { DrugEntry } from './config';
import { toMilligrams } from './drugs';

const DAYS_PER: Readonly<Record<string, number>> = { s: 1 / 86400, min: 1 / 1440, h: 1 / 24, d: 1, wk: 7, mo: 30, a: 365 };
const DURATION_UNITS: Readonly<Record<string, number>> = { d: 1, day: 1, days: 1, 天: 1, wk: 7, week: 7, weeks: 7, 周: 7, mo: 30, month: 30, months: 30, 月: 30 };

interface Daily {
  /** Per day in the dose's own unit (when every instruction uses one unit). */
  readonly amount?: { value: number; unit: string };
  readonly mg?: number;
}

function perDay(dosage: Dosage): number | undefined {
  const r = dosage.timing?.repeat;
  if (!r) return undefined;
  const frequency = r.frequencyMax ?? r.frequency ?? 1;
  const period = r.periodMax ?? r.period;
  const unit = r.periodUnit ? DAYS_PER[r.periodUnit] : undefined;
  if (!period || !unit) return undefined;
  return frequency / (period * unit);
}

function dose(dosage: Dosage): { value?: number; unit?: string; code?: string } | undefined {
  const d = dosage.doseAndRate?.[0];
  return d?.doseQuantity ?? d?.doseRange?.high;
}

/** The daily dose of a prescription, or undefined when an instruction lacks a dose or timing. */
export function dailyDose(request: MedicationRequest, entry: DrugEntry | undefined): Daily | undefined {
  const instructions = request.dosageInstruction ?? [];
  if (instructions.length === 0) return undefined;
  const bySequence = new Map<number, { value: number; unit?: string; mg?: number }[]>();
  for (const dosage of instructions) {
    const q = dose(dosage);
    const times = perDay(dosage);
    if (q?.value === undefined || times === undefined) return undefined;
    const mg = toMilligrams(q, entry);
    const list = bySequence.get(dosage.sequence ?? 0) ?? [];
    list.push({ value: q.value * times, unit: q.code ?? q.unit, mg: mg === undefined ? undefined : mg * times });
    bySequence.set(dosage.sequence ?? 0, list);
  }
  let best: Daily | undefined;
  for (const list of bySequence.values()) {
    const units = new Set(list.map((x) => x.unit ?? ''));
    const mg = list.every((x) => x.mg !== undefined) ? list.reduce((n, x) => n + (x.mg ?? 0), 0) : undefined;
    const amount = units.size === 1 ? { value: list.reduce((n, x) => n + x.value, 0), unit: [...units][0] } : undefined;
    if (!best || (mg ?? 0) > (best.mg ?? 0) || (amount?.value ?? 0) > (best.amount?.value ?? 0)) best = { amount, mg };
  }
  return best;
}

/** The days of supply a prescription gives, or undefined when neither its duration nor its quantity tells. */
export function supplyDays(request: MedicationRequest, entry: DrugEntry | undefined): number | undefined {
  const dispense = request.dispenseRequest;
  if (!dispense) return undefined;
  const candidates: number[] = [];
  const expected = dispense.expectedSupplyDuration;
  const factor = DURATION_UNITS[expected?.code ?? expected?.unit ?? ''];
  if (expected?.value !== undefined && factor !== undefined) candidates.push(expected.value * factor);
  const quantity = dispense.quantity;
  const daily = dailyDose(request, entry);
  if (quantity?.value !== undefined && daily) {
    const unit = quantity.code ?? quantity.unit ?? '';
    if (daily.amount && daily.amount.value > 0 && daily.amount.unit === unit) candidates.push(quantity.value / daily.amount.value);
    else {
      const mg = toMilligrams(quantity, entry);
      if (mg !== undefined && daily.mg) candidates.push(mg / daily.mg);
    }
  }
  if (candidates.length === 0) return undefined;
  // Rounded to a thousandth of a day, so that 28 tablets at 4 a day are exactly 7 days.
  return Math.round(Math.max(...candidates) * (1 + (dispense.numberOfRepeatsAllowed ?? 0)) * 1000) / 1000;
}
