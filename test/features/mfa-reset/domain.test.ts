import { describe, expect, it } from 'vitest';
import { iamUserNameOf } from '../../../src/features/key-retirement/domain.js';
import {
  checkNote,
  checkResetDecider,
  MFA_RESET_TRANSITIONS,
  type MfaReset,
  requiredResetApprovals,
} from '../../../src/features/mfa-reset/domain.js';

const settings = { approvals: 2, privilegedApprovals: 3, requestTtlHours: 24, reenrolHours: 24 };
const reset = { state: 'requested', requesterSlackId: 'U0ALICE', expiresAt: 10 } as MfaReset;

describe('MFA device resets', () => {
  it('needs MFA_RESET_APPROVALS, and PRIVILEGED_APPROVALS when higher for an admin-level user', () => {
    expect(requiredResetApprovals(false, settings)).toBe(2);
    expect(requiredResetApprovals(true, settings)).toBe(3);
    expect(requiredResetApprovals(true, { ...settings, approvals: 4 })).toBe(4);
  });

  it.each([
    ['the requester', 'U0ALICE', true, [], true, 'self'],
    ['a non-approver', 'U0BOB', false, [], true, 'not_approver'],
    ['an approver twice', 'U0APPR', true, ['U0APPR'], true, 'already_approved'],
    ['an approver who did not verify', 'U0APPR', true, [], false, 'not_verified'],
    ['an approver who verified', 'U0APPR', true, [], true, undefined],
  ] as const)('%s', (_, who, isApprover, approvedBy, verified, refusal) => {
    expect(checkResetDecider(reset, who, { isApprover, approvedBy, now: 1, verified })).toBe(refusal);
  });

  it('refuses every decision once the reset has moved on', () => {
    for (const state of Object.keys(MFA_RESET_TRANSITIONS).filter((s) => s !== 'requested'))
      expect(
        checkResetDecider({ ...reset, state } as MfaReset, 'U0APPR', {
          isApprover: true,
          approvedBy: [],
          now: 1,
          verified: true,
        }),
      ).toBe('closed');
  });

  it('requires a note, within 500 characters', () => {
    expect(checkNote('  ')).toBe('note_required');
    expect(checkNote('x'.repeat(501))).toBe('note_too_long');
    expect(checkNote('lost on the train')).toBeUndefined();
  });

  it('ends in states with no way out, and only a removed device can become overdue', () => {
    for (const end of ['reenrolled', 'denied', 'expired', 'failed'] as const)
      expect(MFA_RESET_TRANSITIONS[end]).toEqual([]);
    const into = (to: string) =>
      Object.entries(MFA_RESET_TRANSITIONS).filter(([, tos]) => tos.includes(to as never));
    expect(into('overdue').map(([from]) => from)).toEqual(['removed']);
  });
});

describe('the bot principal', () => {
  it.each([
    ['arn:aws:iam::123456789012:user/aws-mfa-bot', 'aws-mfa-bot'],
    ['arn:aws:iam::123456789012:user/ops/bots/aws-mfa-bot', 'aws-mfa-bot'],
    ['arn:aws-us-gov:iam::123456789012:user/bot', 'bot'],
    ['arn:aws:sts::123456789012:assumed-role/aws-mfa-bot/session', undefined],
    ['arn:aws:iam::123456789012:role/aws-mfa-bot', undefined],
  ])('%s → %s', (arn, name) => {
    expect(iamUserNameOf(arn)).toBe(name);
  });
});
