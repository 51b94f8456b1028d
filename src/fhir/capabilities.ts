/**
 * The CapabilityStatement, generated from what the server runs: the router's interactions, the search
 * parameters in the registry, the registered operations and the formats the HTTP layer accepts.
 */
import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import type { AuthEndpoints } from '../auth/urls';
import { resourceTypes } from './resource-types';
import type { FhirRouter } from './router';
import { SYSTEM_INTERACTIONS, TYPE_INTERACTIONS } from './router';
import type { FhirServices } from './services';

export const SERVER_VERSION = '0.1.0';

const SEARCH_TYPE_MAP: Record<string, 'number' | 'date' | 'string' | 'token' | 'reference' | 'composite' | 'quantity' | 'uri' | 'special'> = {
  number: 'number', date: 'date', string: 'string', token: 'token', reference: 'reference', composite: 'composite', quantity: 'quantity', uri: 'uri', special: 'special',
};

type RestSecurity = NonNullable<NonNullable<CapabilityStatement['rest']>[number]['security']>;

/** SMART on FHIR security (SMART App Launch 2.x conformance.html): the token endpoint and CORS. */
export function restSecurity(endpoints: AuthEndpoints | undefined): RestSecurity {
  return {
    cors: true,
    service: [
      {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }],
        text: 'OAuth2 using SMART Backend Services (client_credentials with private_key_jwt) and, for people, the authorization code grant with PKCE',
      },
    ],
    ...(endpoints
      ? { extension: [{ url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris', extension: [{ url: 'token', valueUri: endpoints.token }, { url: 'authorize', valueUri: endpoints.authorize }] }] }
      : {}),
    description: 'Every request except metadata and .well-known/smart-configuration needs a bearer token from the token endpoint (docs/security.md).',
  };
}

export function capabilityStatement(services: FhirServices, router: FhirRouter): CapabilityStatement {
  const registry = services.repo.registry;
  const ops = router.operations.all();
  const resource: CapabilityStatementRestResource[] = resourceTypes().map((type) => {
    const params = [...registry.forType(type)]
      .filter(([, def]) => def.type !== 'special')
      .map(([code, def]) => ({ name: code, definition: def.url, type: SEARCH_TYPE_MAP[def.type ?? 'special'] ?? 'special' }));
    params.push({ name: '_id', definition: 'http://hl7.org/fhir/SearchParameter/Resource-id', type: 'token' });
    const profiles = services.supportedProfiles(type);
    return {
      type,
      profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
      ...(profiles.length > 0 ? { supportedProfile: [...profiles] } : {}),
      interaction: TYPE_INTERACTIONS.map((code) => ({ code })),
      versioning: 'versioned-update',
      readHistory: true,
      updateCreate: true,
      conditionalCreate: true,
      conditionalRead: 'full-support',
      conditionalUpdate: true,
      conditionalDelete: 'single',
      referencePolicy: ['literal', 'logical', 'local'],
      searchInclude: ['*', ...[...registry.forType(type)].filter(([, d]) => d.type === 'reference').map(([code]) => `${type}:${code}`)],
      searchRevInclude: ['*'],
      searchParam: params,
      operation: ops
        .filter((op) => op.levels.some((l) => l !== 'system') && (!op.resourceTypes || op.resourceTypes.includes(type)))
        .map((op) => ({ name: op.name, definition: op.definition })),
    } as CapabilityStatementRestResource;
  });
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    software: { name: 'Health Community Hub', version: SERVER_VERSION },
    implementation: { description: 'FHIR server of the regional health community', url: undefined },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'application/json'],
    patchFormat: ['application/json-patch+json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server',
        security: restSecurity(services.authEndpoints),
        resource,
        interaction: SYSTEM_INTERACTIONS.map((code) => ({ code })),
        searchParam: [
          { name: '_type', type: 'token', definition: 'http://hl7.org/fhir/SearchParameter/Resource-type' },
          { name: '_count', type: 'number' },
          { name: '_sort', type: 'string' },
          { name: '_total', type: 'token' },
          { name: '_summary', type: 'token' },
          { name: '_elements', type: 'string' },
        ] as NonNullable<CapabilityStatement['rest']>[number]['searchParam'],
        operation: ops.filter((op) => op.levels.includes('system')).map((op) => ({ name: op.name, definition: op.definition })),
      },
    ],
  };
}
