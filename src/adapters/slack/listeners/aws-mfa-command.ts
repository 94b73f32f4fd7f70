import type { AllMiddlewareArgs, RespondFn, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { helpBlocks } from '../../../features/checklist/slack/help-blocks.js';
import { loginBlocks } from '../../../features/checklist/slack/login-blocks.js';
import { policyBlocks } from '../../../features/checklist/slack/policy-blocks.js';
import { renderChecklistSafely } from '../../../features/checklist/slack/render-checklist.js';
import { sessionBlocks } from '../../../features/checklist/slack/session-blocks.js';
import { ssoBlocks } from '../../../features/identity-center/slack/blocks.js';
import { openLostDeviceModal } from '../../../features/mfa-reset/slack/listeners.js';
import { openRotationModal } from '../../../features/rotation/slack/rotation-modal.js';
import { messagesFor } from '../../../i18n/messages.js';
import type { IamUser } from '../../../kernel/domain/types.js';
import { type Caller, resolveCaller } from '../../../kernel/slack/caller.js';
import { loadingBlocks } from '../../../kernel/slack/loading-modal.js';
import { modal } from '../../../kernel/slack/modal.js';
import { code, context, LIMITS, section } from '../../../kernel/slack/mrkdwn.js';
import type { SlackDeps } from '../deps.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/**
 * One answer per account the person has an IAM user in (one, unless AWS_ACCOUNTS names several); with several, each
 * part starts with the account it is about. Slack allows 50 blocks a message: parts past that are left out.
 */
async function perAccount(
  deps: SlackDeps,
  caller: Extract<Caller, { kind: 'found' }>,
  render: (user: IamUser) => Promise<KnownBlock[]>,
): Promise<KnownBlock[]> {
  if (caller.users.length <= 1) return render(caller.user);
  const parts = await Promise.all(
    caller.users.map(async ({ user }) => [
      context(caller.m.forAccount(code(await deps.accountLabel(user.accountId)), code(user.userName))),
      ...(await render(user)),
    ]),
  );
  const blocks: KnownBlock[] = [];
  for (const part of parts) if (blocks.length + part.length <= LIMITS.messageBlocks) blocks.push(...part);
  return blocks;
}

async function answerSession(deps: SlackDeps, userId: string, respond: RespondFn) {
  const caller = await resolveCaller(deps, userId);
  if (caller.kind === 'refused') return respond({ response_type: 'ephemeral', text: caller.text });
  const { m } = caller;
  const blocks = await perAccount(deps, caller, async (user) => {
    const device = await deps.getSessionDevice(user);
    return device.state === 'ok'
      ? sessionBlocks(m, device.value)
      : [section(m.couldNotCheck(m.fault(device.reason)))];
  });
  return respond({ response_type: 'ephemeral', text: m.sessionTitle, blocks });
}

async function answerPolicy(deps: SlackDeps, userId: string, respond: RespondFn) {
  const caller = await resolveCaller(deps, userId);
  if (caller.kind === 'refused') return respond({ response_type: 'ephemeral', text: caller.text });
  const { m } = caller;
  const blocks = await perAccount(deps, caller, async (user) => {
    const verdict = await deps.getPolicyVerdict(user);
    return verdict.state === 'ok'
      ? policyBlocks(m, verdict.value)
      : policyBlocks(m, undefined, m.fault(verdict.reason));
  });
  return respond({ response_type: 'ephemeral', text: m.policyTitle, blocks });
}

async function answerLogin(deps: SlackDeps, userId: string, respond: RespondFn) {
  const caller = await resolveCaller(deps, userId);
  if (caller.kind === 'refused') return respond({ response_type: 'ephemeral', text: caller.text });
  const { m } = caller;
  const blocks = await perAccount(deps, caller, async (user) => {
    const allowed = await deps.getSignIn(user);
    return loginBlocks(m, {
      accountId: user.accountId,
      region: deps.region,
      allowed: allowed.state === 'ok' ? allowed.value : undefined,
    });
  });
  return respond({ response_type: 'ephemeral', text: m.loginTitle, blocks });
}

async function answerSso(deps: SlackDeps, userId: string, respond: RespondFn) {
  const caller = await resolveCaller(deps, userId);
  if (caller.kind === 'refused') return respond({ response_type: 'ephemeral', text: caller.text });
  const { m } = caller;
  const ic = deps.identityCenter;
  if (!ic) return respond({ response_type: 'ephemeral', blocks: helpBlocks(m, 'sso'), text: m.help });
  const blocks = ssoBlocks(m, {
    status: await ic.status(userId, caller.email),
    email: caller.email,
    settings: ic.settings,
    region: ic.region,
    asStep: false,
  });
  return respond({ response_type: 'ephemeral', text: m.sso.commandTitle, blocks });
}

/** The checklist modal: loading at once (the trigger_id lives 3 s), then filled with `views.update`. */
export async function openChecklistModal(
  deps: SlackDeps,
  client: WebClient,
  triggerId: string,
  slackUserId: string,
) {
  const m = messagesFor(deps.directory.peek(slackUserId)?.locale);
  const opened = await client.views.open({ trigger_id: triggerId, view: modal(m, loadingBlocks(m)) });
  const viewId = opened.view?.id;
  if (!viewId) return;
  const filled = await renderChecklistSafely(deps, slackUserId);
  await client.views.update({ view_id: viewId, view: modal(filled.m, filled.blocks) });
}

/**
 * `/aws-mfa [setup|session|policy|login|sso|rotate|lost-device|help]`. Every branch acks first: Slack gives 3 seconds, and AWS may take longer.
 * The checklist opens a loading modal with the trigger_id straight away and fills it with `views.update`.
 */
export function createAwsMfaCommand(deps: SlackDeps) {
  return async function awsMfaCommand({ command, ack, client, respond }: Args): Promise<void> {
    const text = command.text.trim();
    const sub = text.split(/\s+/)[0]?.toLowerCase() ?? '';
    const m = messagesFor(deps.directory.peek(command.user_id)?.locale);
    const sso = { sso: deps.identityCenter !== undefined };

    switch (sub) {
      case '':
      case 'setup':
        await ack();
        await openChecklistModal(deps, client, command.trigger_id, command.user_id);
        return;
      case 'session':
      case 'policy':
      case 'login':
      case 'sso':
        await ack();
        try {
          const answer = { session: answerSession, policy: answerPolicy, login: answerLogin, sso: answerSso }[
            sub
          ];
          await answer(deps, command.user_id, respond);
        } catch (error) {
          deps.logger.error(
            { err: error, subcommand: sub, slackUserId: command.user_id },
            'subcommand failed',
          );
          await respond({ response_type: 'ephemeral', text: m.internalError });
        }
        return;
      case 'rotate':
        await ack();
        await openRotationModal(deps, client, {
          triggerId: command.trigger_id,
          slackUserId: command.user_id,
          push: false,
        });
        return;
      case 'lost-device':
        await ack();
        await openLostDeviceModal(deps, client, {
          triggerId: command.trigger_id,
          slackUserId: command.user_id,
          push: false,
        });
        return;
      case 'help':
        await ack({ response_type: 'ephemeral', text: m.help, blocks: helpBlocks(m, undefined, sso) });
        return;
      default:
        await ack({ response_type: 'ephemeral', text: m.help, blocks: helpBlocks(m, text, sso) });
    }
  };
}
