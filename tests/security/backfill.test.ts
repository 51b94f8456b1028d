/** A store written before access stamps existed is stamped once at start, so clients see what their relationships allow. */
import { startTestHub, tempDir } from '../helpers/hub';
import { tokenFor } from '../helpers/auth';
import { fixture, loadFixture, ORG, RESIDENTS, VISIBLE } from './access-fixture';
import { GRANTS } from '../../src/access/stamps';

it('an older store gets its access stamps at start', async () => {
  const dataDir = tempDir();
  const first = await startTestHub({ dataDir, auth: true });
  await loadFixture(first, await tokenFor(first, { organization: ORG.authority, role: 'admin' }));
  // Make it look like a stage-1 store: no grants, no marker, no stamps on any document or version.
  await first.hub.engine.transaction(async (tx) => {
    const grants = [];
    for await (const g of tx.find(GRANTS, {})) grants.push(g._id);
    for (const id of grants) await tx.remove(GRANTS, id);
    for (const r of fixture()) {
      const doc = await tx.get(r.resourceType, r.id ?? '');
      if (doc) await tx.put(r.resourceType, { ...doc, acl: undefined, own: undefined });
    }
    const versions = [];
    for await (const h of tx.find('history', {})) versions.push(h);
    for (const h of versions) await tx.put('history', { ...h, acl: undefined });
  });
  await first.hub.close();

  const again = await startTestHub({ dataDir, auth: true });
  try {
    const token = await tokenFor(again, { organization: ORG.clinicA, role: 'clinic' });
    const res = await again.api.get('/fhir/Patient?_count=50').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    const ids = res.body.entry.map((e: { resource: { id: string } }) => e.resource.id).sort();
    expect(ids).toEqual(VISIBLE[ORG.clinicA].map((k) => RESIDENTS[k].id).sort());
    const history = await again.api.get('/fhir/Observation/obs-a1/_history').set('Authorization', `Bearer ${token}`);
    expect(history.body.entry).toHaveLength(1);
    expect((await again.api.get('/fhir/Observation/obs-b1').set('Authorization', `Bearer ${token}`)).status).toBe(404);
  } finally {
    await again.close();
  }
});
