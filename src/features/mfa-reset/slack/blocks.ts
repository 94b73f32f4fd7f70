import type { KnownBlock, ModalView } from '@slack/types';
import type { Messages } from '../../../i18n/messages.js';
import type { MfaDevice } from '../../../kernel/domain/types.js';
import { ACTION, INPUT, VIEW } from '../../../kernel/slack/action-ids.js';
import { decisionStatus, userText } from '../../../kernel/slack/approval-blocks.js';
import {
  button,
  clamp,
  code,
  context,
  header,
  isoDate,
  LIMITS,
  section,
  slackDate,
  slackMinute,
} from '../../../kernel/slack/mrkdwn.js';
import { expectedVirtualMfaArn } from '../../checklist/index.js';
import { LOST_DEVICE_WHAT, type MfaReset, NOTE_MAX } from '../domain.js';
import type { MfaResetNotice } from '../ports.js';

const plain = (text: string) => ({ type: 'plain_text' as const, text: clamp(text, 75) });
const title = (text: string) => ({ type: 'plain_text' as const, text: clamp(text, LIMITS.modalTitle) });

/** What the lost-device modal carries between open and submit: the devices offered (serials are not secret). */
export interface LostDeviceMetadata {
  readonly serials: readonly string[];
}

/** `/aws-mfa lost-device`: which device, what happened, a note for the approvers. */
export function lostDeviceModal(m: Messages, userName: string, devices: readonly MfaDevice[]): ModalView {
  const base = {
    type: 'modal' as const,
    callback_id: VIEW.lostDevice,
    title: title(m.lostDevice.modalTitle),
    close: { type: 'plain_text' as const, text: m.rotation.cancel },
  };
  if (devices.length === 0) return { ...base, blocks: [section(m.lostDevice.noDevice)] };
  const options = devices.map((d) => ({
    text: plain(m.lostDevice.deviceOption(d.serialNumber, m.deviceType[d.type], isoDate(d.enableDate))),
    value: d.serialNumber,
  }));
  const whatOptions = LOST_DEVICE_WHAT.map((w) => ({ text: plain(m.lostDevice.what[w]), value: w }));
  const metadata: LostDeviceMetadata = { serials: devices.map((d) => d.serialNumber) };
  return {
    ...base,
    submit: { type: 'plain_text', text: m.lostDevice.submit },
    private_metadata: JSON.stringify(metadata),
    blocks: [
      section(m.lostDevice.intro(code(userName))),
      {
        type: 'input',
        block_id: INPUT.device,
        label: { type: 'plain_text', text: m.lostDevice.deviceLabel },
        element: {
          type: 'static_select',
          action_id: INPUT.device,
          options,
          ...(options[0] ? { initial_option: options[0] } : {}),
        },
      },
      {
        type: 'input',
        block_id: INPUT.what,
        label: { type: 'plain_text', text: m.lostDevice.whatLabel },
        element: { type: 'radio_buttons', action_id: INPUT.what, options: whatOptions },
      },
      {
        type: 'input',
        block_id: INPUT.note,
        label: { type: 'plain_text', text: m.lostDevice.noteLabel },
        hint: { type: 'plain_text', text: m.lostDevice.noteHint },
        element: { type: 'plain_text_input', action_id: INPUT.note, multiline: true, max_length: NOTE_MAX },
      },
    ],
  };
}

/** The approver's confirmation: the identity check must be ticked. The reset's ID rides in private_metadata. */
export function resetConfirmModal(m: Messages, r: MfaReset): ModalView {
  return {
    type: 'modal',
    callback_id: VIEW.resetConfirm,
    private_metadata: r.id,
    title: title(m.lostDevice.confirmTitle),
    submit: { type: 'plain_text', text: m.lostDevice.approve },
    close: { type: 'plain_text', text: m.rotation.cancel },
    blocks: [
      section(m.lostDevice.confirmBody(`<@${r.requesterSlackId}>`, code(r.iamUser), code(r.serialNumber))),
      {
        type: 'input',
        block_id: INPUT.verified,
        label: { type: 'plain_text', text: m.lostDevice.confirmLabel },
        element: {
          type: 'checkboxes',
          action_id: INPUT.verified,
          options: [{ text: { type: 'mrkdwn', text: m.lostDevice.confirmOption }, value: 'verified' }],
        },
      },
    ],
  };
}

/** The reset's message in APPROVAL_CHANNEL: the facts, the note as plain text, the warning, buttons while open. */
export function resetApprovalMessage(
  m: Messages,
  r: MfaReset,
  approvedBy: readonly string[],
  accountLabel: string = r.accountId,
): { text: string; blocks: KnownBlock[] } {
  const msg = m.lostDevice.message;
  const rot = m.rotation.message;
  const blocks: KnownBlock[] = [
    header(msg.title),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*${rot.requester}*\n<@${r.requesterSlackId}>` },
        { type: 'mrkdwn', text: `*${rot.user}*\n${code(r.iamUser)}` },
        { type: 'mrkdwn', text: `*${rot.account}*\n${code(accountLabel)}` },
        {
          type: 'mrkdwn',
          text: `*${msg.device}*\n${code(r.serialNumber)} (${m.deviceType[r.deviceType]}, ${slackDate(r.deviceEnabledAt)})`,
        },
        { type: 'mrkdwn', text: `*${msg.what}*\n${m.lostDevice.what[r.what]}` },
      ],
    },
    section(`*${msg.note}*`),
    userText(r.note),
  ];
  if (r.privileged) blocks.push(context(`:shield: ${rot.privileged}`));
  blocks.push(section(decisionStatus(m, msg.state[r.state], r, approvedBy)));
  if (r.state === 'denied' && r.denyReason) blocks.push(userText(r.denyReason));
  if (r.state === 'requested') {
    blocks.push(section(msg.verify), {
      type: 'actions',
      block_id: `mfa_reset_${r.id}`.slice(0, 255),
      elements: [
        button(m.lostDevice.approve, ACTION.resetApprove, r.id, 'primary'),
        button(rot.deny, ACTION.resetDeny, r.id, 'danger'),
      ],
    });
  }
  return { text: `${msg.title}: ${r.iamUser} ${r.serialNumber} — ${msg.state[r.state]}`, blocks };
}

/** A reset's DMs and alerts, rendered from its record in the recipient's language. */
export function resetNoticeMessage(
  m: Messages,
  n: MfaResetNotice,
  r: MfaReset,
): { text: string; blocks: KnownBlock[] } {
  const serial = code(r.serialNumber);
  const d = m.lostDevice.decided;
  let text: string;
  const extra: KnownBlock[] = [];
  switch (n.kind) {
    case 'mfa_reset_decided':
      text =
        n.state === 'denied'
          ? d.denied(serial, `<@${r.decidedBy ?? ''}>`, '')
          : n.state === 'expired'
            ? d.expired(serial)
            : n.state === 'failed'
              ? d.failed(serial)
              : d.approved(serial);
      if (n.state === 'denied' && r.denyReason) extra.push(userText(r.denyReason));
      break;
    case 'mfa_reset_done': {
      const user = { userName: r.iamUser, arn: r.iamUserArn, accountId: r.accountId, tags: {} };
      text = m.lostDevice.done(serial, code(r.iamUser), slackMinute(r.reenrolDue));
      extra.push(section(m.lostDevice.enrol(code(expectedVirtualMfaArn(user)))));
      break;
    }
    case 'mfa_reenrol_overdue':
      text = m.lostDevice.overdue(code(r.iamUser));
      break;
    case 'mfa_reenrol_overdue_alert':
      text = m.lostDevice.overdueAlert(
        `<@${r.requesterSlackId}>`,
        code(r.iamUser),
        serial,
        slackMinute(r.removedAt),
      );
      break;
  }
  return { text, blocks: [section(text), ...extra] };
}
