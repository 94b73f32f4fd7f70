import type { KnownBlock } from '@slack/types';
import type { Messages } from '../../i18n/messages.js';
import type { IdentityNotice } from '../people/ports.js';
import { clamp, inert, LIMITS, section } from './mrkdwn.js';
import { plainly, type Renderers } from './notices.js';

/** A mapping change or conflict, for the security channel. ARNs come from IAM, rules from the bot: shown inert. */
export function identityMessage(m: Messages, n: IdentityNotice): { text: string; blocks: KnownBlock[] } {
  const list = (mappings: readonly { iamUserArn: string; to: string }[], total: number) =>
    [
      ...mappings.map((x) => `• ${inert(x.iamUserArn, 200)} → <@${x.to}>`),
      ...(total > mappings.length ? [m.digest.more(total - mappings.length)] : []),
    ].join('\n');
  let text: string;
  switch (n.kind) {
    case 'mapping_changed':
      text = m.digest.mappingChanged(
        inert(n.iamUserArn, 200),
        `<@${n.from}>`,
        `<@${n.to}>`,
        inert(n.rule, 20),
      );
      break;
    case 'mapping_new':
      text = m.digest.mappingNew(inert(n.iamUserArn, 200), `<@${n.to}>`, inert(n.rule, 20));
      break;
    case 'mappings_new':
      text = `${m.digest.mappingsNew(n.total)}\n${list(n.mappings, n.total)}`;
      break;
    case 'mappings_trusted':
      text = `${m.digest.mappingsTrusted(n.total, inert(n.by ?? 'the operator', 80))}\n${list(n.mappings, n.total)}`;
      break;
    case 'identity_conflict':
      text = m.digest.identityConflict(
        `<@${n.slackUserId}>`,
        n.claimants.map((a) => inert(a, 200)).join(', '),
      );
  }
  return { text: clamp(text, LIMITS.sectionText), blocks: [section(clamp(text, LIMITS.sectionText))] };
}

const identity = plainly<IdentityNotice>(identityMessage);

/** Who-is-who notices, for the security channel. */
export const identityRenderers: Renderers = {
  mapping_changed: identity,
  mapping_new: identity,
  mappings_new: identity,
  mappings_trusted: identity,
  identity_conflict: identity,
};
