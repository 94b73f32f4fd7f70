import { describe, expect, it } from 'vitest';
import type { IamUser } from '../../../src/kernel/domain/types.js';
import type { FindIamUser } from '../../../src/kernel/people/find-iam-user.js';
import {
  createPersonReads,
  PERSON_READ_CONCURRENCY,
  PERSON_REFRESH_MIN_MS,
  PERSON_REUSE_MS,
} from '../../../src/kernel/people/person-reads.js';

const user = (name: string): IamUser => ({
  userName: name,
  arn: `arn:aws:iam::123456789012:user/${name}`,
  accountId: '123456789012',
  tags: {},
});

describe('per-person reads', () => {
  let now = 0;
  const clock = { now: () => new Date(now) };
  const findIamUser: FindIamUser = async (slackUserId) => {
    if (slackUserId === 'U0FAILS')
      return { kind: 'failed', reason: { kind: 'throttled', action: 'iam:ListUsers' } };
    const u = user(slackUserId.toLowerCase());
    return {
      kind: 'found',
      user: u,
      person: undefined,
      others: [],
      trust: { kind: 'trusted' },
      users: [{ user: u, trust: { kind: 'trusted' } }],
      claims: [{ user: u, trust: { kind: 'trusted' } }],
    };
  };

  it('runs at most a few people at once, reuses an answer, and re-reads at most every ten seconds', async () => {
    let running = 0;
    let most = 0;
    let listings = 0;
    const reads = createPersonReads({
      findIamUser,
      clock,
      iam: {
        listMfaDevices: async () => [],
        async listAccessKeys() {
          listings++;
          running++;
          most = Math.max(most, running);
          await new Promise((r) => setTimeout(r, 20));
          running--;
          return [];
        },
      },
    });
    await Promise.all(Array.from({ length: 12 }, (_, i) => reads.keys(`U0P${i}`)));
    expect(most).toBe(PERSON_READ_CONCURRENCY);
    expect(listings).toBe(12);

    await Promise.all(Array.from({ length: 10 }, () => reads.keys('U0P1')));
    await reads.keys('U0P1', { refresh: true });
    expect(listings).toBe(12);
    now += PERSON_REFRESH_MIN_MS;
    await reads.keys('U0P1', { refresh: true });
    expect(listings).toBe(13);
    now += PERSON_REUSE_MS;
    await reads.keys('U0P1');
    expect(listings).toBe(14);
  });

  it('answers a failed look-up without keeping it', async () => {
    const reads = createPersonReads({
      findIamUser,
      clock,
      iam: { listMfaDevices: async () => [], listAccessKeys: async () => [] },
    });
    expect((await reads.keys('U0FAILS')).found.kind).toBe('failed');
    expect((await reads.devices('U0FAILS')).found.kind).toBe('failed');
  });
});
