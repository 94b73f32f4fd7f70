import type { WebClient } from '@slack/web-api';
import type { ResetBoard } from '../../features/mfa-reset/ports.js';
import { resetApprovalMessage } from '../../features/mfa-reset/slack/blocks.js';
import type { RootDeletionBoard } from '../../features/root-credentials/ports.js';
import { rootDeletionApprovalMessage } from '../../features/root-credentials/slack/blocks.js';
import type { ApprovalBoard } from '../../features/rotation/ports-aws.js';
import { approvalMessage } from '../../features/rotation/slack/blocks.js';
import { messagesFor } from '../../i18n/messages.js';
import { cached } from '../../kernel/cached.js';
import type { Clock } from '../../kernel/domain/types.js';
import type { MessageRow } from '../../kernel/domain/workflow.js';
import type { ApproversPort } from '../../kernel/people/ports.js';
import type { SlackMessage } from '../../kernel/slack/notices.js';
import type { MessageBoard } from '../../kernel/workflow/sync.js';

/** Approval messages are posted in English: a channel has no single language. */
const channelMessages = messagesFor('en');

/** Posts an approval message (no `ts` yet) or updates it in place; resolves with its ts. */
async function postOrUpdate(
  client: WebClient,
  channel: string,
  ts: string | undefined,
  message: SlackMessage,
): Promise<string> {
  if (ts) {
    await client.chat.update({ channel, ts, ...message });
    return ts;
  }
  const posted = await client.chat.postMessage({ channel, ...message, unfurl_links: false });
  return String(posted.ts);
}

/** An account as people read it: `123456789012 (prod)`. */
type AccountLabel = (accountId: string) => Promise<string>;
const byId: AccountLabel = async (accountId) => accountId;

/**
 * The approval message of one kind of row in its APPROVAL_CHANNEL: posted once, then updated in place (in English), drawn
 * by `render` from the row, its approvers and its account as people read it.
 */
function createBoard<R extends MessageRow & { readonly approvalChannel: string; readonly accountId: string }>(
  client: WebClient,
  label: AccountLabel,
  render: (m: typeof channelMessages, row: R, approvedBy: readonly string[], account: string) => SlackMessage,
): MessageBoard<R> {
  return {
    publish: async (row, approvedBy) =>
      postOrUpdate(
        client,
        row.approvalChannel,
        row.approvalTs,
        render(channelMessages, row, approvedBy, await label(row.accountId)),
      ),
  };
}

export const createApprovalBoard = (client: WebClient, label: AccountLabel = byId): ApprovalBoard =>
  createBoard(client, label, approvalMessage);

/** The reset's approval message: posted once, then updated (in English, like rotations). */
export const createResetBoard = (client: WebClient, label: AccountLabel = byId): ResetBoard =>
  createBoard(client, label, resetApprovalMessage);

/** A root-credentials deletion's approval message: posted once, then updated (in English). */
export const createRootDeletionBoard = (client: WebClient, label: AccountLabel = byId): RootDeletionBoard =>
  createBoard(client, label, rootDeletionApprovalMessage);

/**
 * APPROVERS may name user groups (S…): their members come from `usergroups.users.list`, cached for five minutes so
 * a button click does not wait on Slack, and refreshed so that someone removed from the group loses the right soon.
 */
export function createApprovers(
  client: WebClient,
  approvers: readonly string[],
  clock: Clock,
): ApproversPort {
  const users = new Set(approvers.filter((a) => !a.startsWith('S')));
  const groups = approvers.filter((a) => a.startsWith('S'));
  const members = cached(
    async () => {
      const all = new Set<string>();
      for (const usergroup of groups) {
        const r = await client.usergroups.users.list({ usergroup });
        for (const u of r.users ?? []) all.add(u);
      }
      return all;
    },
    { ttlMs: 5 * 60_000, clock },
  );
  return {
    async isApprover(slackUserId) {
      if (users.has(slackUserId)) return true;
      if (groups.length === 0) return false;
      return (await members.get()).has(slackUserId);
    },
  };
}
