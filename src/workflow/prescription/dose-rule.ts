/**
 * Daily maxima per active ingredient (drug-list.json `dailyMax`, from the drugs' labels).
 *
 * - prescription-dose-max (422): the daily dose (supply.ts) is above the maximum, or the prescription of a drug
 *   with a maximum gives no dose and timing the hub can compute in mg.
 */
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import { PRESCRIPTION_RULES_CONFIG } from './config';
import { drugFacts } from './drugs';
import { checkedPrescription } from './model';
import { refused } from './rule-codes';
import { dailyDose } from './supply';

export const doseMaximumRule: DomainRule = {
  name: 'prescription-dose-max',
  resourceTypes: ['MedicationRequest'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    const c = await checkedPrescription(writer, change);
    if (!c?.contentChanged) return;
    const config = PRESCRIPTION_RULES_CONFIG;
    const facts = drugFacts(c.request, config);
    // A combination product names several ingredients; its dose is of the product, so only single-ingredient drugs are checked.
    if (facts.ingredients.length !== 1) return;
    const ingredient = facts.ingredients[0];
    const max = config.dailyMax[ingredient];
    if (!max) return;
    const mg = dailyDose(c.request, facts.entry)?.mg;
    if (mg === undefined) {
      throw refused('prescription-dose-max', `${c.reference}: the hub cannot compute the daily dose of ${facts.label} in mg (give doseQuantity in mg, or in tablets of a drug-list drug, and timing.repeat frequency/period); its daily maximum is ${max.value} ${max.unit}`);
    }
    if (mg > max.value) {
      throw refused('prescription-dose-max', `${c.reference} gives ${Math.round(mg * 100) / 100} mg of ${max.name} (${ingredient}) a day; the configured maximum is ${max.value} ${max.unit} a day`);
    }
  },
};
