/**
 * Terminology operations over the hub's code systems and value sets and the R4 core ones
 * (src/terminology): ValueSet/$expand, ValueSet/$validate-code, CodeSystem/$validate-code, CodeSystem/$lookup.
 * Instance level uses the stored ValueSet or CodeSystem resource.
 */
import type { CodeableConcept, CodeSystem, Coding, ValueSet } from '@medplum/fhirtypes';
import { expandValueSet, lookupCode, validateCode } from '../../terminology';
import type { OperationDefinitionRef } from '../operations';
import { OperationParams } from './params';

export const expandOperation: OperationDefinitionRef = {
  name: 'expand',
  levels: ['type', 'instance'],
  resourceTypes: ['ValueSet'],
  definition: 'http://hl7.org/fhir/OperationDefinition/ValueSet-expand',
  idempotent: true,
  async handle(ctx, services, req, target) {
    const p = OperationParams.from(req);
    let valueSet = p.resource('valueSet') as ValueSet | undefined;
    if (target.level === 'instance' && target.id) valueSet = (await services.repo.reader(ctx).read('ValueSet', target.id)).resource as ValueSet;
    const body = expandValueSet({ url: p.string('url'), valueSet, filter: p.string('filter'), offset: p.integer('offset'), count: p.integer('count') });
    return { status: 200, body };
  },
};

export const valueSetValidateCodeOperation: OperationDefinitionRef = {
  name: 'validate-code',
  levels: ['type', 'instance'],
  resourceTypes: ['ValueSet', 'CodeSystem'],
  definition: 'http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code',
  idempotent: true,
  async handle(ctx, services, req, target) {
    const p = OperationParams.from(req);
    const coding = p.value<Coding>('coding', 'valueCoding');
    const codeableConcept = p.value<CodeableConcept>('codeableConcept', 'valueCodeableConcept');
    if (target.resourceType === 'CodeSystem') {
      let system = p.string('url') ?? p.string('system');
      if (target.level === 'instance' && target.id) system = ((await services.repo.reader(ctx).read('CodeSystem', target.id)).resource as CodeSystem | undefined)?.url;
      return { status: 200, body: validateCode({ system, code: p.string('code'), display: p.string('display'), coding, codeableConcept }) };
    }
    let valueSet = p.resource('valueSet') as ValueSet | undefined;
    if (target.level === 'instance' && target.id) valueSet = (await services.repo.reader(ctx).read('ValueSet', target.id)).resource as ValueSet;
    const body = validateCode({ url: p.string('url'), valueSet, system: p.string('system'), code: p.string('code'), display: p.string('display'), coding, codeableConcept });
    return { status: 200, body };
  },
};

export const lookupOperation: OperationDefinitionRef = {
  name: 'lookup',
  levels: ['type'],
  resourceTypes: ['CodeSystem'],
  definition: 'http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup',
  idempotent: true,
  async handle(_ctx, _services, req) {
    const p = OperationParams.from(req);
    return { status: 200, body: lookupCode({ system: p.string('system'), code: p.string('code'), coding: p.value<Coding>('coding', 'valueCoding') }) };
  },
};
