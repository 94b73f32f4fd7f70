import { describe, expect, it } from 'vitest';
import { checkResetDecider, type MfaReset } from '../../../src/features/mfa-reset/domain.js';
import { dueLifecycleStep, type RotationRequest } from '../../../src/features/rotation/domain.js';
import { checkApprover, isOverdue } from '../../../src/kernel/domain/approval.js';

const HOUR = 3_600_000;
const waiting = { state: 'requested', requesterSlackId: 'U0ALICE', expiresAt: 24 * HOUR };
const approver = { isApprover: true, approvedBy: [] as string[] };

describe('expiry is part of the decision (rotations and MFA resets alike)', () => {
  it.each([
    ['an hour before', 23 * HOUR, undefined],
    ['at the instant', 24 * HOUR, 'expired'],
    ['30 hours later, never marked by a job', 30 * HOUR, 'expired'],
  ] as const)('%s its expiry: %s', (_when, now, refusal) => {
    expect(checkApprover(waiting, 'U0BOB', { ...approver, now })).toBe(refusal);
    expect(
      checkResetDecider(waiting as unknown as MfaReset, 'U0BOB', { ...approver, now, verified: true }),
    ).toBe(refusal);
  });

  it('a decided request is closed rather than expired, and expiry comes before who is asking', () => {
    expect(checkApprover({ ...waiting, state: 'approved' }, 'U0BOB', { ...approver, now: 30 * HOUR })).toBe(
      'closed',
    );
    expect(checkApprover(waiting, 'U0ALICE', { ...approver, now: 30 * HOUR })).toBe('expired');
  });

  it('the jobs expire by the same rule', () => {
    expect(isOverdue(waiting, 24 * HOUR)).toBe(true);
    expect(isOverdue({ ...waiting, state: 'approved' }, 30 * HOUR)).toBe(false);
    expect(dueLifecycleStep(waiting as unknown as RotationRequest, 24 * HOUR)).toBe('expire');
  });
});
