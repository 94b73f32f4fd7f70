import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { scanForLeaks } from './leak-scan.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the moto_server started for this run, or '' when it is not installed (tests skip). */
    motoUrl: string;
    /** Where tests drop what left the bot, for the leak scan at the end of the run. */
    leakDir: string;
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** MOTO_SERVER, then PATH, then pyenv's shims (a bare PATH, as in CI, lacks them). */
export function findMotoServer(env = process.env): string | undefined {
  if (env.MOTO_SERVER && executable(env.MOTO_SERVER)) return env.MOTO_SERVER;
  const dirs = [...(env.PATH ?? '').split(delimiter), join(homedir(), '.pyenv', 'shims'), '/usr/local/bin'];
  return dirs.map((d) => join(d, 'moto_server')).find(executable);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early with code ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/moto-api/data.json`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto_server did not answer on ${url} within ${timeoutMs} ms`);
}

export default async function setup(project: TestProject) {
  const bin = findMotoServer();
  if (!bin) {
    const message =
      'moto_server was not found (MOTO_SERVER, PATH, ~/.pyenv/shims). Install it with `pip install "moto[server]"`.';
    if (process.env.CI === 'true') throw new Error(`${message} CI requires it.`);
    process.stderr.write(`\n${'!'.repeat(78)}\n!! SKIPPING AWS TESTS: ${message}\n${'!'.repeat(78)}\n\n`);
    project.provide('motoUrl', '');
    project.provide('leakDir', '');
    return;
  }
  const port = await freePort();
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // AWS managed policies (AdministratorAccess, IAMFullAccess …) exist in a real account; moto loads them on request.
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(url, child, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  project.provide('motoUrl', url);
  const leakDir = mkdtempSync(join(tmpdir(), 'aws-mfa-bot-leaks-'));
  project.provide('leakDir', leakDir);
  return async () => {
    try {
      const { secrets, files } = await scanForLeaks(url, leakDir);
      process.stderr.write(
        `leak scan: ${secrets} secret access keys checked against ${files} recordings, none found\n`,
      );
    } catch (error) {
      // Vitest reports a teardown error but keeps exit code 0; a leak must fail the run.
      process.stderr.write(`\n${(error as Error).message}\n`);
      process.exitCode = 1;
    } finally {
      child.kill('SIGTERM');
      rmSync(leakDir, { recursive: true, force: true });
    }
  };
}
