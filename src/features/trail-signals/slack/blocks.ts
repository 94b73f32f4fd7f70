import type { KnownBlock } from '@slack/types';
import type { Messages } from '../../../i18n/messages.js';
import { context, inert, type SlackTime, section, slackMinute } from '../../../kernel/slack/mrkdwn.js';
import type { TrailNotice } from '../ports.js';

/**
 * A CloudTrail signal, for the security channel or the key's owner. Event fields are chosen by whoever made the call
 * (a user agent can say "AWS Security: re-verify at https://…"): every one is inert.
 */
export function trailMessage(m: Messages, n: TrailNotice): { text: string; blocks: KnownBlock[] } {
  // CloudTrail's time, as the reader's own; a value that is not a time is shown inert.
  const at = Date.parse(n.eventTime);
  const time = Number.isNaN(at) ? (inert(n.eventTime, 40) as SlackTime) : slackMinute(at);
  const text =
    n.kind === 'root_activity'
      ? m.trail.rootActivity(inert(n.eventName, 80), time, inert(n.region, 40), inert(n.sourceIp, 60))
      : m.trail.keyOutside(inert(n.targetUserArn, 200), inert(n.actorArn, 200), time, inert(n.sourceIp, 60));
  return { text, blocks: [section(text), context(inert(n.userAgent))] };
}
