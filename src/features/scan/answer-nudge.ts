import type { Clock } from '../../kernel/domain/types.js';
import type { OutboxWriter } from '../../kernel/outbox/ports.js';
import type { Logger } from '../../logger.js';
import type { NudgeRecord } from './domain/nudge-policy.js';
import type { NotMineNotice, ScanStore } from './ports.js';
import { SNOOZE_MS } from './run-scan.js';

/** What the nudge buttons act through: the nudge records, the outbox, and where "not mine" is told. */
export interface NudgeAnswerDeps {
  readonly scans: Pick<ScanStore, 'nudge' | 'answer' | 'snooze' | 'markSeen'>;
  readonly outbox: OutboxWriter;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly securityChannel: string | undefined;
}

/** What a button claims: a finding's subject and IAM user (only a hint: the record says whom it was sent to). */
export interface NudgeClaim {
  readonly subject: string;
  readonly arn: string;
}

/**
 * A click on a nudge: the nudge's record, if it was sent to the clicker about that IAM user (then it counts as
 * answered); `not_yours` or `gone` otherwise, and nothing changes.
 */
export async function answerNudge(
  deps: NudgeAnswerDeps,
  clicker: string,
  claim: NudgeClaim,
): Promise<{ readonly record: NudgeRecord } | { readonly refused: 'not_yours' | 'gone' }> {
  const record = await deps.scans.nudge(claim.subject);
  if (!record) return { refused: 'gone' };
  if (record.slackUserId !== clicker || record.iamUserArn !== claim.arn) return { refused: 'not_yours' };
  await deps.scans.answer(claim.subject, deps.clock.now().getTime());
  return { record };
}

/** Snoozes an answered nudge for SNOOZE_DAYS: until when, or undefined when the nudge is gone. */
export async function snoozeNudge(deps: NudgeAnswerDeps, subject: string): Promise<number | undefined> {
  const now = deps.clock.now().getTime();
  const until = now + SNOOZE_MS;
  return (await deps.scans.snooze(subject, until, now)) ? until : undefined;
}

/** "Not my account": told to the security channel once per person and IAM user. */
export async function reportNotMine(
  deps: NudgeAnswerDeps,
  reporter: string,
  iamUserArn: string,
): Promise<'reported' | 'already'> {
  const now = deps.clock.now().getTime();
  if (!(await deps.scans.markSeen(`not-mine:${reporter}:${iamUserArn}`, now))) return 'already';
  deps.logger.warn({ slackUserId: reporter, iamUserArn }, 'an IAM user was reported as not theirs');
  const channel = deps.securityChannel;
  const notice: NotMineNotice = { kind: 'not_my_account', reporterSlackId: reporter, iamUserArn };
  if (channel) await deps.outbox.enqueue({ channel, notice }, now);
  return 'reported';
}
