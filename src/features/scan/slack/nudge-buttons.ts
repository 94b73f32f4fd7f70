import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { SlackDeps } from '../../../adapters/slack/deps.js';
import { openChecklistModal } from '../../../adapters/slack/listeners/aws-mfa-command.js';
import { type Messages, messagesFor } from '../../../i18n/messages.js';
import { HOUR_MS } from '../../../kernel/domain/time.js';
import { createPerPersonLimit } from '../../../kernel/per-person-limit.js';
import { context, slackMinute } from '../../../kernel/slack/mrkdwn.js';
import { openRetireModal } from '../../key-retirement/slack/index.js';
import { openRotationModal } from '../../rotation/slack/index.js';
import { answerNudge, reportNotMine, snoozeNudge } from '../answer-nudge.js';
import type { NudgeRecord } from '../domain/nudge-policy.js';
import type { NudgeButtonValue } from './blocks.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

function parseValue(value: string | undefined): NudgeButtonValue | undefined {
  try {
    const v = JSON.parse(value ?? '') as Partial<NudgeButtonValue>;
    if (typeof v.subject === 'string' && typeof v.arn === 'string' && v.subject.length < 600) {
      return {
        subject: v.subject,
        arn: v.arn,
        ...(typeof v.lastRotated === 'string' ? { lastRotated: v.lastRotated } : {}),
      };
    }
  } catch {
    // fall through
  }
  return undefined;
}

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, replace_original: false, text });

/** "Not my account": at most this many reports a person per hour, whatever the buttons say. */
const NOT_MINE_PER_HOUR = 5;

/**
 * The four buttons of a nudge. The value names a finding, but it is only a hint: the store knows whom each nudge was
 * sent to, and only that person's clicks act (snooze, answer, "not mine"); anyone else's change nothing and are logged.
 */
export function createNudgeButtons(deps: SlackDeps) {
  const reports = createPerPersonLimit({ max: NOT_MINE_PER_HOUR, windowMs: HOUR_MS, clock: deps.clock });

  async function answered(args: Args): Promise<{ value: NudgeButtonValue; record: NudgeRecord } | undefined> {
    await args.ack();
    const clicker = args.body.user.id;
    const value = parseValue(args.action.value);
    const answer = value ? await answerNudge(deps.nudges, clicker, value) : { refused: 'gone' as const };
    if (!value || 'refused' in answer) {
      deps.logger.warn(
        { slackUserId: clicker, actionId: args.action.action_id, subject: value?.subject.slice(0, 200) },
        value
          ? 'a nudge button was pressed by someone it was not sent to; nothing changed'
          : 'ignored a malformed button value',
      );
      const m = messagesFor(deps.directory.peek(clicker)?.locale);
      const notYours = 'refused' in answer && answer.refused === 'not_yours';
      await args.respond(ephemeral(notYours ? m.nudge.notYours : m.nudge.gone));
      return undefined;
    }
    return { value, record: answer.record };
  }

  /** The message as it was, with the buttons replaced by what happened: a used "Not my account" is not pressed again. */
  async function replaceButtons(args: Args, text: string): Promise<void> {
    const blocks = ((args.body.message?.blocks ?? []) as KnownBlock[]).filter((b) => b.type !== 'actions');
    await args.respond({
      replace_original: true,
      text: String(args.body.message?.text ?? text),
      blocks: [...blocks, context(text)],
    });
  }

  return {
    async rotate(args: Args): Promise<void> {
      const answer = await answered(args);
      if (!answer) return;
      await openRotationModal(deps, args.client, {
        triggerId: args.body.trigger_id,
        slackUserId: args.body.user.id,
        push: false,
        ...(answer.value.lastRotated ? { preselectCreatedAt: answer.value.lastRotated } : {}),
      });
    },

    /** "Deactivate this key": the nudged key (by creation time), or for two keys the one used least. */
    async retire(args: Args): Promise<void> {
      const answer = await answered(args);
      if (!answer) return;
      await openRetireModal(deps, args.client, {
        triggerId: args.body.trigger_id,
        slackUserId: args.body.user.id,
        push: false,
        choice: answer.value.lastRotated
          ? { arn: answer.record.iamUserArn, createdAt: answer.value.lastRotated }
          : { arn: answer.record.iamUserArn, leastUsed: true },
      });
    },

    async checklist(args: Args): Promise<void> {
      if (!(await answered(args))) return;
      await openChecklistModal(deps, args.client, args.body.trigger_id, args.body.user.id);
    },

    async snooze(args: Args): Promise<void> {
      const answer = await answered(args);
      if (!answer) return;
      const m = messagesFor(deps.directory.peek(args.body.user.id)?.locale);
      const until = await snoozeNudge(deps.nudges, answer.value.subject);
      await args.respond(ephemeral(until !== undefined ? m.nudge.snoozed(slackMinute(until)) : m.nudge.gone));
    },

    async notMine(args: Args): Promise<void> {
      const answer = await answered(args);
      if (!answer) return;
      const reporter = args.body.user.id;
      const m = messagesFor(deps.directory.peek(reporter)?.locale);
      const text = await notMineText(deps, m, reporter, answer.record.iamUserArn, reports);
      await replaceButtons(args, text);
    },
  };
}

/** Told to the security channel once per person and IAM user, within the person's hourly allowance. */
async function notMineText(
  deps: SlackDeps,
  m: Messages,
  reporter: string,
  iamUserArn: string,
  reports: ReturnType<typeof createPerPersonLimit>,
): Promise<string> {
  if (!reports.take(reporter)) {
    deps.logger.warn({ slackUserId: reporter }, 'too many "not my account" reports; this one was dropped');
    return m.nudge.tooMany;
  }
  const outcome = await reportNotMine(deps.nudges, reporter, iamUserArn);
  return outcome === 'already' ? m.nudge.alreadyReported : m.nudge.reported;
}
