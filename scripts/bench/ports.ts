/** Ports for the hub processes of one bench run: a block of free ports on 127.0.0.1, found at start. */
import net from 'node:net';

function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `next()` hands out the ports of a block of `size` consecutive ports that were all free when the run started. */
export async function portBlock(size = 64): Promise<() => number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 30000 + Math.floor(Math.random() * 9000);
    let ok = true;
    for (let p = base; p < base + size && ok; p++) ok = await free(p);
    if (ok) {
      let next = base;
      return () => {
        if (next >= base + size) throw new Error(`the bench used more than ${size} ports`);
        return next++;
      };
    }
  }
  throw new Error('no block of free ports found');
}
