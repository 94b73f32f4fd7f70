import type { KnownBlock } from '@slack/types';
import type { Messages } from '../../../i18n/messages.js';
import { ACTION } from '../../../kernel/slack/action-ids.js';
import { decisionStatus, userText } from '../../../kernel/slack/approval-blocks.js';
import { button, code, context, header, section } from '../../../kernel/slack/mrkdwn.js';
import {
  parseRemoved,
  type RootCredentialsRemoved,
  type RootDeletion,
  type RootDeletionNotice,
} from '../domain.js';

/** What was removed, as people read it: "the console password, 1 access key, 1 MFA device". */
export function removedText(m: Messages, r: RootCredentialsRemoved | undefined): string {
  const t = m.rootDeletion.removed;
  if (!r) return t.none;
  const parts = [
    r.password ? t.password : undefined,
    r.accessKeys.length ? t.keys(r.accessKeys.length) : undefined,
    r.signingCertificates.length ? t.certs(r.signingCertificates.length) : undefined,
    r.mfaDevices.length ? t.devices(r.mfaDevices.length) : undefined,
  ].filter((p): p is string => p !== undefined);
  return parts.length ? parts.join(', ') : t.none;
}

/** The request's message in APPROVAL_CHANNEL: the account, what the root session will do, buttons while open. */
export function rootDeletionApprovalMessage(
  m: Messages,
  d: RootDeletion,
  approvedBy: readonly string[],
  accountLabel: string = d.accountId,
): { text: string; blocks: KnownBlock[] } {
  const msg = m.rootDeletion.message;
  const rot = m.rotation.message;
  const blocks: KnownBlock[] = [
    header(msg.title),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*${rot.requester}*\n<@${d.requesterSlackId}>` },
        { type: 'mrkdwn', text: `*${rot.account}*\n${code(accountLabel)}` },
      ],
    },
    section(`*${msg.what}*\n${msg.whatText}`),
    context(`:shield: ${rot.privileged}`),
    section(decisionStatus(m, msg.state[d.state], d, approvedBy)),
  ];
  if (d.state === 'denied' && d.denyReason) blocks.push(userText(d.denyReason));
  if (d.state === 'failed' && d.failure) blocks.push(context(code(d.failure)));
  if (d.state === 'deleted')
    blocks.push(section(`*${msg.removed}*: ${removedText(m, parseRemoved(d.removed))}`));
  if (d.state === 'requested')
    blocks.push({
      type: 'actions',
      block_id: `root_deletion_${d.id}`.slice(0, 255),
      elements: [
        {
          ...button(msg.approve, ACTION.rootDeleteApprove, d.id, 'primary'),
          confirm: {
            title: { type: 'plain_text', text: msg.title.slice(0, 100) },
            text: { type: 'mrkdwn', text: msg.whatText },
            confirm: { type: 'plain_text', text: msg.approve },
            deny: { type: 'plain_text', text: m.rotation.cancel },
            style: 'danger',
          },
        },
        button(rot.deny, ACTION.rootDeleteDeny, d.id, 'danger'),
      ],
    });
  return { text: `${msg.title}: ${accountLabel} — ${msg.state[d.state]}`, blocks };
}

/** A deletion's DM to its requester or post to security, rendered from its record. */
export function rootDeletionNoticeMessage(
  m: Messages,
  n: RootDeletionNotice,
  d: RootDeletion,
  accountLabel: string,
): { text: string; blocks: KnownBlock[] } {
  const account = code(accountLabel);
  const t = m.rootDeletion;
  const extra: KnownBlock[] = [];
  let text: string;
  if (n.kind === 'root_deletion_done')
    text =
      d.state === 'deleted'
        ? t.done(
            account,
            removedText(m, parseRemoved(d.removed)),
            (d.decidedBy ?? '')
              .split(',')
              .filter(Boolean)
              .map((a) => `<@${a}>`)
              .join(', '),
          )
        : t.failedAlert(account, code(d.failure ?? 'unexpected error'));
  else if (n.state === 'denied') {
    text = t.decided.denied(account, `<@${d.decidedBy ?? ''}>`);
    if (d.denyReason) extra.push(userText(d.denyReason));
  } else if (n.state === 'expired') text = t.decided.expired(account);
  else if (n.state === 'failed') text = t.decided.failed(account);
  else text = t.decided.approved(account);
  return { text, blocks: [section(text), ...extra] };
}
