import { PROFILES } from '../../src/profiles/canonical';
import { describe, expect, it } from '@jest/globals';
import {
  loadImplementationGuide,
  profilesFor,
  requiredProfileFor,
  validateAgainstProfile,
  validateBase,
  validateForWrite,
} from '../../src/profiles/implementation-guide';
import { errorsOf } from './helpers';

const guide = loadImplementationGuide();

describe('examples', () => {
  it('has at least one example for every profile', () => {
    const claimed = new Set(guide.examples.flatMap((e) => e.meta?.profile ?? []));
    for (const url of Object.values(PROFILES)) {
      expect(claimed).toContain(url);
    }
  });

  it.each(guide.examples.map((e) => [`${e.resourceType}/${e.id}`, e] as const))('%s validates against base R4', (_name, resource) => {
    expect(validateBase(resource)).toEqual([]);
  });

  it.each(guide.examples.filter((e) => e.meta?.profile?.length).map((e) => [`${e.resourceType}/${e.id}`, e] as const))(
    '%s validates against its profile without any issue',
    (_name, resource) => {
      for (const profile of resource.meta?.profile ?? []) {
        expect(validateAgainstProfile(resource, profile)).toEqual([]);
      }
      expect(validateForWrite(resource, { requireHubProfiles: true })).toEqual([]);
    }
  );

  it('references only examples that exist (plain Type/id references)', () => {
    const ids = new Set(guide.examples.map((e) => `${e.resourceType}/${e.id}`));
    const references: string[] = [];
    JSON.stringify(guide.examples, (key, value: unknown) => {
      if (key === 'reference' && typeof value === 'string') {
        references.push(value);
      }
      return value;
    });
    expect(references.length).toBeGreaterThan(20);
    expect(references.filter((r) => !ids.has(r))).toEqual([]);
  });
});

describe('profile selection', () => {
  it('lists the profiles per resource type', () => {
    expect(profilesFor('Observation').sort()).toEqual([PROFILES.BloodPressure, PROFILES.Glucose, PROFILES.HbA1c].sort());
    expect(profilesFor('Patient')).toEqual([PROFILES.Patient]);
    expect(profilesFor('Extension')).toEqual([]);
  });

  it('picks the mandatory profile by what the resource is', () => {
    const byId = (id: string): unknown => guide.examples.find((e) => e.id === id);
    expect(requiredProfileFor(byId('example-blood-pressure'))).toBe(PROFILES.BloodPressure);
    expect(requiredProfileFor(byId('example-glucose'))).toBe(PROFILES.Glucose);
    expect(requiredProfileFor(byId('example-referral-task'))).toBe(PROFILES.ReferralTask);
    expect(requiredProfileFor({ resourceType: 'Observation', code: { text: '体重' } })).toBeUndefined();
    expect(requiredProfileFor({ resourceType: 'ServiceRequest', code: { text: '血常规' } })).toBeUndefined();
  });

  it('makes hub profiles mandatory only when the setting is on', () => {
    const patient = { resourceType: 'Patient', name: [{ text: '赵六' }], gender: 'male' };
    expect(errorsOf(validateForWrite(patient))).toEqual([]);
    const issues = errorsOf(validateForWrite(patient, { requireHubProfiles: true }));
    expect(issues.map((i) => i.details?.text).join('\n')).toContain("Slice 'residentId'");
  });

  it('reports an unknown hub profile instead of ignoring it', () => {
    const patient = { resourceType: 'Patient', meta: { profile: ['https://fhir.health-community-hub.cn/StructureDefinition/nope'] } };
    expect(errorsOf(validateForWrite(patient))[0].code).toBe('not-supported');
  });

  it('never throws for garbage', () => {
    for (const input of [null, 42, 'Patient', [], {}, { resourceType: 'Nope' }, { resourceType: 'Patient', name: 'x' }]) {
      expect(() => validateAgainstProfile(input, PROFILES.Patient)).not.toThrow();
      expect(errorsOf(validateAgainstProfile(input, PROFILES.Patient)).length).toBeGreaterThan(0);
    }
  });
});
