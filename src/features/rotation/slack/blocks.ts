import type { KnownBlock, ModalView } from '@slack/types';
import type { Messages } from '../../../i18n/messages.js';
import { DAY_MS } from '../../../kernel/domain/time.js';
import type { AccessKey } from '../../../kernel/domain/types.js';
import { ACTION, INPUT, VIEW } from '../../../kernel/slack/action-ids.js';
import { decisionStatus, userText } from '../../../kernel/slack/approval-blocks.js';
import { keyUseLine } from '../../../kernel/slack/key-use.js';
import {
  button,
  clamp,
  code,
  codeBlock,
  context,
  header,
  isoDate,
  LIMITS,
  section,
  slackDate,
  slackMinute,
} from '../../../kernel/slack/mrkdwn.js';
import type { RotationNotice } from '../domain.js';
import { REASON_MAX, type RotationRequest, secretConsoleUrl } from '../domain.js';

const when = slackMinute;

/** What the request modal carries between open and submit: the keys offered, nothing secret. */
export interface RequestModalMetadata {
  readonly keys: readonly string[];
}

export function rotationRequestModal(
  m: Messages,
  userName: string,
  keys: readonly AccessKey[],
  now: Date,
  preselect?: string,
  /** Key ID → the account it is in, as people read it: set when the person has IAM users in several accounts. */
  accountOf?: ReadonlyMap<string, string>,
  /** Inactive keys that may still be replaced: switched off because they leaked. */
  leaked: ReadonlySet<string> = new Set(),
): ModalView {
  const active = keys
    .filter((k) => k.status === 'Active' || leaked.has(k.accessKeyId))
    .sort((a, b) => a.createDate.getTime() - b.createDate.getTime());
  const base = {
    type: 'modal' as const,
    callback_id: VIEW.rotationRequest,
    title: { type: 'plain_text' as const, text: clamp(m.rotation.modalTitle, LIMITS.modalTitle) },
    close: { type: 'plain_text' as const, text: m.rotation.cancel },
  };
  if (active.length === 0) return { ...base, blocks: [section(m.rotation.noActiveKey)] };
  const options = active.map((k) => {
    const age = Math.floor((now.getTime() - k.createDate.getTime()) / DAY_MS);
    const used = k.lastUsed
      ? m.keyLastUsed(isoDate(k.lastUsed.date), k.lastUsed.serviceName, k.lastUsed.region)
      : m.keyNeverUsed;
    const account = accountOf?.get(k.accessKeyId);
    const option = m.rotation.keyOption(k.accessKeyId, age, used);
    const text = leaked.has(k.accessKeyId) ? `${m.rotation.leakedOption} · ${option}` : option;
    return {
      text: { type: 'plain_text' as const, text: clamp(account ? `${account} · ${text}` : text, 75) },
      value: k.accessKeyId,
    };
  });
  const initial = options.find((o) => o.value === preselect) ?? options[0];
  const metadata: RequestModalMetadata = { keys: active.map((k) => k.accessKeyId) };
  return {
    ...base,
    submit: { type: 'plain_text', text: m.rotation.submit },
    private_metadata: JSON.stringify(metadata),
    blocks: [
      section(m.rotation.intro(code(userName))),
      {
        type: 'input',
        block_id: INPUT.key,
        label: { type: 'plain_text', text: m.rotation.keyLabel },
        element: {
          type: 'static_select',
          action_id: INPUT.key,
          options,
          ...(initial ? { initial_option: initial } : {}),
        },
      },
      {
        type: 'input',
        block_id: INPUT.reason,
        label: { type: 'plain_text', text: m.rotation.reasonLabel },
        hint: { type: 'plain_text', text: m.rotation.reasonHint },
        element: {
          type: 'plain_text_input',
          action_id: INPUT.reason,
          multiline: true,
          max_length: REASON_MAX,
        },
      },
    ],
  };
}

/** The approval message in APPROVAL_CHANNEL: the facts, the reason as plain text, and buttons only while open. */
export function approvalMessage(
  m: Messages,
  r: RotationRequest,
  approvedBy: readonly string[],
  accountLabel: string = r.accountId,
): { text: string; blocks: KnownBlock[] } {
  const msg = m.rotation.message;
  const age = Math.floor((r.createdAt - r.oldKeyCreatedAt) / DAY_MS);
  const lastUsed = r.oldKeyLastUsedAt
    ? `${slackDate(r.oldKeyLastUsedAt)}${r.oldKeyLastService ? ` (${code(r.oldKeyLastService)})` : ''}`
    : m.keyNeverUsed;
  const blocks: KnownBlock[] = [
    header(msg.title),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*${msg.requester}*\n<@${r.requesterSlackId}>` },
        { type: 'mrkdwn', text: `*${msg.user}*\n${code(r.iamUser)}` },
        { type: 'mrkdwn', text: `*${msg.account}*\n${code(accountLabel)}` },
        { type: 'mrkdwn', text: `*${msg.key}*\n${code(r.oldKeyId)}` },
        { type: 'mrkdwn', text: `*${msg.age}*\n${age}` },
        { type: 'mrkdwn', text: `*${msg.lastUsed}*\n${lastUsed}` },
      ],
    },
    section(`*${msg.reason}*`),
    userText(r.reason),
  ];
  if (r.privileged) blocks.push(context(`:shield: ${msg.privileged}`));
  blocks.push(section(decisionStatus(m, msg.state[r.state], r, approvedBy)));
  if (r.state === 'denied' && r.denyReason) blocks.push(userText(r.denyReason));
  if (r.state === 'failed' && r.failure) blocks.push(context(r.failure.replace(/[<>&]/g, '')));
  if (r.state === 'requested') {
    blocks.push({
      type: 'actions',
      block_id: `rotation_${r.id}`.slice(0, 255),
      elements: [
        button(msg.approve, ACTION.approve, r.id, 'primary'),
        button(msg.deny, ACTION.deny, r.id, 'danger'),
      ],
    });
  }
  return { text: `${msg.title}: ${r.iamUser} ${r.oldKeyId} — ${msg.state[r.state]}`, blocks };
}

export interface NoticeContext {
  readonly region: string;
  readonly deleteDays: number;
  /** The request's account as people read it (`123456789012 (prod)`); its ID when unset. */
  readonly accountLabel?: string;
}

/** A DM for one notice, in the recipient's language. Shows where the secret is, never the secret. */
export function noticeMessage(
  m: Messages,
  notice: RotationNotice,
  r: RotationRequest,
  ctx: NoticeContext,
): { text: string; blocks: KnownBlock[] } {
  const R = m.rotation;
  const oldKey = code(r.oldKeyId);
  switch (notice.kind) {
    case 'request_decided': {
      const state = notice.state ?? r.state;
      let text: string;
      if (state === 'denied') text = R.decided.denied(oldKey, `<@${r.decidedBy ?? ''}>`, '');
      else if (state === 'expired') text = R.decided.expired(oldKey);
      else if (state === 'failed') text = R.decided.failed(oldKey, (r.failure ?? '').replace(/[<>&]/g, ''));
      else text = R.decided.approved(oldKey);
      const blocks = [section(text)];
      if (state === 'denied' && r.denyReason) blocks.push(userText(r.denyReason));
      return { text, blocks };
    }
    case 'decision_recorded': {
      const text = R.recorded(`<@${r.requesterSlackId}>`, oldKey, R.message.state[notice.state ?? r.state]);
      return { text, blocks: [section(text)] };
    }
    case 'key_delivered': {
      const name = r.secretName ?? '';
      const url = secretConsoleUrl(ctx.region, name);
      const cli = `aws secretsmanager get-secret-value --region ${ctx.region} --secret-id '${name}' --query SecretString --output text`;
      const text = R.delivered.header;
      return {
        text,
        blocks: [
          header(R.delivered.header),
          section(
            R.delivered.body(code(r.newKeyId ?? ''), code(r.iamUser), code(ctx.accountLabel ?? r.accountId)),
          ),
          section(
            `<${url}|${R.delivered.open}> — ${R.delivered.signIn(code(ctx.accountLabel ?? r.accountId))}`,
          ),
          section(`${R.delivered.cli}\n${codeBlock(cli)}`),
          section(R.delivered.configure),
          section(R.delivered.schedule(oldKey, when(r.deactivateAfter), ctx.deleteDays)),
          { type: 'actions', elements: [button(R.deactivateNow, ACTION.deactivateOld, r.id, 'primary')] },
        ],
      };
    }
    case 'old_key_in_use': {
      const lines = notice.events.length
        ? notice.events.map((e) => keyUseLine(m, e)).join('\n')
        : R.inUseUnknown;
      const text = R.inUse(oldKey, when(r.deactivateAfter));
      return {
        text,
        blocks: [
          section(text),
          section(lines),
          { type: 'actions', elements: [button(R.deactivateNow, ACTION.deactivateOld, r.id)] },
        ],
      };
    }
    case 'old_key_in_use_alert': {
      const owner = `<@${r.requesterSlackId}>`;
      const text =
        notice.outcome === 'postponed'
          ? R.inUseAlert.postponed(owner, code(r.iamUser), oldKey, when(r.deactivateAfter))
          : R.inUseAlert.deactivated(owner, code(r.iamUser), oldKey);
      const lines = notice.events.length
        ? notice.events.map((e) => keyUseLine(m, e)).join('\n')
        : R.inUseUnknown;
      return { text, blocks: [section(text), section(lines)] };
    }
    case 'old_key_reactivated': {
      const text = R.reactivatedAlert(
        `<@${r.requesterSlackId}>`,
        code(r.iamUser),
        oldKey,
        when(r.deactivateAfter),
      );
      return { text, blocks: [section(text)] };
    }
    case 'old_key_deactivated': {
      const text = R.deactivatedNotice(oldKey, when(r.deleteAfter));
      return {
        text,
        blocks: [
          section(text),
          { type: 'actions', elements: [button(R.reactivate, ACTION.reactivateOld, r.id)] },
        ],
      };
    }
    case 'old_key_deleted': {
      const text = R.deletedNotice(oldKey);
      return { text, blocks: [section(text)] };
    }
  }
}
