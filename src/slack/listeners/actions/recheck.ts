import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { messagesFor } from '../../../i18n/messages.js';
import { home, loadingBlocks, modal } from '../../blocks/checklist.js';
import type { SlackDeps } from '../../deps.js';
import { renderChecklistSafely } from '../caller.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** Re-check: reads AWS again and redraws the same surface in place (the modal, or the Home tab). */
export function createRecheck(deps: SlackDeps) {
  return async function recheck({ ack, body, client }: Args): Promise<void> {
    await ack();
    const userId = body.user.id;
    const view = body.view;
    if (view?.type === 'home') {
      const filled = await renderChecklistSafely(deps, userId, { recheck: true });
      await client.views.publish({ user_id: userId, view: home(filled.blocks) });
      return;
    }
    if (view?.type !== 'modal') return;
    const m = messagesFor(deps.directory.peek(userId)?.locale);
    // Show that something is happening: AWS can take a few seconds.
    await client.views.update({ view_id: view.id, view: modal(m, loadingBlocks(m)) });
    const filled = await renderChecklistSafely(deps, userId, { recheck: true });
    await client.views.update({ view_id: view.id, view: modal(filled.m, filled.blocks) });
  };
}
