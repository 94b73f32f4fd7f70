import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/store/db.js';
import { createRunClaims } from '../../../src/adapters/store/run-claims.js';
import { once, type RunClaims } from '../../../src/kernel/runs.js';
import { DATABASES } from '../../helpers/databases.js';

describe.each(DATABASES)('run claims on $name (a scan or a jobs run happens once at a time)', (database) => {
  let db: Db;
  let drop: () => Promise<void>;
  let claims: RunClaims;
  let t = 1_000_000;
  const who = (holder: string) => ({ holder, now: () => t });

  beforeAll(async () => {
    ({ db, drop } = await database.open());
    claims = createRunClaims(db);
  });
  afterAll(() => drop());

  it('of twenty takers at once, exactly one gets the claim', async () => {
    const taken = await Promise.all(
      Array.from({ length: 20 }, (_, i) => claims.take('race', `host-${i}#boot`, t, t + 60_000)),
    );
    expect(taken.filter(Boolean)).toHaveLength(1);
  });

  it('runs while free, tells a second caller who holds it, and frees it however the run ends', async () => {
    let release!: () => void;
    const first = once(
      claims,
      'scan',
      who('host-a#boot1'),
      () => new Promise<string>((r) => (release = () => r('done'))),
    );
    await new Promise((r) => setTimeout(r, 50));
    let ran = false;
    expect(
      await once(claims, 'scan', who('host-b#boot1'), async () => {
        ran = true;
      }),
    ).toEqual({ ran: false, holder: 'host-a#boot1' });
    expect(ran).toBe(false);
    release();
    expect(await first).toEqual({ ran: true, result: 'done' });
    await expect(
      once(claims, 'scan', who('host-b#boot1'), async () => {
        throw new Error('scan failed');
      }),
    ).rejects.toThrow('scan failed');
    expect(await claims.holder('scan', t)).toBeUndefined();
  });

  it('a claim whose holder died runs out and is taken by the next', async () => {
    expect(await claims.take('jobs', 'host-a#dead', t, t + 120_000)).toBe(true);
    expect(await claims.take('jobs', 'host-b#boot1', t + 60_000, t + 180_000)).toBe(false);
    t += 120_001;
    expect(await claims.take('jobs', 'host-b#boot1', t, t + 120_000)).toBe(true);
    expect(await claims.holder('jobs', t)).toBe('host-b#boot1');
  });
});
