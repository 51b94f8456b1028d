/** Validation on worker threads gives the same answers as on the main thread. */
import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, patient, startTestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ validationWorkers: 2 });
});
afterAll(async () => {
  await t.close();
});

it('accepts valid and rejects invalid resources with the same issues, under concurrency', async () => {
  expect(t.hub.services.validator.close).toBeDefined();
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      t.api
        .post('/fhir/Patient')
        .set('Content-Type', FHIR_JSON)
        .send(i % 2 === 0 ? patient('王', [`${i}`]) : { resourceType: 'Patient', gender: 'robot', birthDate: '1990-02-30' }),
    ),
  );
  results.forEach((res, i) => {
    if (i % 2 === 0) expect(res.status).toBe(201);
    else {
      expect(res.status).toBe(400);
      const paths = res.body.issue.map((x: { expression?: string[] }) => x.expression?.[0]);
      expect(paths).toEqual(expect.arrayContaining(['Patient.gender', 'Patient.birthDate']));
    }
  });
  const validate = await t.api.post('/fhir/Patient/$validate').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient', gender: 'robot' });
  expect(validate.body.issue.some((x: { expression?: string[] }) => x.expression?.includes('Patient.gender'))).toBe(true);
});
