import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
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

/** `task` over `items`, `limit` at a time (seeding moto quickly without flooding it). */
export async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
    }),
  );
}

/** Samples the process's RSS every 20 ms until `stop()`, which resolves with the peak in MiB. */
export function peakRss(): { stop(): number } {
  global.gc?.();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return {
    stop() {
      clearInterval(sampler);
      return Math.round(Math.max(peak, process.memoryUsage().rss) / 1048576);
    },
  };
}

/** Prints a benchmark's table and, on a full run (no size override), writes it where the README quotes it from. */
export function writeTable(header: string, rows: readonly string[], file: string, full: boolean): void {
  const columns = header.split('|').length - 2;
  const table = [header, `|${'---|'.repeat(columns)}`, ...rows].join('\n');
  if (full) writeFileSync(file, `${table}\n`);
  process.stdout.write(`\n${table}\n`);
}

/** The account moto answers for without AssumeRole: the bot's own in the benchmarks. */
export const OWN_ACCOUNT = '123456789012';

/** An IAM client acting in `accountId` (moto switches account after AssumeRole). */
export async function adminIn(url: string, accountId: string): Promise<IAMClient> {
  const base = {
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  };
  if (accountId === OWN_ACCOUNT) return new IAMClient(base);
  const sts = new STSClient(base);
  const r = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/seed`, RoleSessionName: 'seed' }),
  );
  sts.destroy();
  return new IAMClient({
    ...base,
    credentials: {
      accessKeyId: r.Credentials?.AccessKeyId ?? '',
      secretAccessKey: r.Credentials?.SecretAccessKey ?? '',
      sessionToken: r.Credentials?.SessionToken ?? '',
    },
  });
}
