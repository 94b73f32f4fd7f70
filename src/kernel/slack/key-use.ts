import type { Messages } from '../../i18n/messages.js';
import type { KeyUseEventJson } from '../domain/types.js';
import { inert } from './mrkdwn.js';

/** One CloudTrail event made with a key. Every field but the time is the caller's to choose: inert. */
export function keyUseLine(m: Messages, e: KeyUseEventJson): string {
  return m.rotation.inUseEvent(
    inert(e.eventTime.slice(0, 16).replace('T', ' ')),
    inert(e.eventName, 80),
    inert(e.eventSource, 80),
    inert(e.sourceIp, 60),
    inert(e.userAgent),
  );
}
