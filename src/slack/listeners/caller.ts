import type { KnownBlock } from '@slack/types';
import type { MappingTrust } from '../../domain/identity.js';
import type { IamUser } from '../../domain/types.js';
import { type Messages, messagesFor } from '../../i18n/messages.js';
import { cachedBy } from '../../services/cached.js';
import { createConcurrencyLimit } from '../../services/concurrency.js';
import type { OwnedUser } from '../../services/find-iam-user.js';
import { ACTION } from '../action-ids.js';
import { checklistBlocks } from '../blocks/checklist.js';
import { clamp, code, divider, isoMinute, section } from '../blocks/mrkdwn.js';
import { ssoBlocks } from '../blocks/sso.js';
import type { SlackDeps } from '../deps.js';

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

/** The Slack user's IAM user and language, or the sentence that tells them why there is none. */
export async function resolveCaller(deps: SlackDeps, slackUserId: string): Promise<Caller> {
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

/** Why key actions are refused for this mapping, in the person's words; undefined when they are not. */
export function distrustText(m: Messages, trust: MappingTrust): string | undefined {
  if (trust.kind === 'contested') return m.identity.contested(trust.claimants.map((n) => code(n)).join(', '));
  if (trust.kind === 'recent') return m.identity.recent(isoMinute(trust.trustedFrom));
  return undefined;
}

/** Blocks a checklist section may use in a modal or the Home tab (Slack allows 100; a few are kept for the summary). */
const SECTION_BUDGET = 94;
/** Step 7 (IAM Identity Center) at most, and its divider. */
const SSO_BLOCKS = 8;

/**
 * The caller's checklist as blocks, or a single block saying why it can't be shown. A person with IAM users in
 * several accounts gets one section per account, the one with most to do first; sections that do not fit Slack's
 * 100 blocks are summarised in one line each, with a picker that shows that account's section first.
 */
export async function renderChecklist(
  deps: SlackDeps,
  slackUserId: string,
  first?: string,
): Promise<{ m: Messages; blocks: KnownBlock[] }> {
  const caller = await resolveCaller(deps, slackUserId);
  if (caller.kind === 'refused') return { m: caller.m, blocks: [section(caller.text)] };
  const { m } = caller;
  const checked = await Promise.all(
    caller.users.map(async (owned) => ({
      owned,
      checklist: await deps.getChecklist(owned.user),
      label: await deps.accountLabel(owned.user.accountId),
    })),
  );
  // Most to do first; the account asked for (the picker) before all.
  checked.sort(
    (a, b) =>
      Number(b.owned.user.accountId === first) - Number(a.owned.user.accountId === first) ||
      a.checklist.doneCount - b.checklist.doneCount ||
      a.owned.user.accountId.localeCompare(b.owned.user.accountId),
  );
  const blocks: KnownBlock[] = [];
  const summarised: typeof checked = [];
  for (const { owned, checklist, label } of checked) {
    const sectionBlocks = checklistBlocks(m, checklist, {
      keyMaxAgeDays: deps.settings.keyMaxAgeDays,
      keyUnusedDays: deps.settings.keyUnusedDays,
      checkedAt: deps.clock.now(),
      otherUsers: caller.others,
      warning: distrustText(m, owned.trust),
      accountLabel: label,
    });
    const budget = SECTION_BUDGET - (deps.identityCenter ? SSO_BLOCKS : 0);
    if (blocks.length > 0 && blocks.length + sectionBlocks.length > budget) {
      summarised.push({ owned, checklist, label });
      continue;
    }
    if (blocks.length > 0) blocks.push(divider);
    blocks.push(...sectionBlocks);
  }
  if (summarised.length) blocks.push(...accountSummary(m, summarised));
  if (deps.identityCenter) {
    // Step 7 is the person's, not an account's: once, after the accounts, with their active keys from every account.
    const activeKeys = checked.flatMap(({ checklist }) =>
      checklist.steps.flatMap((s) =>
        s.id === 'keys' ? s.keys.filter((k) => k.active).map((k) => k.accessKeyId) : [],
      ),
    );
    const status = await deps.identityCenter.status(slackUserId, caller.email);
    blocks.push(
      divider,
      ...ssoBlocks(m, {
        status,
        email: caller.email,
        settings: deps.identityCenter.settings,
        region: deps.identityCenter.region,
        activeKeys,
        asStep: true,
      }),
    );
  }
  return { m, blocks };
}

/** One line per account not shown in full, and a picker to show one of them first. */
function accountSummary(
  m: Messages,
  rest: readonly {
    owned: OwnedUser;
    checklist: { doneCount: number; steps: readonly unknown[] };
    label: string;
  }[],
): KnownBlock[] {
  const lines = rest.map(
    (r) =>
      `• ${code(r.label)} — ${m.summary(r.checklist.doneCount, r.checklist.steps.length, code(r.owned.user.userName), code(r.label))}`,
  );
  return [
    divider,
    section(`*${m.moreAccounts(rest.length)}*\n${lines.slice(0, 40).join('\n')}`),
    {
      type: 'actions',
      elements: [
        {
          type: 'static_select',
          action_id: ACTION.checklistAccount,
          placeholder: { type: 'plain_text', text: clamp(m.pickAccount, 150) },
          options: rest.slice(0, 100).map((r) => ({
            text: { type: 'plain_text' as const, text: clamp(r.label, 75) },
            value: r.owned.user.accountId,
          })),
        },
      ],
    },
  ];
}

/** A person asking again within this long gets the answer they just had: one person cannot crowd out the rest. */
export const CHECKLIST_REUSE_MS = 60_000;
/** Re-check reads AWS again, but not more often than this for one person. */
export const RECHECK_MIN_MS = 10_000;

type Rendered = { m: Messages; blocks: KnownBlock[] };
/** Recent checklists per person, one cache per running bot (its deps). Concurrent asks share one read. */
const recent = new WeakMap<SlackDeps, ReturnType<typeof cachedBy<Rendered>>>();

/** Checklists read from AWS at once; a burst of people waits its turn rather than starving Slack's acks. */
export const CHECKLIST_CONCURRENCY = 4;

function recentChecklists(deps: SlackDeps) {
  let cache = recent.get(deps);
  if (!cache) {
    const limit = createConcurrencyLimit(CHECKLIST_CONCURRENCY);
    cache = cachedBy((slackUserId) => limit(() => renderChecklist(deps, slackUserId)), {
      ttlMs: CHECKLIST_REUSE_MS,
      minRefreshMs: RECHECK_MIN_MS,
      clock: deps.clock,
    });
    recent.set(deps, cache);
  }
  return cache;
}

/**
 * The checklist for a surface, never throwing: an unexpected error is logged once and becomes a polite block. A repeat
 * within a minute gets the last result; `recheck` reads again unless the last read is under ten seconds old.
 */
export async function renderChecklistSafely(
  deps: SlackDeps,
  slackUserId: string,
  options: { recheck?: boolean; first?: string } = {},
): Promise<Rendered> {
  try {
    // An account picked in the summary: drawn with that account first (read through the same limits).
    if (options.first) return await renderChecklist(deps, slackUserId, options.first);
    return await recentChecklists(deps).get(slackUserId, { refresh: options.recheck ?? false });
  } catch (error) {
    deps.logger.error({ err: error, slackUserId }, 'checklist could not be rendered');
    const m = messagesFor(deps.directory.peek(slackUserId)?.locale);
    return { m, blocks: [section(m.internalError)] };
  }
}
