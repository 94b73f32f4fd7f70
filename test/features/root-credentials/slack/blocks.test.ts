import { describe, expect, it } from 'vitest';
import {
  ROOT_DELETION_TRANSITIONS,
  type RootDeletion,
  type RootDeletionState,
  requiredRootApprovals,
} from '../../../../src/features/root-credentials/domain.js';
import {
  rootDeletionApprovalMessage,
  rootDeletionNoticeMessage,
} from '../../../../src/features/root-credentials/slack/blocks.js';
import { messagesFor } from '../../../../src/i18n/messages.js';
import { ACTION } from '../../../../src/kernel/slack/action-ids.js';
import { checkMessage } from '../../../fakes/block-kit-limits.js';

const base: RootDeletion = {
  id: 'root-1',
  state: 'requested',
  requesterSlackId: 'U0APPROVER1',
  iamUser: 'root',
  iamUserArn: 'arn:aws:iam::210987654321:root',
  accountId: '210987654321',
  requiredApprovals: 2,
  privileged: true,
  approvalChannel: 'C0APPROVALS',
  approvalTs: undefined,
  messageSynced: false,
  decidedBy: 'U0APPROVER2,U0APPROVER3',
  decidedAt: Date.parse('2026-06-01T10:00:00Z'),
  denyReason: '<!channel> *not* now',
  failure: 'sts:AssumeRoot: access_denied',
  removed: JSON.stringify({ password: true, accessKeys: ['K1'], signingCertificates: [], mfaDevices: [] }),
  deletedAt: Date.parse('2026-06-01T10:00:00Z'),
  leaseUntil: undefined,
  leaseHolder: undefined,
  expiresAt: Date.parse('2026-06-02T10:00:00Z'),
  createdAt: Date.parse('2026-06-01T09:00:00Z'),
  updatedAt: Date.parse('2026-06-01T10:00:00Z'),
};

describe('root deletion messages', () => {
  it('never fewer than two approvals, whatever PRIVILEGED_APPROVALS says', () => {
    expect(requiredRootApprovals({ privilegedApprovals: 1, requestTtlHours: 24 })).toBe(2);
    expect(requiredRootApprovals({ privilegedApprovals: 3, requestTtlHours: 24 })).toBe(3);
  });

  it('every state renders inside Slack limits, in English and Korean; buttons only while it waits', () => {
    for (const locale of ['en', 'ko-KR'])
      for (const state of Object.keys(ROOT_DELETION_TRANSITIONS) as RootDeletionState[]) {
        const message = rootDeletionApprovalMessage(messagesFor(locale), { ...base, state }, ['U0APPROVER2']);
        expect(checkMessage(message)).toEqual([]);
        const json = JSON.stringify(message.blocks);
        expect(json.includes(ACTION.rootDeleteApprove)).toBe(state === 'requested');
        // The deny reason is shown as plain text: it cannot ping the channel.
        if (state === 'denied') expect(json).toContain('"type":"plain_text","text":"<!channel> *not* now"');
      }
    const approve = JSON.stringify(rootDeletionApprovalMessage(messagesFor('en'), base, []).blocks);
    expect(approve).toContain('"confirm":{');
  });

  it('the security post says what was removed, in counts, and by whose approval', () => {
    const m = messagesFor('en');
    const done = rootDeletionNoticeMessage(
      m,
      { kind: 'root_deletion_done', deletionId: 'root-1' },
      { ...base, state: 'deleted' },
      '210987654321 (prod)',
    );
    expect(done.text).toBe(
      ':white_check_mark: The root credentials of `210987654321 (prod)` were deleted (approved by <@U0APPROVER2>, <@U0APPROVER3>): the console password, 1 access key.',
    );
    const failed = rootDeletionNoticeMessage(
      m,
      { kind: 'root_deletion_done', deletionId: 'root-1' },
      { ...base, state: 'failed' },
      '210987654321',
    );
    expect(failed.text).toContain('`sts:AssumeRoot: access_denied`');
    expect(checkMessage(done)).toEqual([]);
  });
});
