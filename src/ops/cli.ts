/** `npm run backup -- …` and `npm run restore -- …` (src/ops/commands.ts, docs/operations.md#backup-and-restore). */
import { runOps } from './commands';

runOps(process.argv.slice(2), { env: process.env, out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
