import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { SlackDeps } from '../../../adapters/slack/deps.js';
import { FactError } from '../../../errors.js';
import { type Messages, messagesFor } from '../../../i18n/messages.js';
import { INPUT, VIEW } from '../../../kernel/slack/action-ids.js';
import { createDenySubmit, denyModal } from '../../../kernel/slack/approval-blocks.js';
import { distrustText, resolveCaller } from '../../../kernel/slack/caller.js';
import { openLoadingModal } from '../../../kernel/slack/loading-modal.js';
import { modal } from '../../../kernel/slack/modal.js';
import { code, section } from '../../../kernel/slack/mrkdwn.js';
import { approveReset, denyReset, resetToDecide } from '../decide-reset.js';
import { LOST_DEVICE_WHAT, type LostDeviceWhat, type ResetRefusal } from '../domain.js';
import { requestReset } from '../request-reset.js';
import { type LostDeviceMetadata, lostDeviceModal, resetConfirmModal } from './blocks.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, replace_original: false, text });
const refusalText = (m: Messages, why: ResetRefusal | 'not_found') => m.lostDevice.refused[why];

/** The lost-device modal: loading at once (the trigger_id lives 3 s), then the caller's devices from IAM. */
export async function openLostDeviceModal(
  deps: SlackDeps,
  client: WebClient,
  how: { triggerId: string; slackUserId: string; push: boolean },
): Promise<void> {
  const m0 = messagesFor(deps.directory.peek(how.slackUserId)?.locale);
  const viewId = await openLoadingModal(client, m0, m0.lostDevice.modalTitle, how);
  if (!viewId) return;
  const caller = await resolveCaller(deps, how.slackUserId);
  const { m } = caller;
  const notice = (text: string) => modal(m, [section(text)], { title: m.lostDevice.modalTitle });
  let view = notice(caller.kind === 'refused' ? caller.text : '');
  if (caller.kind === 'found') {
    // The devices of every IAM user of theirs whose mapping may act (one, unless AWS_ACCOUNTS names several).
    const owners = caller.users.filter((u) => u.trust.kind === 'trusted');
    const refusal = owners.length === 0 ? distrustText(m, caller.trust) : undefined;
    if (refusal) view = notice(refusal);
    else {
      try {
        const trusted = new Set(owners.map((o) => o.user.arn));
        const devices = (await deps.reads.devices(how.slackUserId)).devices
          .filter((d) => trusted.has(d.owner.user.arn))
          .flatMap((d) => d.devices);
        view = lostDeviceModal(m, owners.map((o) => o.user.userName).join(', '), devices);
      } catch (error) {
        if (!(error instanceof FactError)) throw error;
        view = notice(m.couldNotCheck(m.fault(error.reason)));
      }
    }
  }
  await client.views.update({ view_id: viewId, view });
}

/** "Lost or broken device?" on the checklist's step 1. */
export function createLostDeviceButton(deps: SlackDeps) {
  return async function lostDeviceButton({ ack, body, client }: ButtonArgs): Promise<void> {
    await ack();
    await openLostDeviceModal(deps, client, {
      triggerId: body.trigger_id,
      slackUserId: body.user.id,
      push: body.view?.type === 'modal',
    });
  };
}

function offered(metadata: string): readonly string[] {
  try {
    const parsed = JSON.parse(metadata) as Partial<LostDeviceMetadata>;
    return Array.isArray(parsed.serials)
      ? parsed.serials.filter((s): s is string => typeof s === 'string')
      : [];
  } catch {
    return [];
  }
}

/** Submitting the lost-device modal: what can be checked at once is answered inline; the outcome comes by DM. */
export function createLostDeviceSubmit(deps: SlackDeps) {
  return async function lostDeviceSubmit({ ack, body, view, client }: ViewArgs): Promise<void> {
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    const values = view.state.values;
    const serial = values[INPUT.device]?.[INPUT.device]?.selected_option?.value ?? '';
    const what = values[INPUT.what]?.[INPUT.what]?.selected_option?.value ?? '';
    const note = (values[INPUT.note]?.[INPUT.note]?.value ?? '').trim();
    const errors: Record<string, string> = {};
    if (!offered(view.private_metadata).includes(serial))
      errors[INPUT.device] = m.lostDevice.errors.device_not_yours;
    if (!LOST_DEVICE_WHAT.includes(what as LostDeviceWhat)) errors[INPUT.what] = m.lostDevice.whatLabel;
    if (!note) errors[INPUT.note] = m.lostDevice.errors.note_required;
    else if (note.length > 500) errors[INPUT.note] = m.lostDevice.errors.note_too_long;
    if (Object.keys(errors).length) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    const result = await requestReset(deps.mfaReset, {
      slackUserId: body.user.id,
      serialNumber: serial,
      what: what as LostDeviceWhat,
      note,
    });
    const failed = m.lostDevice.submitFailed;
    const text =
      result.kind === 'created'
        ? m.lostDevice.submitted(code(serial))
        : result.kind === 'invalid'
          ? // The modal names its device: only a workflow step, naming none, meets no_device or several_devices.
            failed(
              result.problem in m.lostDevice.errors
                ? m.lostDevice.errors[result.problem as keyof typeof m.lostDevice.errors]
                : m.lostDevice.errors.device_not_yours,
            )
          : result.kind === 'failed'
            ? failed(m.fault(result.reason))
            : result.kind === 'untrusted'
              ? failed(m.retire.refused.untrusted)
              : failed(m.unmapped(body.user.id, deps.settings.emailTagKey));
    await client.chat.postMessage({ channel: body.user.id, text });
  };
}

/**
 * Approve on a reset: whoever may not decide is told so and nothing changes; an approver gets the confirmation modal,
 * where the identity check must be ticked.
 */
export function createResetApproveButton(deps: SlackDeps) {
  return async function resetApproveButton({
    ack,
    body,
    action,
    respond,
    client,
  }: ButtonArgs): Promise<void> {
    await ack();
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    const id = action.value ?? '';
    const found = await resetToDecide(deps.mfaReset, id, body.user.id);
    if ('refusal' in found) {
      await respond(ephemeral(refusalText(m, found.refusal)));
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: resetConfirmModal(m, found.reset) });
  };
}

/** The confirmation modal: unticked changes nothing; ticked records the approval (checked again: it may have sat open). */
export function createResetConfirmSubmit(deps: SlackDeps) {
  return async function resetConfirmSubmit({ ack, body, view, client }: ViewArgs): Promise<void> {
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    const ticked = (view.state.values[INPUT.verified]?.[INPUT.verified]?.selected_options ?? []).some(
      (o) => o.value === 'verified',
    );
    if (!ticked) {
      await ack({ response_action: 'errors', errors: { [INPUT.verified]: m.lostDevice.confirmRequired } });
      return;
    }
    await ack();
    const result = await approveReset(deps.mfaReset, view.private_metadata, body.user.id, ticked);
    const text =
      result.kind === 'refused'
        ? refusalText(m, result.why)
        : result.kind === 'recorded'
          ? m.lostDevice.recorded(result.approvals, result.required)
          : undefined;
    if (text) await client.chat.postMessage({ channel: body.user.id, text });
  };
}

/** Deny on a reset: checked first, then a modal asks the reason. */
export function createResetDenyButton(deps: SlackDeps) {
  return async function resetDenyButton({ ack, body, action, respond, client }: ButtonArgs): Promise<void> {
    await ack();
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    const id = action.value ?? '';
    const found = await resetToDecide(deps.mfaReset, id, body.user.id);
    if ('refusal' in found) {
      await respond(ephemeral(refusalText(m, found.refusal)));
      return;
    }
    await client.views.open({
      trigger_id: body.trigger_id,
      view: denyModal(m, id, { callbackId: VIEW.resetDeny, title: m.lostDevice.denyTitle }),
    });
  };
}

export const createResetDenySubmit = (deps: SlackDeps) =>
  createDenySubmit(deps, async (id, approver, reason, m) => {
    const result = await denyReset(deps.mfaReset, id, approver, reason);
    return result.kind === 'refused' ? refusalText(m, result.why) : undefined;
  });
