import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../../adapters/slack/deps.js';
import { messagesFor } from '../../../i18n/messages.js';
import { VIEW } from '../../../kernel/slack/action-ids.js';
import { modal } from '../../../kernel/slack/modal.js';
import type { SessionButtonValue } from './blocks.js';
import { sessionBlocks } from './session-blocks.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

const SERIAL = /^(arn:aws[\w-]*:iam::\d{12}:(mfa|u2f)\/[\w+=,.@/-]{1,512}|[\w+=,.@:/-]{9,256})$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The button's value was rendered by us; it is still checked, since it comes back over the wire. */
export function parseSessionValue(value: string | undefined): SessionButtonValue | undefined {
  try {
    const v = JSON.parse(value ?? '') as Partial<SessionButtonValue>;
    if (
      typeof v.serial === 'string' &&
      typeof v.region === 'string' &&
      SERIAL.test(v.serial) &&
      REGION.test(v.region)
    ) {
      const passkey =
        v.passkeyOnly === true && typeof v.accountId === 'string' && /^\d{12}$/.test(v.accountId);
      return {
        serial: v.serial,
        region: v.region,
        expected: v.expected === true,
        ...(passkey ? { passkeyOnly: true, accountId: v.accountId } : {}),
      };
    }
  } catch {
    // fall through
  }
  return undefined;
}

/** Shows the temporary-credential commands on top of the checklist (pushed modal) or from the Home tab. */
export function createShowSession(deps: SlackDeps) {
  return async function showSession({ ack, body, action, client }: Args): Promise<void> {
    await ack();
    const value = parseSessionValue(action.value);
    if (!value) {
      deps.logger.warn(
        { slackUserId: body.user.id, actionId: action.action_id },
        'ignored a malformed button value',
      );
      return;
    }
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    const view = modal(m, sessionBlocks(m, value), { callbackId: VIEW.session, title: m.sessionTitle });
    if (body.view?.type === 'modal') await client.views.push({ trigger_id: body.trigger_id, view });
    else await client.views.open({ trigger_id: body.trigger_id, view });
  };
}
