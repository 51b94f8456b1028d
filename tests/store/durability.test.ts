/** A write answered 2xx survives kill -9 of the process (embedded engine, default settings). */
import fs from 'node:fs';
import { tempDir } from '../helpers/hub';
import { killHard, startHubProcess } from '../../scripts/lib/hub-process';

const PORT = 20000 + (process.pid % 10000);

it('answered writes survive kill -9 and a restart', async () => {
  const dataDir = tempDir('hub-crash-');
  const first = await startHubProcess({ HUB_DATA_DIR: dataDir }, PORT);
  const written: Array<{ id: string; given: string }> = [];
  try {
    // Writes in flight concurrently, as a busy clinic would send them; the kill lands right after the last answer.
    const responses = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const res = await fetch(`${first.base}/Patient`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/fhir+json' },
          body: JSON.stringify({ resourceType: 'Patient', name: [{ family: '刘', given: [`g${i}`] }] }),
        });
        return { status: res.status, body: (await res.json()) as { id: string } };
      }),
    );
    for (const [i, r] of responses.entries()) {
      expect(r.status).toBe(201);
      written.push({ id: r.body.id, given: `g${i}` });
    }
    const updated = await fetch(`${first.base}/Patient/${written[0].id}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Patient', id: written[0].id, name: [{ family: '刘', given: ['updated'] }] }),
    });
    expect(updated.status).toBe(200);
    written[0].given = 'updated';
  } finally {
    await killHard(first);
  }
  const second = await startHubProcess({ HUB_DATA_DIR: dataDir }, PORT + 1);
  try {
    for (const w of written) {
      const res = await fetch(`${second.base}/Patient/${w.id}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { name: Array<{ given: string[] }> };
      expect(body.name[0].given[0]).toBe(w.given);
    }
    const history = (await (await fetch(`${second.base}/Patient/${written[0].id}/_history`)).json()) as { total: number };
    expect(history.total).toBe(2);
    const search = (await (await fetch(`${second.base}/Patient?family=刘&_total=accurate`)).json()) as { total: number };
    expect(search.total).toBe(40);
  } finally {
    await killHard(second);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  // Two starts, each waiting for /readyz (warm validation: some seconds of CPU on a busy machine).
}, 180_000);
