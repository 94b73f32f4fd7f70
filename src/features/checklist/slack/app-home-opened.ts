import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../../adapters/slack/deps.js';
import { messagesFor } from '../../../i18n/messages.js';
import { loadingBlocks } from '../../../kernel/slack/loading-modal.js';
import { home } from './blocks.js';
import { renderChecklistSafely } from './render-checklist.js';

type Args = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/** People flick between tabs; within this window the Home tab is not re-read from AWS (Re-check always is). */
const REFRESH_AFTER_MS = 60_000;

/** Publishes the caller's checklist as the App Home tab. */
export function createAppHomeOpened(deps: SlackDeps) {
  const publishedAt = new Map<string, number>();
  return async function appHomeOpened({ event, client }: Args): Promise<void> {
    if (event.tab !== 'home') return;
    const now = deps.clock.now().getTime();
    const last = publishedAt.get(event.user);
    if (last !== undefined && now - last < REFRESH_AFTER_MS && event.view) return;
    publishedAt.set(event.user, now);
    if (!event.view) {
      // First visit: the tab is empty until we publish, so show the loading state first.
      const m = messagesFor(deps.directory.peek(event.user)?.locale);
      await client.views.publish({ user_id: event.user, view: home(loadingBlocks(m)) });
    }
    const filled = await renderChecklistSafely(deps, event.user);
    await client.views.publish({ user_id: event.user, view: home(filled.blocks) });
  };
}
