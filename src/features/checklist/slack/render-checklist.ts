import type { KnownBlock } from '@slack/types';
import type { SlackDeps } from '../../../adapters/slack/deps.js';
import { type Messages, messagesFor } from '../../../i18n/messages.js';
import type { LoadReason } from '../../../kernel/cached.js';
import type { Checked } from '../../../kernel/domain/types.js';
import type { OwnedUser } from '../../../kernel/people/find-iam-user.js';
import { ACTION } from '../../../kernel/slack/action-ids.js';
import { type Caller, distrustText, resolveCaller } from '../../../kernel/slack/caller.js';
import { clamp, code, divider, section } from '../../../kernel/slack/mrkdwn.js';
import type { SsoStatus } from '../../identity-center/index.js';
import { ssoBlocks } from '../../identity-center/slack/index.js';
import type { Checklist } from '../domain/checklist.js';
import { checklistBlocks } from './blocks.js';

/** Blocks a checklist section may use in a modal or the Home tab (Slack allows 100; a few are kept for the summary). */
const SECTION_BUDGET = 94;
/** Step 7 (IAM Identity Center) at most, and its divider. */
const SSO_BLOCKS = 8;

/** What a person's checklist is drawn from: read from AWS once, drawn as often as asked (another account first). */
interface ChecklistFacts {
  readonly caller: Caller;
  readonly checked: readonly { owned: OwnedUser; checklist: Checklist; label: string }[];
  readonly sso: Checked<SsoStatus> | undefined;
  readonly checkedAt: Date;
}

async function loadChecklistFacts(
  deps: SlackDeps,
  slackUserId: string,
  why: LoadReason = { refresh: false },
): Promise<ChecklistFacts> {
  const caller = await resolveCaller(deps, slackUserId);
  const checkedAt = deps.clock.now();
  if (caller.kind === 'refused') return { caller, checked: [], sso: undefined, checkedAt };
  const [checked, sso] = await Promise.all([
    Promise.all(
      caller.users.map(async (owned) => ({
        owned,
        checklist: await deps.getChecklist(owned.user, why.refresh ? { refresh: true } : {}),
        label: await deps.accountLabel(owned.user.accountId),
      })),
    ),
    // Re-check reads Identity Center again too: a role just used must show as used, with its retire button.
    deps.identityCenter?.status(slackUserId, caller.email, why.refresh ? { refresh: true } : {}),
  ]);
  return { caller, checked, sso, checkedAt };
}

/**
 * The checklist as blocks, or a single block saying why it can't be shown. A person with IAM users in several accounts
 * gets one section per account, the one with most to do first; sections that do not fit Slack's 100 blocks are
 * summarised in one line each, with a picker that shows that account's section first (`first`).
 */
function drawChecklist(deps: SlackDeps, facts: ChecklistFacts, first?: string): Rendered {
  const { caller } = facts;
  if (caller.kind === 'refused') return { m: caller.m, blocks: [section(caller.text)] };
  const { m } = caller;
  // Most to do first; the account asked for (the picker) before all.
  const checked = [...facts.checked].sort(
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
      checkedAt: facts.checkedAt,
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
  if (deps.identityCenter && facts.sso) {
    // Step 7 is the person's, not an account's: once, after the accounts, with their active keys from every account.
    const activeKeys = checked.flatMap(({ checklist }) =>
      checklist.steps.flatMap((s) =>
        s.id === 'keys' ? s.keys.filter((k) => k.active).map((k) => k.accessKeyId) : [],
      ),
    );
    blocks.push(
      divider,
      ...ssoBlocks(m, {
        status: facts.sso,
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

type Rendered = { m: Messages; blocks: KnownBlock[] };
/** Recent checklist facts per person, one cache per running bot (its deps), under the per-person reuse and limit. */
const recent = new WeakMap<
  SlackDeps,
  { get(id: string, o?: { refresh?: boolean }): Promise<ChecklistFacts> }
>();

function recentFacts(deps: SlackDeps) {
  let cache = recent.get(deps);
  if (!cache) {
    cache = deps.reads.cache((slackUserId, why) => loadChecklistFacts(deps, slackUserId, why));
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
    // An account picked in the summary is drawn from the same facts, that account first: picking reads nothing.
    const facts = await recentFacts(deps).get(slackUserId, { refresh: options.recheck ?? false });
    return drawChecklist(deps, facts, options.first);
  } catch (error) {
    deps.logger.error({ err: error, slackUserId }, 'checklist could not be rendered');
    const m = messagesFor(deps.directory.peek(slackUserId)?.locale);
    return { m, blocks: [section(m.internalError)] };
  }
}
