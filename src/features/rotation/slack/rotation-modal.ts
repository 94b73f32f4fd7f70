import type { WebClient } from '@slack/web-api';
import type { SlackDeps } from '../../../adapters/slack/deps.js';
import { FactError } from '../../../errors.js';
import { messagesFor } from '../../../i18n/messages.js';
import { distrustText, resolveCaller } from '../../../kernel/slack/caller.js';
import { openLoadingModal } from '../../../kernel/slack/loading-modal.js';
import { modal } from '../../../kernel/slack/modal.js';
import { section } from '../../../kernel/slack/mrkdwn.js';
import { rotationRequestModal } from './blocks.js';

/**
 * Opens the rotation request modal: a loading view at once (the trigger_id lives 3 s), then the caller's keys from
 * IAM. `push` stacks it on the checklist modal; `open` starts a new one.
 */
export async function openRotationModal(
  deps: SlackDeps,
  client: WebClient,
  how: {
    triggerId: string;
    slackUserId: string;
    push: boolean;
    preselect?: string;
    preselectCreatedAt?: string;
  },
): Promise<void> {
  const m = messagesFor(deps.directory.peek(how.slackUserId)?.locale);
  const viewId = await openLoadingModal(client, m, m.rotation.modalTitle, how);
  if (!viewId) return;
  const caller = await resolveCaller(deps, how.slackUserId);
  let view = modal(caller.m, [section(caller.kind === 'refused' ? caller.text : '')], {
    title: caller.m.rotation.modalTitle,
  });
  // Refused only when no account's mapping may act on keys (a contested account does not block another).
  const owners = caller.kind === 'found' ? caller.users.filter((u) => u.trust.kind === 'trusted') : [];
  const refusal =
    caller.kind === 'found' && owners.length === 0 ? distrustText(caller.m, caller.trust) : undefined;
  if (caller.kind === 'found' && refusal) {
    view = modal(caller.m, [section(refusal)], { title: caller.m.rotation.modalTitle });
  } else if (caller.kind === 'found') {
    try {
      // Every account the person has an IAM user in (one, unless AWS_ACCOUNTS names several), trusted ones only.
      const trusted = new Set(owners.map((o) => o.user.arn));
      const held = (await deps.reads.keys(how.slackUserId)).held.filter((h) => trusted.has(h.owner.user.arn));
      const keys = held.map((h) => h.key);
      const accountOf =
        caller.users.length > 1
          ? new Map(
              await Promise.all(
                held.map(
                  async (h) => [h.key.accessKeyId, await deps.accountLabel(h.owner.user.accountId)] as const,
                ),
              ),
            )
          : undefined;
      // A nudge names its key by creation time (the credential report has no key IDs); seconds are enough.
      const byDate = how.preselectCreatedAt?.slice(0, 19);
      const preselect =
        how.preselect ??
        keys.find((k) => byDate && k.createDate.toISOString().slice(0, 19) === byDate)?.accessKeyId;
      const names = [...new Set(held.map((h) => h.owner.user.userName))].join(', ') || caller.user.userName;
      const leaked = new Set<string>();
      for (const k of keys)
        if (k.status !== 'Active' && (await deps.rotation.leaked?.(k.accessKeyId))) leaked.add(k.accessKeyId);
      view = rotationRequestModal(caller.m, names, keys, deps.clock.now(), preselect, accountOf, leaked);
    } catch (error) {
      if (!(error instanceof FactError)) throw error;
      view = modal(caller.m, [section(caller.m.couldNotCheck(caller.m.fault(error.reason)))], {
        title: caller.m.rotation.modalTitle,
      });
    }
  }
  await client.views.update({ view_id: viewId, view });
}
