import type { KnownBlock, ModalView } from '@slack/types';
import type { Messages } from '../../../i18n/messages.js';
import type { AccessKey } from '../../../kernel/domain/types.js';
import { ACTION, VIEW } from '../../../kernel/slack/action-ids.js';
import {
  button,
  clamp,
  code,
  inert,
  LIMITS,
  section,
  slackDate,
  slackMinute,
} from '../../../kernel/slack/mrkdwn.js';
import { type KeyRetirement, reactivationRefusal } from '../domain.js';
import type { KeyNotice } from '../ports.js';

/** "2026-05-01 on s3 in ap-northeast-2", or "never used". */
export function lastUseText(m: Messages, key: AccessKey): string {
  const u = key.lastUsed;
  if (!u) return m.keyNeverUsed;
  return m.keyLastUsed(slackDate(u.date), u.serviceName, u.region);
}

/** The key a "deactivate" button most likely means: never used first, then the one idle longest. */
export function leastUsedActiveKey(keys: readonly AccessKey[]): AccessKey | undefined {
  const lastUse = (k: AccessKey) => k.lastUsed?.date.getTime() ?? Number.NEGATIVE_INFINITY;
  return keys
    .filter((k) => k.status === 'Active')
    .sort((a, b) => lastUse(a) - lastUse(b) || a.createDate.getTime() - b.createDate.getTime())[0];
}

/** Confirming a key's retirement: its last use and what happens. The key ID rides in private_metadata. */
export function retireModal(
  m: Messages,
  userName: string,
  key: AccessKey,
  others: readonly AccessKey[],
  deleteOn: number,
): ModalView {
  const otherActive = others.find((k) => k.status === 'Active' && k.accessKeyId !== key.accessKeyId);
  return {
    type: 'modal',
    callback_id: VIEW.retireConfirm,
    private_metadata: key.accessKeyId,
    title: { type: 'plain_text', text: clamp(m.retire.modalTitle, LIMITS.modalTitle) },
    submit: { type: 'plain_text', text: m.retire.submit },
    close: { type: 'plain_text', text: m.rotation.cancel },
    blocks: [
      section(m.retire.confirm(code(key.accessKeyId), code(userName), lastUseText(m, key))),
      section(m.retire.consequence(slackMinute(deleteOn))),
      ...(otherActive ? [section(m.retire.otherStays(code(otherActive.accessKeyId)))] : []),
    ],
  };
}

/** The owner's DM once a key is switched off: when it goes, and — unless it leaked or was back on once — the way back. */
export function retiredMessage(m: Messages, r: KeyRetirement): { text: string; blocks: KnownBlock[] } {
  const del = slackMinute(r.deleteAfter);
  const refusal = reactivationRefusal({ ...r, state: 'deactivated' });
  const text =
    refusal === 'leaked'
      ? m.retire.doneLeaked(code(r.id), code(r.iamUser), del)
      : refusal === 'once'
        ? m.retire.doneFinal(code(r.id), code(r.iamUser), del)
        : m.retire.done(code(r.id), code(r.iamUser), del);
  return {
    text,
    blocks: [
      section(`:lock: ${text}`),
      ...(refusal
        ? []
        : [
            {
              type: 'actions' as const,
              elements: [button(m.retire.reactivate, ACTION.retireReactivate, r.id)],
            },
          ]),
    ],
  };
}

/** To the security channel: a pasted key switched off (by whom), or a retired key switched back on. */
export function retiredAlertMessage(
  m: Messages,
  notice: KeyNotice,
  r: KeyRetirement,
): { text: string; blocks: KnownBlock[] } {
  const id = code(r.id);
  const user = inert(r.iamUser, 128);
  const text =
    notice.kind === 'key_retired_alert'
      ? m.retire.alertSwitchedOff(id, user, `<@${r.actor}>`)
      : notice.outside
        ? m.retire.alertReactivatedOutside(id, user)
        : m.retire.alertReactivated(id, user, `<@${r.ownerSlackId}>`, slackMinute(r.reactivatedUntil));
  return { text, blocks: [section(text)] };
}

export function retiredDeletedMessage(m: Messages, keyId: string): { text: string; blocks: KnownBlock[] } {
  const text = m.retire.deleted(code(keyId));
  return { text, blocks: [section(text)] };
}
