import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../../adapters/slack/deps.js';
import { messagesFor } from '../../../i18n/messages.js';
import { loadingBlocks } from '../../../kernel/slack/loading-modal.js';
import { modal } from '../../../kernel/slack/modal.js';
import { home } from './blocks.js';
import { renderChecklistSafely } from './render-checklist.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/**
 * Re-check: reads AWS again and redraws the same surface in place (the modal, or the Home tab). The account picker
 * (a person with IAM users in more accounts than fit) redraws it with the picked account first.
 */
export function createRecheck(deps: SlackDeps) {
  return async function recheck({ ack, body, client, action }: Args): Promise<void> {
    await ack();
    const userId = body.user.id;
    const view = body.view;
    const picked =
      action && 'selected_option' in action ? (action.selected_option?.value ?? undefined) : undefined;
    const options = picked && /^\d{12}$/.test(picked) ? { first: picked } : { recheck: true };
    if (view?.type === 'home') {
      const filled = await renderChecklistSafely(deps, userId, options);
      await client.views.publish({ user_id: userId, view: home(filled.blocks) });
      return;
    }
    if (view?.type !== 'modal') return;
    const m = messagesFor(deps.directory.peek(userId)?.locale);
    // Show that something is happening: AWS can take a few seconds.
    await client.views.update({ view_id: view.id, view: modal(m, loadingBlocks(m)) });
    const filled = await renderChecklistSafely(deps, userId, options);
    await client.views.update({ view_id: view.id, view: modal(filled.m, filled.blocks) });
  };
}
