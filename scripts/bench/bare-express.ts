/** The ceiling: a bare express app answering the same routes with fixed JSON, no FHIR work, no storage. */
import express from 'express';

const PATIENT = { resourceType: 'Patient', id: 'p1', meta: { versionId: '1', lastUpdated: '2026-01-01T00:00:00.000Z' }, name: [{ family: '王', given: ['小明'] }], gender: 'male', birthDate: '1980-01-02' };

const app = express();
app.use(express.json({ type: () => true }));
app.get('/readyz', (_req, res) => {
  res.json({ status: 'ready' });
});
app.get('/fhir/Patient/:id', (_req, res) => {
  res.type('application/fhir+json').json(PATIENT);
});
app.post('/fhir/Patient', (req, res) => {
  res.status(201).type('application/fhir+json').json({ ...req.body, id: 'p1' });
});
app.put('/fhir/Patient/:id', (req, res) => {
  res.type('application/fhir+json').json(req.body);
});
app.listen(Number(process.env.PORT), '127.0.0.1');
