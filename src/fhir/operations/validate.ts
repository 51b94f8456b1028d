/**
 * $validate (FHIR R4 resource-operation-validate) at type and instance level, with `profile` and `mode`
 * (create | update | delete). Always answers 200 with an OperationOutcome listing the issues; a request
 * that cannot be evaluated at all is a 400: among them a resource whose envelope (resourceType, id, meta —
 * what selects the profiles to validate against) is misshapen, and a `profile` that is not a canonical URL.
 */
import type { OperationOutcome, Resource } from '@medplum/fhirtypes';
import { getProfile } from '../../profiles/implementation-guide';
import type { OperationDefinitionRef } from '../operations';
import { fail, failWithIssues } from '../outcomes';
import { envelopeIssues } from '../../validation/envelope';
import { OperationParams } from './params';

export const validateOperation: OperationDefinitionRef = {
  name: 'validate',
  levels: ['type', 'instance'],
  definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate',
  idempotent: true,
  async handle(ctx, services, req, target) {
    const params = OperationParams.from(req);
    const mode = params.string('mode');
    if (mode && !['create', 'update', 'delete'].includes(mode)) throw fail(400, 'invalid', `mode '${mode}' must be create, update or delete`);
    const profile = profileParameter(params);
    if (profile && profile.startsWith('https://fhir.health-community-hub.cn') && !getProfile(profile)) {
      throw fail(400, 'not-found', `profile '${profile}' is not known to this server`);
    }
    let resource = params.resource('resource');
    if (target.level === 'instance' && target.resourceType && target.id) {
      const stored = await services.repo.reader(ctx).read(target.resourceType, target.id);
      if (mode === 'delete') {
        return ok('the resource can be deleted');
      }
      resource = resource ?? stored.resource;
      if (mode === 'update' && resource?.id !== target.id) throw fail(400, 'invalid', `for mode=update the resource id must be ${target.id}`);
    }
    if (!resource) throw fail(400, 'required', '$validate needs a resource (the body, or a Parameters with a resource parameter)');
    const envelope = envelopeIssues(resource, target.resourceType);
    if (envelope.length > 0) throw failWithIssues(400, envelope);
    const issues = await services.validator.validate(resource as Resource, { profile });
    if (issues.length === 0) return ok('no issues found');
    const outcome: OperationOutcome = { resourceType: 'OperationOutcome', issue: issues };
    return { status: 200, body: outcome };
  },
};

const PROFILE_VALUE_KEYS = ['valueCanonical', 'valueUri', 'valueUrl', 'valueString'];

/** The `profile` parameter: absent, or one canonical URL (a string without spaces); anything else is a 400. */
function profileParameter(params: OperationParams): string | undefined {
  if (params.value<unknown>('profile', 'name') === undefined) return undefined;
  const value = PROFILE_VALUE_KEYS.map((k) => params.value<unknown>('profile', k)).find((v) => v !== undefined);
  if (typeof value !== 'string' || !/^\S+$/.test(value)) {
    throw fail(400, 'invalid', 'the profile parameter must be a canonical URL (valueCanonical, valueUri or a query string value)', ['Parameters.parameter.profile']);
  }
  return value;
}

function ok(text: string): { status: number; body: OperationOutcome } {
  return { status: 200, body: { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', details: { text } }] } };
}
