import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { messagesFor } from '../../../i18n/messages.js';
import { sendQueued } from '../../../services/rotation/run-rotation-jobs.js';
import { SNOOZE_MS } from '../../../services/scan/run-scan.js';
import type { NudgeButtonValue } from '../../blocks/scan.js';
import type { SlackDeps } from '../../deps.js';
import { openChecklistModal } from '../commands/aws-mfa.js';
import { openRotationModal } from '../rotation-modal.js';

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

/**
 * The four buttons of a nudge. Any of them counts as an answer (no escalation). The nudge only ever reached the
 * person mapped to the IAM user, so the button's value is trusted no further than its shape.
 */
export function createNudgeButtons(deps: SlackDeps) {
  async function answered(args: Args): Promise<NudgeButtonValue | undefined> {
    await args.ack();
    const value = parseValue(args.action.value);
    if (!value) {
      deps.logger.warn(
        { slackUserId: args.body.user.id, actionId: args.action.action_id },
        'ignored a malformed button value',
      );
      return undefined;
    }
    await deps.scans?.answer(value.subject, deps.clock.now().getTime());
    return value;
  }

  return {
    async rotate(args: Args): Promise<void> {
      const value = await answered(args);
      if (!value) return;
      await openRotationModal(deps, args.client, {
        triggerId: args.body.trigger_id,
        slackUserId: args.body.user.id,
        push: false,
        ...(value.lastRotated ? { preselectCreatedAt: value.lastRotated } : {}),
      });
    },

    async checklist(args: Args): Promise<void> {
      if (!(await answered(args))) return;
      await openChecklistModal(deps, args.client, args.body.trigger_id, args.body.user.id);
    },

    async snooze(args: Args): Promise<void> {
      const value = await answered(args);
      if (!value) return;
      const m = messagesFor(deps.directory.peek(args.body.user.id)?.locale);
      const until = deps.clock.now().getTime() + SNOOZE_MS;
      const found = await deps.scans?.snooze(value.subject, until, deps.clock.now().getTime());
      const when = new Date(until).toISOString().slice(0, 16).replace('T', ' ');
      await args.respond(ephemeral(found ? m.nudge.snoozed(when) : m.nudge.gone));
    },

    async notMine(args: Args): Promise<void> {
      const value = await answered(args);
      if (!value) return;
      const m = messagesFor(deps.directory.peek(args.body.user.id)?.locale);
      const channel = deps.settings.securityChannel;
      deps.logger.warn(
        { slackUserId: args.body.user.id, iamUserArn: value.arn },
        'an IAM user was reported as not theirs',
      );
      if (channel) {
        await deps.rotation.store.enqueue(
          {
            channel,
            notice: { kind: 'not_my_account', reporterSlackId: args.body.user.id, iamUserArn: value.arn },
          },
          deps.clock.now().getTime(),
        );
        await sendQueued(deps.rotation);
      }
      await args.respond(ephemeral(m.nudge.reported));
    },
  };
}
