import { describe, expect, it } from 'vitest';
import { breather, everyAccount } from '../../src/kernel/concurrency.js';

describe('everyAccount', () => {
  const logger = () => {
    const warnings: object[] = [];
    return { warnings, warn: (fields: object) => void warnings.push(fields) };
  };

  it('hands each reading to `use` as soon as it is read and keeps only what `use` returns', async () => {
    const events: string[] = [];
    const log = logger();
    const { values, failures } = await everyAccount(
      ['111111111111', '222222222222', '333333333333'],
      { concurrency: 1, logger: log, what: 'the report', allMayFail: true },
      async (id) => {
        events.push(`read ${id}`);
        if (id === '222222222222') throw new Error('AccessDenied');
        return { id, rows: [1, 2, 3] };
      },
      async (reading, id) => {
        events.push(`use ${id}`);
        return reading.rows.length;
      },
    );
    expect(events).toEqual([
      'read 111111111111',
      'use 111111111111',
      'read 222222222222',
      'read 333333333333',
      'use 333333333333',
    ]);
    expect(values).toEqual([3, 3]);
    expect(failures.map((f) => f.accountId)).toEqual(['222222222222']);
    expect(log.warnings).toHaveLength(1);
  });

  it('what `use` throws fails the whole: it is no account that could not be read', async () => {
    const log = logger();
    await expect(
      everyAccount(
        ['111111111111', '222222222222'],
        { concurrency: 2, logger: log, what: 'the report', allMayFail: true },
        async (id) => id,
        async () => {
          throw new Error('the database is gone');
        },
      ),
    ).rejects.toThrow('the database is gone');
    expect(log.warnings).toEqual([]);
  });
});

describe('breather', () => {
  it('gives the event loop one turn every `every` steps, and none between', async () => {
    const breathe = breather(100);
    const turns: number[] = [];
    let step = 0;
    let running = true;
    const tick = () => {
      turns.push(step);
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    for (step = 1; step <= 250; step++) await breathe();
    running = false;
    // One turn let the first tick run at step 100, the next at step 200; nothing else yielded.
    expect(turns).toEqual([100, 200]);
  });
});
