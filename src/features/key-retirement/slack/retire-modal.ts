import type { WebClient } from '@slack/web-api';
import type { SlackDeps } from '../../../adapters/slack/deps.js';
import { FactError } from '../../../errors.js';
import { type Messages, messagesFor } from '../../../i18n/messages.js';
import type { AccessKey } from '../../../kernel/domain/types.js';
import { openLoadingModal } from '../../../kernel/slack/loading-modal.js';
import { modal } from '../../../kernel/slack/modal.js';
import { section } from '../../../kernel/slack/mrkdwn.js';
import { retirementDeleteAfter } from '../domain.js';
import { heldKey } from '../retire-key.js';
import { leastUsedActiveKey, retireModal } from './blocks.js';

/** Which key a button means: named by ID (checklist), by creation time (a nudge), or the least used (two keys). */
export type KeyChoice =
  | { readonly keyId: string }
  /** A nudge names the IAM user (its ARN, so its account) and the key's creation time, or the user alone. */
  | { readonly arn: string; readonly createdAt: string }
  | { readonly arn: string; readonly leastUsed: true };

function pick(keys: readonly AccessKey[], choice: KeyChoice): AccessKey | undefined {
  if ('keyId' in choice) return keys.find((k) => k.accessKeyId === choice.keyId);
  if ('createdAt' in choice) {
    // The credential report names a key by its creation time (no key IDs); seconds are enough.
    const at = choice.createdAt.slice(0, 19);
    return keys.find((k) => k.status === 'Active' && k.createDate.toISOString().slice(0, 19) === at);
  }
  return leastUsedActiveKey(keys);
}

export const refusalText = (m: Messages, why: keyof Messages['retire']['refused'] | 'failed') =>
  why === 'failed' ? m.retire.failed : m.retire.refused[why];

/**
 * The confirmation modal for switching off one of the caller's keys: loading at once (the trigger_id lives 3 s), then
 * the key's last use and the consequence — or why not. Ownership is checked here and again on submit.
 */
export async function openRetireModal(
  deps: SlackDeps,
  client: WebClient,
  how: { triggerId: string; slackUserId: string; push: boolean; choice: KeyChoice },
): Promise<void> {
  const m0 = messagesFor(deps.directory.peek(how.slackUserId)?.locale);
  const viewId = await openLoadingModal(client, m0, m0.retire.modalTitle, how);
  if (!viewId) return;
  const found = await deps.findIamUser(how.slackUserId);
  const m = messagesFor(found.kind === 'failed' ? m0.locale : found.person?.locale);
  const notice = (text: string) => modal(m, [section(text)], { title: m.retire.modalTitle });
  let view = notice(m.retire.refused.not_owner);
  if (found.kind === 'failed') view = notice(m.couldNotCheck(m.fault(found.reason)));
  else if (found.kind === 'found') {
    // One listing of the person's keys serves both the choice and the checks (the submit checks again).
    const held = await deps.reads
      .keys(how.slackUserId)
      .then((r) => r.held)
      .catch(() => undefined);
    const arn = 'arn' in how.choice ? how.choice.arn : undefined;
    const keys = held?.filter((h) => arn === undefined || h.owner.user.arn === arn).map((h) => h.key);
    const key = keys && pick(keys, how.choice);
    const owner = key && held?.find((h) => h.key.accessKeyId === key.accessKeyId)?.owner;
    const owned =
      key && owner
        ? await heldKey(
            deps.retire,
            owner,
            key,
            (held ?? []).filter((h) => h.owner.user.arn === owner.user.arn).map((h) => h.key),
          ).catch((error: unknown) => {
            if (error instanceof FactError) return { kind: 'failed' as const, reason: error.reason };
            throw error;
          })
        : undefined;
    if (!keys) view = notice(m.retire.failed);
    else if (!owned) view = notice(m.retire.refused.not_active);
    else if (owned.kind === 'failed') view = notice(m.couldNotCheck(m.fault(owned.reason)));
    else if (owned.kind === 'refused') view = notice(refusalText(m, owned.why));
    else {
      const deleteOn = retirementDeleteAfter(deps.clock.now().getTime(), deps.retire.config.deleteDays);
      view = retireModal(m, owned.user.userName, owned.key, owned.keys, deleteOn);
    }
  }
  await client.views.update({ view_id: viewId, view });
}
