/**
 * One NDJSON file being written: lines are buffered and written in chunks of about 1 MB, each write awaited
 * (backpressure: the reader is not asked for more until the disk took the last chunk), into `<name>.part`.
 * `finish()` syncs the file to disk and renames it to its final name, so a listed file is always complete;
 * a file that never finished keeps its `.part` name and is never served.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

const CHUNK = 1 << 20;

export class NdjsonFile {
  private lines = 0;
  private buffer: string[] = [];
  private buffered = 0;

  private constructor(
    private readonly handle: fs.FileHandle,
    private readonly partPath: string,
    readonly finalPath: string,
  ) {}

  static async create(dir: string, name: string): Promise<NdjsonFile> {
    const finalPath = path.join(dir, name);
    const partPath = `${finalPath}.part`;
    const handle = await fs.open(partPath, 'w');
    return new NdjsonFile(handle, partPath, finalPath);
  }

  get count(): number {
    return this.lines;
  }

  /** Adds one line (a JSON text without newlines); returns a promise to await only when a chunk is being written. */
  write(json: string): Promise<void> | undefined {
    this.buffer.push(json, '\n');
    this.buffered += json.length + 1;
    this.lines++;
    return this.buffered >= CHUNK ? this.flush() : undefined;
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.buffered = 0;
    await this.handle.write(chunk, null, 'utf8');
  }

  /** Writes what is buffered, syncs, closes and renames to the final name; returns the number of lines. */
  async finish(): Promise<number> {
    await this.flush();
    await this.handle.sync();
    await this.handle.close();
    await fs.rename(this.partPath, this.finalPath);
    return this.lines;
  }

  /** Closes and deletes the unfinished file. */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await fs.rm(this.partPath, { force: true });
  }
}
