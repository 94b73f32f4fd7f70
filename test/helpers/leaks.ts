import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

/**
 * Hands what a test saw leave the bot (Slack calls, response_url posts, log lines) to the suite-wide leak scan,
 * which, at the end of the run, looks in all of it for every secret access key in Secrets Manager.
 */
export function recordForLeakScan(label: string, material: unknown): void {
  const dir = inject('leakDir');
  if (!dir) return;
  writeFileSync(join(dir, `${label}-${randomUUID()}.json`), JSON.stringify(material));
}
