import type { FaultReason, IamUser } from '../../kernel/domain/types.js';
import type { ApproversPort } from '../../kernel/people/ports.js';
import {
  keyOfUser,
  ownedKey,
  type RetireDeps,
  type RetireRefusal,
  retireKey,
} from '../key-retirement/index.js';
import type { PastedKeyStore } from './ports.js';

export interface DeactivatePastedDeps {
  readonly retire: RetireDeps;
  readonly approvers: ApproversPort;
  readonly reports: Pick<PastedKeyStore, 'open' | 'close'>;
}

export type DeactivatePastedResult =
  | { readonly kind: 'done'; readonly iamUser: string }
  | { readonly kind: 'already' }
  | { readonly kind: 'refused'; readonly why: RetireRefusal | 'not_reported' }
  | { readonly kind: 'failed'; readonly reason: FaultReason | undefined };

/**
 * "Deactivate now" on a key pasted into Slack: by its owner (their trusted mapping lists the key), or by an approver —
 * and an approver only for a key the bot recorded as reported pasted, while that report is open. A hand-built button
 * value naming any other key changes nothing. Who clicked comes from Slack's payload, never from the button.
 */
export async function deactivatePastedKey(
  deps: DeactivatePastedDeps,
  clicker: string,
  keyId: string,
): Promise<DeactivatePastedResult> {
  const { retire } = deps;
  let owned = await ownedKey(retire, clicker, keyId);
  let ownerSlackId = clicker;
  if (owned.kind === 'refused' && owned.why === 'not_owner') {
    const approver = await deps.approvers.isApprover(clicker).catch((error) => {
      retire.logger.error(
        { err: error, slackUserId: clicker },
        'could not tell whether the clicker is an approver',
      );
      return false;
    });
    if (approver) {
      const report = await deps.reports.open(keyId);
      if (!report) {
        retire.logger.warn(
          { slackUserId: clicker, accessKeyId: keyId },
          'an approver asked to deactivate a key never reported pasted (or switched off since): refused',
        );
        return { kind: 'refused', why: 'not_reported' };
      }
      // The IAM user the report named: the key must still be one of its keys (checked against IAM now).
      const user: IamUser = {
        userName: report.iamUser,
        arn: report.iamUserArn,
        accountId: report.accountId,
        tags: {},
      };
      owned = await keyOfUser(retire, user, keyId);
      ownerSlackId = report.ownerSlackId ?? clicker;
    }
  }
  if (owned.kind === 'failed') return { kind: 'failed', reason: owned.reason };
  if (owned.kind === 'refused') {
    retire.logger.warn(
      { slackUserId: clicker, accessKeyId: keyId, why: owned.why },
      'deactivation of a pasted key refused',
    );
    return owned;
  }
  const result = await retireKey(retire, {
    user: owned.user,
    keyId,
    ownerSlackId,
    actor: clicker,
    source: 'pasted',
  });
  if (result === 'done' || result === 'already')
    await deps.reports.close(keyId, retire.clock.now().getTime());
  if (result === 'done') return { kind: 'done', iamUser: owned.user.userName };
  if (result === 'already') return { kind: 'already' };
  return result === 'failed' ? { kind: 'failed', reason: undefined } : { kind: 'refused', why: result };
}
