/**
 * Whether a process has an LMDB environment open: LMDB keeps its data and lock files open for as long as an
 * environment is open, so on Linux the open file descriptors in /proc tell. Best effort: elsewhere, or for
 * processes of other users, it cannot tell (undefined).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DATA_FILE, LOCK_FILE } from './manifest';

function realpathOrUndefined(file: string): string | undefined {
  try {
    return fs.realpathSync(file);
  } catch {
    return undefined;
  }
}

/** Ids of the processes (this one included) that hold the store in `dir` open; undefined when that cannot be checked. */
export function processesUsing(dir: string): number[] | undefined {
  if (!fs.existsSync('/proc/self/fd')) return undefined;
  const targets = new Set([DATA_FILE, LOCK_FILE].flatMap((name) => realpathOrUndefined(path.join(dir, name)) ?? []));
  if (targets.size === 0) return [];
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or another user's process
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      if (targets.has(target)) {
        pids.push(Number(entry));
        break;
      }
    }
  }
  return pids;
}
