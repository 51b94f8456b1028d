/**
 * `npm run user -- <command>`: manage the people who sign in to the console (docs/console.md).
 *
 *   add --username NAME --organization Organization/<id> --role <role> [--name 'Display name'] [--fhir-user PractitionerRole/<id>]
 *       the password is read from HUB_USER_PASSWORD, or from the first line of standard input
 *   list
 *   suspend --username NAME | activate --username NAME
 *   password --username NAME   (new password as for add)
 *
 * Opens the configured store (HUB_DATA_DIR, or MONGODB_URI) and may run while the hub runs on it.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { isRole, ROLES } from '../../context';
import { createEngine } from '../../store';
import { UserRegistry } from './users';

const USAGE = `usage: npm run user -- <command>
  add --username NAME --organization Organization/<id> --role <${ROLES.join('|')}> [--name 'Display name'] [--fhir-user PractitionerRole/<id>]
      (password from HUB_USER_PASSWORD or the first line of standard input)
  list
  suspend --username NAME
  activate --username NAME
  password --username NAME`;

async function withUsers<T>(work: (users: UserRegistry) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const engine = createEngine({ mongodbUri: config.mongodbUri, mongodbDatabase: config.mongodbDatabase, dataDir: config.dataDir, fsync: config.fsync });
  await engine.open();
  try {
    return await work(new UserRegistry(engine));
  } finally {
    await engine.close();
  }
}

async function readPassword(): Promise<string> {
  const fromEnv = process.env.HUB_USER_PASSWORD;
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (Buffer.concat(chunks).includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      username: { type: 'string' },
      organization: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      'fhir-user': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const username = values.username;
  switch (command) {
    case 'add': {
      const { organization, role, name } = values;
      if (!username || !organization || !role) throw new Error('add needs --username, --organization and --role');
      if (!isRole(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
      const password = await readPassword();
      const u = await withUsers((users) => users.add({ username, organization, role, password, ...(name ? { name } : {}), ...(values['fhir-user'] ? { fhirUser: values['fhir-user'] } : {}) }));
      process.stdout.write(`added user ${u.username} (${u.role}, ${u.organization})\n`);
      return;
    }
    case 'list': {
      for (const u of await withUsers((users) => users.list())) process.stdout.write(`${u.username}\t${u.status}\t${u.role}\t${u.organization}\t${u.name}\t${u.created}\n`);
      return;
    }
    case 'suspend':
    case 'activate': {
      if (!username) throw new Error(`${command} needs --username`);
      const u = await withUsers((users) => users.setStatus(username, command === 'suspend' ? 'suspended' : 'active'));
      process.stdout.write(`user ${u.username} is ${u.status}\n`);
      return;
    }
    case 'password': {
      if (!username) throw new Error('password needs --username');
      const password = await readPassword();
      await withUsers((users) => users.setPassword(username, password));
      process.stdout.write(`password of ${username} changed\n`);
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
