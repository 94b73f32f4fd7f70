import { describe, expect, it } from 'vitest';
import {
  type KeyRetirement,
  reactivatedUntil,
  reactivationOver,
  reactivationRefusal,
} from '../../../src/features/key-retirement/domain.js';

const DAY = 86_400_000;
const retired = { state: 'deactivated', source: 'owner', reactivatedAt: undefined } as KeyRetirement;

describe('switching a retired key back on', () => {
  it.each([
    ['an unused key its owner retired', retired, undefined],
    ['a key that leaked (pasted into Slack)', { ...retired, source: 'pasted' }, 'leaked'],
    ['a key switched back on once already', { ...retired, reactivatedAt: 1 }, 'once'],
    ['a key not waiting for deletion', { ...retired, state: 'deleted' }, 'not_now'],
  ] as const)('%s: %s', (_name, row, refusal) => {
    expect(reactivationRefusal(row as KeyRetirement)).toBe(refusal);
  });

  it('lasts one grace period, then the jobs switch it off again; one switched back on outside the bot has no end', () => {
    const until = reactivatedUntil(0, 7);
    expect(until).toBe(7 * DAY);
    const back = { ...retired, state: 'reactivated', reactivatedUntil: until } as KeyRetirement;
    expect(reactivationOver(back, until - 1)).toBe(false);
    expect(reactivationOver(back, until)).toBe(true);
    expect(reactivationOver({ ...back, reactivatedUntil: undefined }, 100 * DAY)).toBe(false);
  });
});
