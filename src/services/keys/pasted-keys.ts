import { mapIamUserToSlack } from '../../domain/identity.js';
import { findPastedKeys, type PastedKey } from '../../domain/pasted-keys.js';
import type { Clock, IamUser } from '../../domain/types.js';
import type { Logger } from '../../logger.js';
import type { KeyLookupPort, Outgoing, PastedKeyNotice, ScanStore, SlackDirectoryPort } from '../ports.js';

/** What the bot does in the conversation where a key was pasted. */
export interface ConversationPort {
  /** The message's permalink (`chat.getPermalink`); undefined when Slack cannot give one. */
  permalink(channel: string, ts: string): Promise<string | undefined>;
  /** A reply in the message's thread. */
  replyInThread(
    channel: string,
    threadTs: string,
    what: { kind: 'owned'; iamUser: string },
    locale: string | undefined,
  ): Promise<void>;
}

export interface PastedKeyDeps {
  readonly lookup: KeyLookupPort;
  readonly conversation: ConversationPort;
  readonly directory: SlackDirectoryPort;
  readonly scans: Pick<ScanStore, 'markSeen'>;
  readonly outbox: { enqueue(outgoing: Outgoing, at: number): Promise<string> };
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
}

/**
 * Looks for AWS access key IDs in a message. Text without one costs no AWS call. For each key, once per key per day
 * (UTC): a thread reply that names the IAM user but not the key, a DM to the key's owner (Deactivate now, Request
 * rotation), and a post to the security channel with the permalink. Only key IDs and permalinks are stored, never
 * text; nothing of the text is logged.
 */
export async function handleMessage(deps: PastedKeyDeps, message: SeenMessage): Promise<PastedKeyReport> {
  const found = findPastedKeys(message.text);
  let handled = 0;
  for (const key of found) {
    try {
      if (await handleKey(deps, message, key)) handled++;
    } catch (error) {
      deps.logger.error(
        { err: error, accessKeyId: key.keyId, channel: message.channel },
        'could not handle an access key pasted into Slack',
      );
    }
  }
  return { keys: found.length, handled };
}

async function handleKey(deps: PastedKeyDeps, message: SeenMessage, key: PastedKey): Promise<boolean> {
  const at = deps.clock.now().getTime();
  const day = new Date(at).toISOString().slice(0, 10);
  // Once per key per day, whichever message, edit, retry or replica saw it first.
  if (!(await deps.scans.markSeen(`pasted:${key.keyId}:${day}`, at))) {
    deps.logger.debug({ accessKeyId: key.keyId }, 'pasted key already handled today');
    return false;
  }

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

  // The thread is told only about a key the bot can name: this account's (a foreign key goes to security alone).
  if (user) {
    const locale = message.poster ? deps.directory.peek(message.poster)?.locale : undefined;
    await deps.conversation
      .replyInThread(
        message.channel,
        message.threadTs ?? message.ts,
        { kind: 'owned', iamUser: user.userName },
        message.channel.startsWith('D') ? locale : undefined,
      )
      .catch((error) =>
        deps.logger.warn({ err: error, channel: message.channel }, 'could not reply in the thread'),
      );
  }

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
  return true;
}
