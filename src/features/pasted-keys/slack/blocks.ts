import type { KnownBlock } from '@slack/types';
import type { Messages } from '../../../i18n/messages.js';
import { ACTION } from '../../../kernel/slack/action-ids.js';
import { button, code, inert, section } from '../../../kernel/slack/mrkdwn.js';
import type { PastedFloodNotice, PastedKeyNotice } from '../ports.js';

const link = (m: Messages, permalink: string | undefined) =>
  permalink?.startsWith('https://') ? `<${permalink.replace(/[<>|]/g, '')}|message>` : m.pasted.noLink;

/** To the owner of a key seen in Slack: the two ways out. The key ID is theirs to see; the message text is not kept. */
export function pastedOwnerMessage(m: Messages, n: PastedKeyNotice): { text: string; blocks: KnownBlock[] } {
  const text = m.pasted.ownerDm(code(n.keyId), inert(n.iamUser, 128), link(m, n.permalink), n.secretToo);
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        elements: [
          button(m.pasted.deactivateNow, ACTION.pastedDeactivate, n.keyId, 'danger'),
          button(m.pasted.requestRotation, ACTION.pastedRotate, n.keyId),
        ],
      },
    ],
  };
}

/** Key IDs pasted over the limit: the thread's first message, or a reply in it. Counts and a link only. */
export function pastedFloodMessage(
  m: Messages,
  n: PastedFloodNotice,
): { text: string; blocks: KnownBlock[] } {
  const text =
    n.kind === 'key_pasted_flood'
      ? m.pasted.flood(n.poster ? `<@${n.poster}>` : '—', `<#${n.channel}>`, n.keys, link(m, n.permalink))
      : m.pasted.floodMore(n.keys, link(m, n.permalink));
  return { text, blocks: [section(text)] };
}

/** To the security channel: where, by whom, whose key, whether a secret was next to it; approvers may deactivate it. */
export function pastedAlertMessage(m: Messages, n: PastedKeyNotice): { text: string; blocks: KnownBlock[] } {
  const temporary = n.keyId.startsWith('ASIA');
  const whose = temporary
    ? m.pasted.alertTemporary
    : n.iamUser === undefined
      ? n.accountId
        ? m.pasted.alertOtherAccount(code(n.accountId))
        : m.pasted.alertUnknown
      : n.ownerSlackId
        ? m.pasted.alertOwner(inert(n.iamUser, 128), `<@${n.ownerSlackId}>`)
        : m.pasted.alertUnmapped(inert(n.iamUser, 128));
  const text = m.pasted.alert(
    code(n.keyId),
    `<#${n.channel}>`,
    n.poster ? `<@${n.poster}>` : '—',
    link(m, n.permalink),
    n.secretToo,
    whose,
  );
  const actionable = !temporary && n.iamUser !== undefined;
  return {
    text,
    blocks: [
      section(text),
      ...(actionable
        ? [
            {
              type: 'actions' as const,
              elements: [button(m.pasted.deactivateNow, ACTION.pastedDeactivate, n.keyId, 'danger')],
            },
          ]
        : []),
    ],
  };
}
