/**
 * $validate (FHIR R4 resource-operation-validate) at type and instance level, with `profile` and `mode`
 * (create | update | delete). Always answers 200 with an OperationOutcome listing the issues; a request
 * that cannot be evaluated at all is a 400.
 */
import type { OperationOutcome, Resource } from '@medplum/fhirtypes';
import { getProfile } from '../../profiles/implementation-guide';
import type { OperationDefinitionRef } from '../operations';
import { fail } from '../outcomes';
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
    const profile = params.string('profile');
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
    if (target.resourceType && resource.resourceType !== target.resourceType) {
      throw fail(400, 'invalid', `the resource is a ${resource.resourceType}, not a ${target.resourceType}`);
    }
    const issues = await services.validator.validate(resource as Resource, { profile });
    if (issues.length === 0) return ok('no issues found');
    const outcome: OperationOutcome = { resourceType: 'OperationOutcome', issue: issues };
    return { status: 200, body: outcome };
  },
};

function ok(text: string): { status: number; body: OperationOutcome } {
  return { status: 200, body: { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', details: { text } }] } };
}
