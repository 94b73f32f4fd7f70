import type { WebClient } from '@slack/web-api';
import { messagesFor } from '../../i18n/messages.js';
import type { OutboxMessage } from '../../kernel/outbox/ports.js';
import type { SlackDirectoryPort } from '../../kernel/people/ports.js';
import type { Renderers } from '../../kernel/slack/notices.js';

/** Where a thread's ts is kept once its first message is posted, for the replies (shared by every replica). */
export interface ThreadStore {
  threadTs(key: string): Promise<string | undefined>;
  setThreadTs(key: string, ts: string): Promise<void>;
}

/** A message Slack cannot take yet or that nothing can show: it stays in the outbox and is tried again later. */
const notYet = (code: string, message: string) => Object.assign(new Error(message), { code });

/**
 * Sends one outbox message: rendered by its kind's renderer, in the recipient's language (a person's own; a channel's
 * English), then posted. DMs go to `channel` = the user's ID (no conversations.open needed).
 */
export function createMessenger(
  client: WebClient,
  deps: {
    readonly directory: Pick<SlackDirectoryPort, 'person'>;
    readonly threads: ThreadStore;
    readonly renderers: Renderers;
  },
): (message: OutboxMessage) => Promise<void> {
  return async ({ channel, notice }) => {
    const render = deps.renderers[notice.kind];
    // Queued by a newer version, perhaps: kept for the version that can show it.
    if (!render) throw notYet('unknown_notice', `no renderer for the notice kind ${notice.kind}`);
    const toChannel = /^[CG]/.test(channel);
    const m = messagesFor(
      toChannel ? 'en' : (await deps.directory.person(channel).catch(() => undefined))?.locale,
    );
    const rendered = await render(notice, m);
    if (!rendered) return;
    const post = { channel, ...rendered.message, unfurl_links: false };
    const thread = rendered.thread;
    if (!thread) {
      await client.chat.postMessage(post);
      return;
    }
    if (thread.starts) {
      const posted = await client.chat.postMessage(post);
      await deps.threads.setThreadTs(thread.key, String(posted.ts));
      return;
    }
    const ts = await deps.threads.threadTs(thread.key);
    if (!ts) throw notYet('thread_pending', 'the thread is not posted yet');
    await client.chat.postMessage({ ...post, thread_ts: ts });
  };
}
