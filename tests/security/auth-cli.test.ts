/**
 * `npm run client`: registering and suspending clients from another process while a hub runs on the same
 * embedded store (LMDB serves several processes on one environment).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readCredentials } from '../../src/auth/credentials';
import type { TestHub } from '../helpers/hub';
import { startTestHub } from '../helpers/hub';
import { tokenOf } from '../helpers/auth';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ auth: true });
});
afterAll(async () => {
  await t.close();
});

function client(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/auth/cli.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, HUB_DATA_DIR: t.dataDir, HUB_BASE_URL: 'http://hub.test/fhir', MONGODB_URI: '' },
  });
}

describe('npm run client, while the hub runs on the same data directory', () => {
  test('register writes a 0600 credential file the running hub accepts; suspend ends its tokens at once', async () => {
    const file = path.join(t.dataDir, 'pharmacy.json');
    const out = await client('register', '--organization', 'Organization/org-hospital-pharmacy', '--role', 'pharmacist', '--out', file);
    expect(out.stdout).toContain('registered client');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const credentials = readCredentials(file);
    expect(credentials).toMatchObject({ organization: 'Organization/org-hospital-pharmacy', role: 'pharmacist', scope: 'system/*.rus system/MedicationDispense.c', token_endpoint: 'http://hub.test/oauth2/token' });
    expect(credentials.jwk).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384', kid: expect.any(String), d: expect.any(String) });

    const registered = await t.hub.auth.clients.get(credentials.client_id);
    if (!registered) throw new Error('the running hub does not see the client the CLI registered');
    expect(registered.jwks.keys[0].d).toBeUndefined();
    const token = await tokenOf(t, { client: registered, privateJwk: credentials.jwk });
    expect((await t.api.get('/fhir/MedicationRequest').set('Authorization', `Bearer ${token}`)).status).toBe(200);

    expect((await client('list')).stdout).toContain(`${credentials.client_id}\tactive\tpharmacist`);
    await client('suspend', '--client-id', credentials.client_id);
    expect((await t.api.get('/fhir/MedicationRequest').set('Authorization', `Bearer ${token}`)).status).toBe(401);
  });

  test('register refuses a role it does not know, and an RS384 key can be asked for', async () => {
    await expect(client('register', '--organization', 'Organization/x', '--role', 'nurse')).rejects.toThrow(/--role must be one of/);
    const { stdout } = await client('register', '--organization', 'Organization/org-health-authority', '--role', 'authority', '--alg', 'RS384');
    const printed = JSON.parse(stdout) as { jwk: { kty: string; alg: string }; scope: string };
    expect(printed.jwk).toMatchObject({ kty: 'RSA', alg: 'RS384' });
    expect(printed.scope).toBe('system/*.rs');
  });
});
