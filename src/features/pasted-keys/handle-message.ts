import { mapIamUserToSlack } from '../../kernel/domain/identity.js';
import { HOUR_MS } from '../../kernel/domain/time.js';
import type { Clock, IamUser } from '../../kernel/domain/types.js';
import type { OutboxWriter } from '../../kernel/outbox/ports.js';
import type { SlackDirectoryPort } from '../../kernel/people/ports.js';
import type { Logger } from '../../logger.js';
import type { ScanStore } from '../scan/index.js';
import { findPastedKeys, type PastedKey } from './domain.js';
import type { KeyLookupPort, PastedFloodNotice, PastedKeyNotice, PastedKeyStore, RatePort } from './ports.js';

/** What the bot does in the conversation where a key was pasted. */
export interface ConversationPort {
  /** The message's permalink (`chat.getPermalink`); undefined when Slack cannot give one. */
  permalink(channel: string, ts: string): Promise<string | undefined>;
  /** A reply in the message's thread: that it looks like a key, and what to do — naming nobody and no key. */
  replyInThread(channel: string, threadTs: string, locale: string | undefined): Promise<void>;
}

export interface PastedKeyDeps {
  readonly lookup: KeyLookupPort;
  readonly conversation: ConversationPort;
  readonly directory: SlackDirectoryPort;
  readonly scans: Pick<ScanStore, 'markSeen'>;
  readonly reports: Pick<PastedKeyStore, 'record'>;
  readonly rates: RatePort;
  readonly outbox: OutboxWriter;
  /** The accounts the bot looks after: only their keys have an IAM user the bot can name and act on. */
  readonly ourAccounts: () => Promise<readonly string[]>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly config: { readonly emailTagKey: string; readonly securityChannel: string | undefined };
}

/** A message (or an edit) as the bot saw it. Its text is read here and nowhere kept. */
export interface SeenMessage {
  readonly text: string;
  readonly channel: string;
  readonly ts: string;
  /** The thread the message is in, if any: the reply goes there. */
  readonly threadTs: string | undefined;
  readonly poster: string | undefined;
}

export interface PastedKeyReport {
  readonly keys: number;
  readonly handled: number;
  /** New key IDs over the per-poster or per-channel limit: not looked up, summarised in one security thread. */
  readonly overLimit: number;
}

/**
 * Key IDs looked up and alerted per poster and per channel an hour. A message pasting a credentials file is still
 * within them; 20 messages of made-up IDs are not: the rest are summarised in one thread, with no AWS call.
 */
export const PASTED_PER_POSTER_PER_HOUR = 10;
export const PASTED_PER_CHANNEL_PER_HOUR = 20;
/** Replies in one flood's security thread at most (one per message over the limit). */
export const FLOOD_REPLIES_MAX = 20;

/**
 * Looks for AWS access key IDs in a message. Text without one costs no AWS call. For each key, once per key per day
 * (UTC), within the per-poster and per-channel limits: a DM to the key's owner (Deactivate now, Request rotation) and a
 * post to the security channel with the permalink; the message gets one thread reply that names nobody. Only key IDs
 * and permalinks are stored, never text; nothing of the text is logged.
 */
export async function handleMessage(deps: PastedKeyDeps, message: SeenMessage): Promise<PastedKeyReport> {
  const found = findPastedKeys(message.text);
  if (found.length === 0) return { keys: 0, handled: 0, overLimit: 0 };
  const at = deps.clock.now().getTime();
  const day = new Date(at).toISOString().slice(0, 10);
  // Once per key per day, whichever message, edit, retry or replica saw it first.
  const fresh: PastedKey[] = [];
  for (const key of found) {
    if (await deps.scans.markSeen(`pasted:${key.keyId}:${day}`, at)) fresh.push(key);
    else deps.logger.debug({ accessKeyId: key.keyId }, 'pasted key already handled today');
  }
  if (fresh.length === 0) return { keys: found.length, handled: 0, overLimit: 0 };

  const { room, scope } = await admit(deps, message, fresh.length, at);
  let handled = 0;
  for (const key of fresh.slice(0, room)) {
    try {
      await handleKey(deps, message, key, at);
      handled++;
    } catch (error) {
      deps.logger.error(
        { err: error, accessKeyId: key.keyId, channel: message.channel },
        'could not handle an access key pasted into Slack',
      );
    }
  }
  if (room > 0) {
    const locale = message.poster ? deps.directory.peek(message.poster)?.locale : undefined;
    await deps.conversation
      .replyInThread(
        message.channel,
        message.threadTs ?? message.ts,
        message.channel.startsWith('D') ? locale : undefined,
      )
      .catch((error) =>
        deps.logger.warn({ err: error, channel: message.channel }, 'could not reply in the thread'),
      );
  }
  const overLimit = fresh.length - room;
  if (overLimit > 0) await flood(deps, message, overLimit, scope, at);
  return { keys: found.length, handled, overLimit };
}

/** How many of `n` new key IDs this message may still have looked up, and which limit binds. */
async function admit(
  deps: PastedKeyDeps,
  message: SeenMessage,
  n: number,
  at: number,
): Promise<{ room: number; scope: string }> {
  const hour = Math.floor(at / HOUR_MS) * HOUR_MS;
  const poster = `poster:${message.poster ?? 'unknown'}:${hour}`;
  const channel = `channel:${message.channel}:${hour}`;
  const [byPoster, byChannel] = await Promise.all([
    deps.rates.add(`pasted:${poster}`, n, at),
    deps.rates.add(`pasted:${channel}`, n, at),
  ]);
  const posterRoom = PASTED_PER_POSTER_PER_HOUR - (byPoster - n);
  const channelRoom = PASTED_PER_CHANNEL_PER_HOUR - (byChannel - n);
  return {
    room: Math.max(0, Math.min(n, posterRoom, channelRoom)),
    scope: posterRoom <= channelRoom ? poster : channel,
  };
}

/** Key IDs over the limit: no look-up, no alert each; one security thread per poster (or channel) and hour. */
async function flood(deps: PastedKeyDeps, message: SeenMessage, keys: number, scope: string, at: number) {
  deps.logger.warn(
    { channel: message.channel, poster: message.poster, keys, scope },
    'access key IDs pasted over the limit: not looked up',
  );
  const securityChannel = deps.config.securityChannel;
  if (!securityChannel) return;
  const floodKey = `pasted-flood:${scope}`;
  const first = await deps.scans.markSeen(floodKey, at);
  if (!first && (await deps.rates.add(`${floodKey}:replies`, 1, at)) > FLOOD_REPLIES_MAX) return;
  const permalink = await deps.conversation.permalink(message.channel, message.ts).catch(() => undefined);
  const notice: PastedFloodNotice = {
    kind: first ? 'key_pasted_flood' : 'key_pasted_flood_more',
    floodKey,
    keys,
    channel: message.channel,
    poster: message.poster,
    permalink,
  };
  await deps.outbox.enqueue({ channel: securityChannel, notice }, at);
}

async function handleKey(
  deps: PastedKeyDeps,
  message: SeenMessage,
  key: PastedKey,
  at: number,
): Promise<void> {
  const accountId = await deps.lookup.accountOf(key.keyId).catch((error) => {
    deps.logger.warn(
      { err: error, accessKeyId: key.keyId },
      'could not tell which account a pasted key belongs to',
    );
    return undefined;
  });
  const ours = await deps.ourAccounts().catch(() => [] as readonly string[]);
  const own = accountId !== undefined && ours.includes(accountId);
  const user: IamUser | undefined =
    own && !key.temporary ? await deps.lookup.userOf(key.keyId, accountId) : undefined;
  const index = user ? await deps.directory.index().catch(() => undefined) : undefined;
  const owner =
    user && index ? mapIamUserToSlack(user, index, deps.config.emailTagKey)?.slackUserId : undefined;
  const permalink = await deps.conversation.permalink(message.channel, message.ts).catch(() => undefined);
  // What approvers may act on: a key of ours, reported pasted (see deactivatePastedKey).
  if (user)
    await deps.reports.record(
      {
        keyId: key.keyId,
        accountId: user.accountId,
        iamUser: user.userName,
        iamUserArn: user.arn,
        ownerSlackId: owner,
      },
      at,
    );

  const notice = (kind: PastedKeyNotice['kind']): PastedKeyNotice => ({
    kind,
    keyId: key.keyId,
    accountId,
    iamUser: user?.userName,
    ownerSlackId: owner,
    permalink,
    secretToo: key.secretToo,
    channel: message.channel,
    poster: message.poster,
  });
  if (owner) await deps.outbox.enqueue({ channel: owner, notice: notice('key_pasted') }, at);
  if (deps.config.securityChannel)
    await deps.outbox.enqueue(
      { channel: deps.config.securityChannel, notice: notice('key_pasted_alert') },
      at,
    );
  deps.logger.warn(
    {
      accessKeyId: key.keyId,
      channel: message.channel,
      poster: message.poster,
      iamUser: user?.userName,
      ownAccount: own,
      temporary: key.temporary,
      secretToo: key.secretToo,
    },
    'an AWS access key was pasted into Slack',
  );
}
