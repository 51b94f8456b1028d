/**
 * `npm run client -- <command>`: manage the clients allowed to ask this hub for tokens (docs/security.md).
 *
 *   register --organization Organization/<id> --role <role> [--scope '<scopes>'] [--alg ES384|RS384] [--out FILE]
 *   list
 *   suspend --client-id ID      (its live tokens stop working at once)
 *   activate --client-id ID
 *   token --file FILE [--scope S]   prints only the access token: TOKEN=$(npm run -s client -- token --file F)
 *
 * register, list, suspend and activate open the configured store (HUB_DATA_DIR, or MONGODB_URI), and may
 * run while the hub runs on it. token calls the running hub's token endpoint.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { isRole, ROLES } from '../context';
import { createEngine } from '../store';
import { ClientRegistry, registerWithNewKey } from './clients';
import { credentialsOf, readCredentials, writeCredentials } from './credentials';
import { isAssertionAlg } from './keys';
import { requestToken } from './request-token';
import { authEndpoints } from './urls';

const USAGE = `usage: npm run client -- <command>
  register --organization Organization/<id> --role <${ROLES.join('|')}> [--scope '<scopes>'] [--alg ES384|RS384] [--out FILE]
  list
  suspend --client-id ID
  activate --client-id ID
  token --file FILE [--scope S]`;

async function withRegistry<T>(work: (registry: ClientRegistry) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const engine = createEngine({ mongodbUri: config.mongodbUri, mongodbDatabase: config.mongodbDatabase, dataDir: config.dataDir, fsync: config.fsync });
  await engine.open();
  try {
    return await work(new ClientRegistry(engine));
  } finally {
    await engine.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      organization: { type: 'string' },
      role: { type: 'string' },
      scope: { type: 'string' },
      alg: { type: 'string' },
      out: { type: 'string' },
      'client-id': { type: 'string' },
      file: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  switch (command) {
    case 'register': {
      const { organization, role, scope, out } = values;
      const alg = values.alg ?? 'ES384';
      if (!organization || !role) throw new Error('register needs --organization and --role');
      if (!isRole(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
      if (!isAssertionAlg(alg)) throw new Error('--alg must be ES384 or RS384');
      const { client, keys } = await withRegistry((registry) => registerWithNewKey(registry, { organization, role, scope, alg }));
      const credentials = credentialsOf(client, keys.privateJwk, authEndpoints(loadConfig().baseUrl).token);
      if (out) {
        writeCredentials(path.resolve(out), credentials);
        process.stdout.write(`registered client ${client.clientId} (${client.role}, ${client.organization}, ${client.scope}); credentials in ${path.resolve(out)}\n`);
      } else {
        process.stdout.write(`${JSON.stringify(credentials, null, 2)}\n`);
      }
      return;
    }
    case 'list': {
      const clients = await withRegistry((registry) => registry.list());
      for (const c of clients) process.stdout.write(`${c.clientId}\t${c.status}\t${c.role}\t${c.organization}\t${c.scope}\t${c.created}\n`);
      return;
    }
    case 'suspend':
    case 'activate': {
      const id = values['client-id'];
      if (!id) throw new Error(`${command} needs --client-id`);
      const c = await withRegistry((registry) => registry.setStatus(id, command === 'suspend' ? 'suspended' : 'active'));
      process.stdout.write(`client ${c.clientId} is ${c.status}\n`);
      return;
    }
    case 'token': {
      if (!values.file) throw new Error('token needs --file');
      const credentials = readCredentials(values.file);
      process.stdout.write(`${await requestToken(credentials, values.scope ?? credentials.scope)}\n`);
      return;
    }
    default:
      throw new Error(`unknown command '${command}'\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
