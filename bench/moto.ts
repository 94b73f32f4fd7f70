import { spawn } from 'node:child_process';
import { findMotoServer, freePort } from '../test/setup/moto-server.js';

/** A moto_server of its own for one benchmark size. */
export async function startMoto(): Promise<{ url: string; stop(): Promise<void> }> {
  const bin = findMotoServer();
  if (!bin) throw new Error('moto_server is needed for the benchmark (pip install "moto[server]")');
  const port = await freePort();
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    if (
      await fetch(`${url}/moto-api/data.json`).then(
        (r) => r.ok,
        () => false,
      )
    ) {
      return { url, stop: async () => void child.kill('SIGTERM') };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error('moto_server did not start');
}
