/**
 * Free space of the embedded store's file system (docs/operations.md#a-full-disk): the engine refuses a
 * group of writes before it commits when the space left is under the reserve, and recognises a commit that
 * failed for want of space (LMDB reports a full tmpfs as EIO, a full disk as ENOSPC, a map that cannot
 * grow as MDB_MAP_FULL) so that it answers 507 and recovers instead of refusing writes until a restart.
 */
import fs from 'node:fs';

/** Default reserve: room for a few large group commits and LMDB's growth of its file. */
export const DEFAULT_MIN_FREE_BYTES = 32 * 1024 * 1024;
const CHECK_EVERY_MS = 1000;
/** LMDB's MDB_MAP_FULL; ENOSPC; EIO (a write into a full tmpfs); EDQUOT. */
const SPACE_CODES = new Set<unknown>([-30792, 'MDB_MAP_FULL', 28, 'ENOSPC', 5, 'EIO', 122, 'EDQUOT']);

export class FreeSpace {
  private checkedAt = -Infinity;
  private free = Infinity;

  constructor(
    private readonly path: string,
    readonly minFreeBytes: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Bytes available to the store (statfs, at most once a second unless `fresh`). */
  available(fresh = false): number {
    const t = this.now();
    if (fresh || t - this.checkedAt >= CHECK_EVERY_MS) {
      this.checkedAt = t;
      try {
        const s = fs.statfsSync(this.path);
        this.free = s.bavail * s.bsize;
      } catch {
        this.free = Infinity;
      }
    }
    return this.free;
  }

  /** Under the reserve: a reason to refuse writes, else undefined. */
  shortage(fresh = false): string | undefined {
    const free = this.available(fresh);
    return free < this.minFreeBytes ? `${Math.floor(free / 2 ** 20)} MiB free, the store keeps ${Math.ceil(this.minFreeBytes / 2 ** 20)} MiB in reserve` : undefined;
  }

  /** Whether a failed commit failed for want of space: its error code says so, or the file system is (nearly) full now. */
  explains(error: unknown): boolean {
    const codes = [error, (error as { cause?: unknown })?.cause].map((e) => (e as { code?: unknown } | undefined)?.code);
    if (codes.some((c) => SPACE_CODES.has(c))) return true;
    const message = error instanceof Error ? error.message : String(error);
    if (/MDB_MAP_FULL|No space left|ENOSPC/i.test(message)) return true;
    // LMDB's "Commit failed (see commitError)" hides the code: a file system with (almost) nothing left explains it.
    return this.available(true) < Math.max(this.minFreeBytes, 1024 * 1024);
  }
}
