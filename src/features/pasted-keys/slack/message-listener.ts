import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../../adapters/slack/deps.js';
import { handleMessage } from '../handle-message.js';

type Args = SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs;

/** Subtypes that carry text a person wrote (a new message, an edit, a file with a comment, a broadcast reply). */
const READ = new Set([undefined, 'message_changed', 'file_share', 'thread_broadcast', 'me_message']);

interface Written {
  readonly text?: string;
  readonly ts?: string;
  readonly thread_ts?: string;
  readonly user?: string;
  readonly bot_id?: string;
  readonly subtype?: string;
}

/**
 * Messages in channels the bot was invited to, and DMs to it: checked for pasted AWS keys. Bots (this one included)
 * are not read. The text goes to the detector and nowhere else — not to the store, not to a log line.
 */
export function createMessageListener(deps: SlackDeps) {
  return async function onMessage({ event }: Args): Promise<void> {
    const e = event as Written & { channel: string; message?: Written };
    if (!READ.has(e.subtype)) return;
    const written = e.subtype === 'message_changed' ? e.message : e;
    if (!written?.text || !written.ts || written.bot_id || written.subtype === 'bot_message') return;
    await handleMessage(deps.pasted, {
      text: written.text,
      channel: e.channel,
      ts: written.ts,
      threadTs: written.thread_ts,
      poster: written.user,
    });
  };
}
