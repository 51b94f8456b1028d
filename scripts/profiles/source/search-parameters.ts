/**
 * SearchParameters the referral and chronic-care workflows need beyond R4's (Task business-status, Patient
 * identifier, ServiceRequest category... already exist in R4).
 */
import type { SearchParameter } from '@medplum/fhirtypes';
import { CODE_SYSTEMS, EXTENSIONS, SEARCH_PARAMETERS } from '../../../src/profiles/canonical';
import { IG_VERSION, PUBLISHER } from './helpers';

function searchParameter(
  url: string,
  code: string,
  base: string,
  type: SearchParameter['type'],
  expression: string,
  description: string,
  target?: string[]
): SearchParameter {
  const id = url.split('/').pop() as string;
  const parameter: SearchParameter = {
    resourceType: 'SearchParameter',
    id,
    url,
    version: IG_VERSION,
    name: code,
    status: 'active',
    publisher: PUBLISHER,
    description,
    code,
    base: [base as SearchParameter['base'][number]],
    type,
    expression,
  };
  if (target) {
    parameter.target = target as SearchParameter['target'];
  }
  return parameter;
}

export const SEARCH_PARAMETER_SOURCES: readonly SearchParameter[] = [
  searchParameter(
    SEARCH_PARAMETERS.serviceRequestReferralDirection,
    'referral-direction',
    'ServiceRequest',
    'token',
    `ServiceRequest.category.coding.where(system = '${CODE_SYSTEMS.referralDirection.url}')`,
    'Referral direction (up / down). A Task is found by direction with the chain focus:ServiceRequest.referral-direction.'
  ),
  searchParameter(
    SEARCH_PARAMETERS.organizationAdministrativeDivision,
    'division',
    'Organization',
    'token',
    `Organization.extension.where(url = '${EXTENSIONS.administrativeDivision}').value`,
    'GB/T 2260 administrative division code of the organization'
  ),
  searchParameter(
    SEARCH_PARAMETERS.organizationHealthCommunity,
    'health-community',
    'Organization',
    'reference',
    `Organization.extension.where(url = '${EXTENSIONS.healthCommunity}').value`,
    'The health community the organization belongs to',
    ['Organization']
  ),
  searchParameter(
    SEARCH_PARAMETERS.medicationRequestReviewStatus,
    'review-status',
    'MedicationRequest',
    'token',
    `MedicationRequest.extension.where(url = '${EXTENSIONS.prescriptionReview}').value`,
    "Pharmacist's review status of the e-prescription (pending / approved / rejected)"
  ),
  searchParameter(
    SEARCH_PARAMETERS.healthcareServiceAcceptedCondition,
    'accepted-condition',
    'HealthcareService',
    'token',
    'HealthcareService.eligibility.code',
    'A condition (ICD-10 clinical edition) the service accepts referrals for'
  ),
  searchParameter(
    SEARCH_PARAMETERS.carePlanProgram,
    'program',
    'CarePlan',
    'token',
    `CarePlan.category.coding.where(system = '${CODE_SYSTEMS.chronicProgram.url}')`,
    'Chronic disease program of the care plan (hypertension / type-2-diabetes)'
  ),
];
