/** The demo region's online follow-ups: prescriptions in every review state, dispenses, coverages, claims and responses, all consistent with the rules. */
import type { Claim, Encounter, MedicationDispense, MedicationRequest, Resource, Task } from '@medplum/fhirtypes';
import { regionResources, SMALL } from '../../seed/helpers';

describe('the generated online follow-ups', () => {
  const small = regionResources(SMALL);
  const byRef = new Map(small.map((r) => [`${r.resourceType}/${r.id ?? ''}`, r]));
  const of = <T extends Resource>(type: T['resourceType']): T[] => small.filter((r): r is T => r.resourceType === type);
  const reviews = of<Task>('Task').filter((t) => t.code?.coding?.[0]?.code === 'prescription-review');

  it('has prescriptions pending, approved and rejected, each with its review Task', () => {
    const states = new Set<string>();
    for (const task of reviews) {
      const mr = byRef.get(task.focus?.reference ?? '') as MedicationRequest;
      const review = mr.extension?.[0]?.valueCoding?.code ?? '';
      states.add(review);
      expect([task.status, mr.status]).toEqual({ pending: ['requested', 'draft'], approved: ['completed', 'active'], rejected: ['rejected', 'cancelled'] }[review]);
      expect(task.owner?.reference).toBe('Organization/org-hospital-pharmacy');
      const visit = byRef.get(mr.encounter?.reference ?? '') as Encounter;
      expect([visit.class.code, visit.serviceProvider?.reference]).toEqual(['VR', 'Organization/org-internet-hospital']);
    }
    expect([...states].sort()).toEqual(['approved', 'pending', 'rejected']);
  });

  it('dispenses and claims only approved prescriptions, with a valid coverage', () => {
    const dispenses = of<MedicationDispense>('MedicationDispense');
    const claims = of<Claim>('Claim');
    expect(dispenses.length).toBeGreaterThan(0);
    expect(claims.length).toBe(dispenses.length);
    for (const d of dispenses) expect((byRef.get(d.authorizingPrescription?.[0]?.reference ?? '') as MedicationRequest).status).toBe('active');
    for (const c of claims) {
      expect((byRef.get(c.prescription?.reference ?? '') as MedicationRequest).extension?.[0]?.valueCoding?.code).toBe('approved');
      const coverage = byRef.get(c.insurance[0].coverage.reference ?? '');
      expect(coverage).toMatchObject({ resourceType: 'Coverage', status: 'active', beneficiary: { reference: c.patient.reference } });
    }
    expect(of('ClaimResponse').length).toBe(claims.length);
  });
});
