import type { WebClient } from '@slack/web-api';
import type { ConversationPort } from '../../features/pasted-keys/handle-message.js';
import { messagesFor } from '../../i18n/messages.js';

/** Where a key was pasted: its permalink, and a reply in its thread that names neither the key nor anyone. */
export function createConversation(client: WebClient): ConversationPort {
  return {
    async permalink(channel, ts) {
      const r = await client.chat.getPermalink({ channel, message_ts: ts });
      return r.permalink;
    },
    async replyInThread(channel, threadTs, locale) {
      const text = messagesFor(locale).pasted.thread;
      await client.chat.postMessage({ channel, thread_ts: threadTs, text, unfurl_links: false });
    },
  };
}
