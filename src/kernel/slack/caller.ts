import { type Messages, messagesFor } from '../../i18n/messages.js';
import type { MappingTrust } from '../domain/identity.js';
import type { IamUser } from '../domain/types.js';
import type { FindIamUser, OwnedUser } from '../people/find-iam-user.js';
import type { SlackDirectoryPort } from '../people/ports.js';
import { code, slackMinute } from './mrkdwn.js';

/** What resolving a caller needs: who they are in AWS, and where to send someone the bot cannot place. */
export interface CallerDeps {
  readonly findIamUser: FindIamUser;
  readonly directory: Pick<SlackDirectoryPort, 'peek'>;
  readonly settings: { readonly securityChannel: string | undefined; readonly emailTagKey: string };
}

export type Caller =
  | {
      readonly kind: 'found';
      readonly m: Messages;
      readonly user: IamUser;
      readonly others: readonly string[];
      readonly trust: MappingTrust;
      /** One IAM user per account the person has one in. */
      readonly users: readonly OwnedUser[];
      /** The person's Slack e-mail address (their Identity Center user is found by it). */
      readonly email: string | undefined;
    }
  | { readonly kind: 'refused'; readonly m: Messages; readonly text: string };

/** Why key actions are refused for this mapping, in the person's words; undefined when they are not. */
export function distrustText(m: Messages, trust: MappingTrust): string | undefined {
  if (trust.kind === 'contested') return m.identity.contested(trust.claimants.map((n) => code(n)).join(', '));
  if (trust.kind === 'recent') return m.identity.recent(slackMinute(trust.trustedFrom));
  return undefined;
}

/** The Slack user's IAM user and language, or the sentence that tells them why there is none. */
export async function resolveCaller(deps: CallerDeps, slackUserId: string): Promise<Caller> {
  const found = await deps.findIamUser(slackUserId);
  const m = messagesFor(
    found.kind === 'failed' ? deps.directory.peek(slackUserId)?.locale : found.person?.locale,
  );
  if (found.kind === 'found')
    return {
      kind: 'found',
      m,
      user: found.user,
      others: found.others,
      trust: found.trust,
      users: found.users,
      email: found.person?.email,
    };
  if (found.kind === 'failed') return { kind: 'refused', m, text: m.lookupFailed(m.fault(found.reason)) };
  const channel = deps.settings.securityChannel;
  return {
    kind: 'refused',
    m,
    text: m.unmapped(slackUserId, deps.settings.emailTagKey) + (channel ? m.askIn(`<#${channel}>`) : ''),
  };
}
