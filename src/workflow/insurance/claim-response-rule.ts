/**
 * The insurer's adjudication (docs/insurance.md#claimresponse): a ClaimResponse whose request is the Claim, recorded by
 * the claimant — the hospital receives the settlement result from the medical insurance platform (医保信息平台) and
 * records it — or by an administrator (an import from the platform). The hub has no insurer role yet.
 *
 * - claim-response-request (422): request is not an active Claim the hub has, or the patient or insurer differ from it.
 * - claim-response-actor (403): written by another organization than the Claim's provider.
 */
import type { Claim, ClaimResponse } from '@medplum/fhirtypes';
import { isAdministrator } from '../../context';
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import { load, organizationFor, target } from '../referral/model';
import { refused } from './rule-codes';

export const claimResponseRule: DomainRule = {
  name: 'claim-response-request',
  resourceTypes: ['ClaimResponse'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    const response = change.resource as ClaimResponse | undefined;
    if (!response || response.status === 'entered-in-error') return;
    const label = `ClaimResponse/${change.id}`;
    const claim = await load<Claim>(writer, target(writer, response.request), 'Claim');
    if (!claim || claim.status !== 'active') throw refused('claim-response-request', `${label}: request ${response.request?.reference ?? '(none)'} is not an active Claim the hub has`);
    if (target(writer, claim.patient) !== target(writer, response.patient)) throw refused('claim-response-request', `${label} is for another patient than its Claim`);
    if (claim.insurer && target(writer, claim.insurer) !== target(writer, response.insurer)) throw refused('claim-response-request', `${label}.insurer is ${claim.insurer.reference ?? ''}, the Claim's insurer`);
    const who = writer.ctx.identity;
    if (isAdministrator(who)) return;
    const provider = await organizationFor(writer, claim.provider);
    if (provider !== who.organization) throw refused('claim-response-actor', `${label}: the adjudication of ${response.request?.reference ?? ''} is recorded by its claimant ${provider ?? 'unknown'} or an administrator`);
  },
};
