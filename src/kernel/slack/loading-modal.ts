import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Messages } from '../../i18n/messages.js';
import { modal } from './modal.js';
import { section } from './mrkdwn.js';

/** Shown at once, before AWS has answered, so the trigger_id is used within its 3 seconds. */
export function loadingBlocks(m: Messages): KnownBlock[] {
  return [section(m.loading)];
}

/**
 * Opens a modal in its loading state at once — a trigger_id lives 3 s, AWS may take longer — stacked on the modal the
 * click came from (`push`) or new. Resolves with the view's ID for `views.update`, or undefined when Slack refused.
 */
export async function openLoadingModal(
  client: WebClient,
  m: Messages,
  title: string,
  how: { triggerId: string; push: boolean },
): Promise<string | undefined> {
  const loading = modal(m, loadingBlocks(m), { title });
  const opened = how.push
    ? await client.views.push({ trigger_id: how.triggerId, view: loading })
    : await client.views.open({ trigger_id: how.triggerId, view: loading });
  return opened.view?.id;
}
