import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { KeyRetirement } from '../../features/key-retirement/domain.js';
import {
  pastedAlertMessage,
  pastedFloodMessage,
  pastedOwnerMessage,
  retiredAlertMessage,
  retiredDeletedMessage,
  retiredMessage,
} from '../../features/key-retirement/slack/blocks.js';
import type { MfaReset } from '../../features/mfa-reset/domain.js';
import type { ResetBoard } from '../../features/mfa-reset/mfa-reset.js';
import { resetApprovalMessage, resetNoticeMessage } from '../../features/mfa-reset/slack/blocks.js';
import { approvalMessage, type NoticeContext, noticeMessage } from '../../features/rotation/slack/blocks.js';
import {
  digestMessage,
  identityMessage,
  notMineMessage,
  nudgeMessage,
  nudgesMessage,
  trailMessage,
} from '../../features/scan/slack/blocks.js';
import { messagesFor } from '../../i18n/messages.js';
import { cached } from '../../kernel/cached.js';
import type { Clock } from '../../kernel/domain/types.js';
import type {
  ApprovalBoard,
  ApproversPort,
  Messenger,
  RotationStore,
  ScanStore,
  SlackDirectoryPort,
} from '../../kernel/ports.js';
import type { WorkflowTable } from '../../kernel/workflow/table.js';

/** Approval messages are posted in English: a channel has no single language. */
const channelMessages = messagesFor('en');

/** Posts an approval message (no `ts` yet) or updates it in place; resolves with its ts. */
async function postOrUpdate(
  client: WebClient,
  channel: string,
  ts: string | undefined,
  message: { text: string; blocks: KnownBlock[] },
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

export function createApprovalBoard(client: WebClient, label: AccountLabel = byId): ApprovalBoard {
  return {
    publish: async (request, approvedBy) =>
      postOrUpdate(
        client,
        request.approvalChannel,
        request.approvalTs,
        approvalMessage(channelMessages, request, approvedBy, await label(request.accountId)),
      ),
  };
}

/** The reset's approval message: posted once, then updated (in English, like rotations). */
export function createResetBoard(client: WebClient, label: AccountLabel = byId): ResetBoard {
  return {
    publish: async (reset, approvedBy) =>
      postOrUpdate(
        client,
        reset.approvalChannel,
        reset.approvalTs,
        resetApprovalMessage(channelMessages, reset, approvedBy, await label(reset.accountId)),
      ),
  };
}

/**
 * DMs go to `channel` = the user's ID (no conversations.open needed), rendered in the recipient's language; digests and
 * security notices go to the security channel, in English.
 */
export function createMessenger(
  client: WebClient,
  deps: {
    store: RotationStore;
    retirements: Pick<WorkflowTable<KeyRetirement>, 'get'>;
    resets: Pick<WorkflowTable<MfaReset>, 'get'>;
    directory: SlackDirectoryPort;
    /** Where a flood thread's ts is kept for its replies. */
    threads: Pick<ScanStore, 'cursor' | 'setCursor'>;
    context: NoticeContext;
    accountLabel?: AccountLabel;
  },
): Messenger {
  return {
    async send(channel, notice) {
      // Channels (digest, security notices) get English; people get their own language.
      const toChannel = /^[CG]/.test(channel);
      const m = toChannel
        ? channelMessages
        : messagesFor((await deps.directory.person(channel).catch(() => undefined))?.locale);
      let message: { text: string; blocks: KnownBlock[] };
      switch (notice.kind) {
        case 'digest':
          message = digestMessage(m, notice.digest);
          break;
        case 'not_my_account':
          message = notMineMessage(m, notice.reporterSlackId, notice.iamUserArn);
          break;
        case 'nudge':
          message = nudgeMessage(m, notice.finding);
          break;
        case 'nudges':
          message = nudgesMessage(m, notice.findings);
          break;
        case 'root_activity':
        case 'key_created_outside':
          message = trailMessage(m, notice);
          break;
        case 'mapping_changed':
        case 'mapping_new':
        case 'mappings_new':
        case 'mappings_trusted':
        case 'identity_conflict':
          message = identityMessage(m, notice);
          break;
        case 'key_retired': {
          const retirement = await deps.retirements.get(notice.keyId);
          if (!retirement) return;
          message = retiredMessage(m, retirement);
          break;
        }
        case 'key_retired_alert':
        case 'key_retired_reactivated': {
          const retirement = await deps.retirements.get(notice.keyId);
          if (!retirement) return;
          message = retiredAlertMessage(m, notice, retirement);
          break;
        }
        case 'key_retired_deleted':
          message = retiredDeletedMessage(m, notice.keyId);
          break;
        case 'key_pasted_flood':
        case 'key_pasted_flood_more': {
          // One thread per flood: its first message is posted, the rest reply in it once Slack gave its ts.
          message = pastedFloodMessage(m, notice);
          const thread = `thread:${notice.floodKey}`;
          if (notice.kind === 'key_pasted_flood') {
            const posted = await client.chat.postMessage({ channel, ...message, unfurl_links: false });
            await deps.threads.setCursor(thread, String(posted.ts), Date.now());
            return;
          }
          const ts = await deps.threads.cursor(thread);
          if (!ts) throw Object.assign(new Error('the thread is not posted yet'), { code: 'thread_pending' });
          await client.chat.postMessage({ channel, thread_ts: ts, ...message, unfurl_links: false });
          return;
        }
        case 'key_pasted':
          message = pastedOwnerMessage(m, notice);
          break;
        case 'key_pasted_alert':
          message = pastedAlertMessage(m, notice);
          break;
        case 'mfa_reset_decided':
        case 'mfa_reset_done':
        case 'mfa_reenrol_overdue':
        case 'mfa_reenrol_overdue_alert': {
          const reset = await deps.resets.get(notice.resetId);
          if (!reset) return;
          message = resetNoticeMessage(m, notice, reset);
          break;
        }
        default: {
          const request = await deps.store.get(notice.requestId);
          if (!request) return;
          const accountLabel = await (deps.accountLabel ?? byId)(request.accountId);
          message = noticeMessage(m, notice, request, { ...deps.context, accountLabel });
        }
      }
      await client.chat.postMessage({ channel, ...message, unfurl_links: false });
    },
  };
}

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
