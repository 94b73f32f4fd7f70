import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { mapIamUserToSlack } from '../../../domain/identity.js';
import { messagesFor } from '../../../i18n/messages.js';
import { keyOfUser, ownedKey, reactivateRetiredKey, retireKey } from '../../../services/keys/retire-key.js';
import { code } from '../../blocks/mrkdwn.js';
import type { SlackDeps } from '../../deps.js';
import { openRetireModal, refusalText } from '../retire-modal.js';
import { openRotationModal } from '../rotation-modal.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, replace_original: false, text });
const keyIdOf = (value: string | undefined) => (value ?? '').slice(0, 128);

/** "Deactivate" next to an unused key on the checklist (modal → pushed; Home tab → opened). */
export function createRetireOpenButton(deps: SlackDeps) {
  return async function retireOpenButton({ ack, body, action, client }: Args): Promise<void> {
    await ack();
    await openRetireModal(deps, client, {
      triggerId: body.trigger_id,
      slackUserId: body.user.id,
      push: body.view?.type === 'modal',
      choice: { keyId: keyIdOf(action.value) },
    });
  };
}

/** "Reactivate" in the DM that told the owner their key was switched off. */
export function createRetireReactivateButton(deps: SlackDeps) {
  return async function retireReactivateButton({ ack, body, action, respond }: Args): Promise<void> {
    await ack();
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    const keyId = keyIdOf(action.value);
    const result = await reactivateRetiredKey(deps.retire, body.user.id, keyId);
    const text =
      result === 'done'
        ? m.retire.reactivated(code(keyId))
        : result === 'not_owner'
          ? m.retire.refused.not_owner
          : result === 'failed'
            ? m.retire.failed
            : m.retire.notNow;
    if (result === 'not_owner')
      deps.logger.warn(
        { slackUserId: body.user.id, accessKeyId: keyId },
        'reactivation refused: not the owner',
      );
    await respond(ephemeral(text));
  };
}

/**
 * "Deactivate now" on a key pasted into Slack: its owner, or any approver (from the security channel). No modal: a
 * leaked key goes off at once. Who clicked is checked against IAM and APPROVERS, never taken from the button.
 */
export function createPastedDeactivateButton(deps: SlackDeps) {
  return async function pastedDeactivateButton({ ack, body, action, respond }: Args): Promise<void> {
    await ack();
    const clicker = body.user.id;
    const m = messagesFor(deps.directory.peek(clicker)?.locale);
    const keyId = keyIdOf(action.value);
    let owned = await ownedKey(deps.retire, clicker, keyId);
    let ownerSlackId = clicker;
    if (
      owned.kind === 'refused' &&
      owned.why === 'not_owner' &&
      (await deps.rotation.approvers.isApprover(clicker).catch((error) => {
        deps.logger.error(
          { err: error, slackUserId: clicker },
          'could not tell whether the clicker is an approver',
        );
        return false;
      }))
    ) {
      // The key's own account (any the bot looks after), then its IAM user there.
      const accountId = await deps.keyLookup.accountOf(keyId).catch(() => undefined);
      const ours = accountId ? await deps.pasted.ourAccounts().catch(() => [] as readonly string[]) : [];
      const user =
        accountId && ours.includes(accountId)
          ? await deps.keyLookup.userOf(keyId, accountId).catch(() => undefined)
          : undefined;
      owned = user ? await keyOfUser(deps.retire, user, keyId) : { kind: 'refused', why: 'not_active' };
      if (user) {
        const index = await deps.directory.index().catch(() => undefined);
        ownerSlackId =
          (index && mapIamUserToSlack(user, index, deps.settings.emailTagKey)?.slackUserId) ?? clicker;
      }
    }
    if (owned.kind !== 'ok') {
      deps.logger.warn(
        { slackUserId: clicker, accessKeyId: keyId, why: owned.kind === 'refused' ? owned.why : 'failed' },
        'deactivation of a pasted key refused',
      );
      await respond(
        ephemeral(
          owned.kind === 'failed' ? m.couldNotCheck(m.fault(owned.reason)) : refusalText(m, owned.why),
        ),
      );
      return;
    }
    const result = await retireKey(deps.retire, {
      user: owned.user,
      keyId,
      ownerSlackId,
      actor: clicker,
      source: 'pasted',
    });
    const text =
      result === 'done'
        ? m.retire.switchedOff(code(keyId), code(owned.user.userName))
        : result === 'already'
          ? m.retire.already
          : refusalText(m, result);
    await respond(ephemeral(text));
  };
}

/** "Request rotation" on a pasted key: the rotation modal with that key preselected (only the owner's keys are offered). */
export function createPastedRotateButton(deps: SlackDeps) {
  return async function pastedRotateButton({ ack, body, action, client }: Args): Promise<void> {
    await ack();
    await openRotationModal(deps, client, {
      triggerId: body.trigger_id,
      slackUserId: body.user.id,
      push: false,
      preselect: keyIdOf(action.value),
    });
  };
}
