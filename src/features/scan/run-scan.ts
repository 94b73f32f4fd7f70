import type { IamPort } from '../../kernel/aws-ports.js';
import { mapLimit } from '../../kernel/concurrency.js';
import {
  evaluateReport,
  type Finding,
  type FindingThresholds,
  isQuarantined,
  quarantineFinding,
  type ReportRow,
  ssoKeyFinding,
} from '../../kernel/domain/findings.js';
import { type Claim, type DirectoryIndex, mapIamUserToSlack } from '../../kernel/domain/identity.js';
import { DAY_MS } from '../../kernel/domain/time.js';
import type { Clock, IamUser } from '../../kernel/domain/types.js';
import type { OutboxWriter } from '../../kernel/outbox/ports.js';
import type { IdentityGuard } from '../../kernel/people/identity-guard.js';
import type { SlackDirectoryPort } from '../../kernel/people/ports.js';
import type { Logger } from '../../logger.js';
import { type GetSsoFor, postureStage } from '../identity-center/index.js';
import { type PostureStore, postureCounts } from '../posture/index.js';
import { alertQuarantine } from './alert-quarantine.js';
import { decideNudge, type NudgeDecision, shouldEscalate } from './domain/nudge-policy.js';
import { loginPass } from './login-pass.js';
import type { Digest, LoginTrailPort, QuarantineEvidencePort, ScanStore } from './ports.js';
import { queueNudges } from './queue-nudge.js';
import {
  type ReportPort,
  type RootAccess,
  readReports,
  rootJudgement,
  type ScanAccounts,
  type UnreadableAccount,
} from './read-reports.js';

export type { ReportPort, RootAccess, ScanAccounts, UnreadableAccount } from './read-reports.js';

/** IAM tag that exempts a user from nudges; its value is the reason, shown in the digest. */
export const EXEMPT_TAG = 'aws-mfa-bot:exempt';
const SNOOZE_DAYS = 7;
export const SNOOZE_MS = SNOOZE_DAYS * DAY_MS;

export interface ScanDeps {
  readonly reports: ReportPort;
  readonly iam: IamPort;
  readonly directory: SlackDirectoryPort;
  readonly scans: ScanStore;
  readonly outbox: OutboxWriter;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly newId: () => string;
  /** Remembers the owners seen, so a change of person on an IAM user with keys reaches security without anyone acting. */
  readonly identities?: Pick<IdentityGuard, 'watch'>;
  /** Where each scan's counts are kept for the weekly picture. */
  readonly posture?: PostureStore;
  /** IAM Identity Center: where each mapped person stands, and who uses it yet keeps an active key. */
  readonly identityCenter?: {
    /** The person's status, shown as theirs only once the e-mail match is trusted. */
    readonly status: GetSsoFor;
    /** Every e-mail an Identity Center user has (one listing): people without one need no look-up at all. */
    readonly emails: () => Promise<ReadonlySet<string>>;
    readonly concurrency: number;
  };
  /** Several accounts: each one's report is read, `concurrency` at a time, and one that fails never stops the rest. */
  readonly accounts?: ScanAccounts;
  readonly rootAccess?: RootAccess;
  /** Where a quarantined user's keys were used lately, for the security channel's alert. */
  readonly evidence?: QuarantineEvidencePort;
  /** CloudTrail's `aws login` use: who no longer needs an access key for the CLI. */
  readonly loginTrail?: LoginTrailPort;
  readonly config: FindingThresholds & {
    readonly repeatDays: number;
    readonly emailTagKey: string;
    readonly securityChannel: string | undefined;
  };
}

export interface ScanItem {
  readonly finding: Finding;
  readonly slackUserId: string | undefined;
  /** What happened (or, in a dry run, would happen) with this finding. */
  readonly outcome: NudgeDecision | 'unmapped' | 'exempt' | 'security_channel';
}

export interface ScanResult {
  readonly scannedAt: string;
  readonly items: readonly ScanItem[];
  readonly digest: Digest;
  /** Findings sent (each counted; they go out as one message per person). */
  readonly nudgesQueued: number;
  /** Messages queued: one per person with findings due. */
  readonly messagesQueued: number;
  /** Accounts whose report could not be read (role not assumable, SCP, throttled), with why. */
  readonly unreadable: readonly UnreadableAccount[];
}

function tagValue(user: IamUser | undefined, key: string): string | undefined {
  const wanted = key.toLowerCase();
  return Object.entries(user?.tags ?? {}).find(([k]) => k.toLowerCase() === wanted)?.[1];
}

/**
 * One scan: what the cron job, `aws-mfa-bot scan` and `npm run scan` all run. Detection reads the credential report
 * and the account summary; owners come from the IAM users' tags (one bulk listing) and one Slack directory load.
 * Each finding reaches its owner once (again only after NUDGE_REPEAT_DAYS, or when it got worse), in their working
 * hours; the security channel gets a digest. With `dryRun` nothing is sent or recorded.
 */
export async function runScan(deps: ScanDeps, options: { dryRun: boolean }): Promise<ScanResult> {
  const now = deps.clock.now();
  const at = now.getTime();
  const { rows, unreadable } = await readReports(deps, now);
  const reported = evaluateReport(rows, now, deps.config, await rootJudgement(deps));

  // Owners are needed for nudges, Identity Center, and to watch who holds keys (a new e-mail claim on one is news).
  const withKeys = new Set(rows.filter((r) => !r.isRoot && r.keys.some((k) => k.active)).map((r) => r.arn));
  const ownersNeeded =
    reported.some((f) => f.audience === 'owner') || deps.identityCenter !== undefined || withKeys.size > 0;
  const [users, index]: [IamUser[], DirectoryIndex | undefined] = ownersNeeded
    ? await Promise.all([deps.iam.listUsers(), deps.directory.index()])
    : [[], undefined];
  const byArn = new Map(users.map((u) => [u.arn, u]));
  const login = await loginPass(deps, rows, now);
  const sso =
    deps.identityCenter && index
      ? await identityCenterPass(deps, rows, byArn, index, options.dryRun, login.arns)
      : undefined;
  // A user AWS quarantined (its key was found exposed): the highest severity, to the owner and security at once.
  const quarantined = rows
    .filter((r) => !r.isRoot && isQuarantined(byArn.get(r.arn)?.managedPolicies))
    .map(quarantineFinding);
  // On Identity Center and on `aws login` both: the Identity Center finding says it.
  const onSso = new Set(sso?.findings.map((f) => f.arn));
  const findings = [
    ...quarantined,
    ...reported,
    ...(sso?.findings ?? []),
    ...login.findings.filter((f) => !onSso.has(f.arn)),
  ];

  const items: ScanItem[] = [];
  const escalations: Digest['escalations'][number][] = [];
  const unmapped = new Set<string>();
  const exempt = new Map<string, string>();
  let nudgesQueued = 0;
  const owners = new Map<string, Claim>();
  const due = new Map<string, Finding[]>();

  for (const finding of findings) {
    if (finding.audience === 'security') {
      items.push({ finding, slackUserId: undefined, outcome: 'security_channel' });
      continue;
    }
    const user = byArn.get(finding.arn);
    const reason = tagValue(user, EXEMPT_TAG);
    if (reason !== undefined) {
      exempt.set(finding.user, reason || '—');
      items.push({ finding, slackUserId: undefined, outcome: 'exempt' });
      continue;
    }
    const mapping = user && index ? mapIamUserToSlack(user, index, deps.config.emailTagKey) : undefined;
    if (!mapping) {
      unmapped.add(finding.user);
      items.push({ finding, slackUserId: undefined, outcome: 'unmapped' });
      continue;
    }
    if (user) owners.set(user.arn, { user, mapping });
    const record = await deps.scans.nudge(finding.subject);
    if (shouldEscalate(record) && record)
      escalations.push({ slackUserId: mapping.slackUserId, finding, nudges: record.sentCount });
    const decision = decideNudge(finding, record, at, deps.config.repeatDays);
    items.push({ finding, slackUserId: mapping.slackUserId, outcome: decision });
    if (decision !== 'send' || options.dryRun) continue;
    if (finding.ruleId === 'key_quarantined')
      await alertQuarantine(
        { ...deps, securityChannel: deps.config.securityChannel },
        finding,
        mapping.slackUserId,
        at,
      );
    due.set(mapping.slackUserId, [...(due.get(mapping.slackUserId) ?? []), finding]);
    nudgesQueued++;
  }
  // One message per person per scan, listing all their due findings.
  for (const [slackUserId, theirs] of due) await queueNudges(deps, theirs, slackUserId, at);

  const counts: Record<string, number> = {};
  for (const item of items) {
    if (item.outcome !== 'exempt') counts[item.finding.ruleId] = (counts[item.finding.ruleId] ?? 0) + 1;
  }
  const digest: Digest = {
    scannedAt: now.toISOString(),
    counts,
    ...(deps.accounts ? { accounts: await perAccount(deps.accounts, items), unreadable } : {}),
    previous: await deps.scans.lastScanCounts(),
    root: findings.filter((f) => f.audience === 'security'),
    escalations,
    unmapped: [...unmapped].sort(),
    exempt: [...exempt]
      .map(([user, reason]) => ({ user, reason }))
      .sort((a, b) => a.user.localeCompare(b.user)),
    ...(sso ? { stages: sso.stages } : {}),
  };
  if (!options.dryRun) {
    if (deps.identities && index) {
      // Everyone mapped who holds a key, besides the owners of findings: who is who is remembered for all of them.
      for (const arn of withKeys) {
        const user = byArn.get(arn);
        const mapping =
          user && !owners.has(arn) ? mapIamUserToSlack(user, index, deps.config.emailTagKey) : undefined;
        if (user && mapping) owners.set(arn, { user, mapping });
      }
      await deps.identities.watch([...owners.values()], { withKeys });
    }
    await deps.scans.saveScan(deps.newId(), at, counts);
    if (deps.posture)
      await recordPosture(deps, deps.posture, { rows, items, byArn, index, now, sso, unreadable });
    if (deps.config.securityChannel)
      await deps.outbox.enqueue(
        { channel: deps.config.securityChannel, notice: { kind: 'digest', digest } },
        at,
      );
    deps.logger.info(
      {
        findings: findings.length,
        nudgesQueued,
        messagesQueued: due.size,
        unmapped: unmapped.size,
        exempt: exempt.size,
        unreadable: unreadable.length,
      },
      'scan finished',
    );
  }
  return { scannedAt: now.toISOString(), items, digest, nudgesQueued, messagesQueued: due.size, unreadable };
}

const accountOfArn = (arn: string) => arn.split(':')[4] ?? '';
/** Findings per account (exempt users aside), worst first: most findings, then most severe. */
async function perAccount(accounts: ScanAccounts, items: readonly ScanItem[]) {
  const by = new Map<string, Record<string, number>>();
  for (const item of items) {
    if (item.outcome === 'exempt') continue;
    const id = accountOfArn(item.finding.arn);
    const counts = by.get(id) ?? {};
    counts[item.finding.ruleId] = (counts[item.finding.ruleId] ?? 0) + 1;
    by.set(id, counts);
  }
  const out = await Promise.all(
    [...(await accounts.list())].map(async (accountId) => {
      const counts = by.get(accountId) ?? {};
      return {
        accountId,
        label: await accounts.label(accountId),
        counts,
        total: Object.values(counts).reduce((a, b) => a + b, 0),
      };
    }),
  );
  return out.sort((a, b) => b.total - a.total || a.accountId.localeCompare(b.accountId));
}

/**
 * IAM Identity Center, person by person (each mapped Slack user, all their IAM users together): where they stand
 * (IAM user with keys, with MFA and no keys, on Identity Center), and one finding per IAM user with an active key
 * when they already use Identity Center. Exempt users are left out, as from every rule.
 */
async function identityCenterPass(
  deps: ScanDeps,
  rows: readonly ReportRow[],
  byArn: ReadonlyMap<string, IamUser>,
  index: DirectoryIndex,
  dryRun: boolean,
  onLogin: ReadonlySet<string>,
): Promise<{ stages: Record<string, number>; findings: Finding[] }> {
  const ic = deps.identityCenter as NonNullable<ScanDeps['identityCenter']>;
  const people = new Map<string, ReportRow[]>();
  for (const row of rows) {
    const user = byArn.get(row.arn);
    if (row.isRoot || !user || tagValue(user, EXEMPT_TAG) !== undefined) continue;
    const mapping = mapIamUserToSlack(user, index, deps.config.emailTagKey);
    if (mapping) people.set(mapping.slackUserId, [...(people.get(mapping.slackUserId) ?? []), row]);
  }
  const stages: Record<string, number> = {};
  const findings: Finding[] = [];
  // One listing of the identity store; only people in it are looked up (their assignments, CloudTrail).
  const emails = await ic.emails();
  await mapLimit([...people], ic.concurrency, async ([slackUserId, theirs]) => {
    // A tag may name a Slack user who is gone: then there is no e-mail to look them up by.
    const email = (await deps.directory.person(slackUserId).catch(() => undefined))?.email;
    const status =
      email && emails.has(email.toLowerCase())
        ? await ic.status(slackUserId, email, { record: !dryRun })
        : undefined;
    const used =
      status?.state === 'ok' &&
      status.value.session.state === 'ok' &&
      status.value.session.value !== undefined;
    const stage = postureStage({
      usedIdentityCenter: used,
      usedLogin: theirs.some((r) => onLogin.has(r.arn)),
      activeKeys: theirs.reduce((n, r) => n + r.keys.filter((k) => k.active).length, 0),
      mfa: theirs.every((r) => r.mfaActive),
    });
    stages[stage] = (stages[stage] ?? 0) + 1;
    if (used) for (const row of theirs) findings.push(...[ssoKeyFinding(row)].filter((f) => f !== undefined));
  });
  return { stages, findings: findings.sort((a, b) => a.subject.localeCompare(b.subject)) };
}

/**
 * The scan's counts for the weekly picture: the whole organisation, and each account when there are several. People
 * are counted by their Slack user (all their IAM users together); nothing names anyone.
 */
async function recordPosture(
  deps: ScanDeps,
  store: PostureStore,
  input: {
    readonly rows: readonly ReportRow[];
    readonly items: readonly ScanItem[];
    readonly byArn: ReadonlyMap<string, IamUser>;
    readonly index: DirectoryIndex | undefined;
    readonly now: Date;
    readonly sso: { stages: Record<string, number> } | undefined;
    readonly unreadable: readonly UnreadableAccount[];
  },
): Promise<void> {
  const { rows, items, byArn, index, now, sso, unreadable } = input;
  const slackIdOf = (row: ReportRow) => {
    const user = byArn.get(row.arn);
    return user && index ? mapIamUserToSlack(user, index, deps.config.emailTagKey)?.slackUserId : undefined;
  };
  const countFor = (accountId: string | undefined) => {
    const theirs = rows.filter(
      (r) => !r.isRoot && (accountId === undefined || accountOfArn(r.arn) === accountId),
    );
    const findings: Record<string, number> = {};
    for (const item of items)
      if (
        item.outcome !== 'exempt' &&
        (accountId === undefined || accountOfArn(item.finding.arn) === accountId)
      )
        findings[item.finding.ruleId] = (findings[item.finding.ruleId] ?? 0) + 1;
    return postureCounts(theirs, {
      now,
      keyMaxAgeDays: deps.config.keyMaxAgeDays,
      keyUnusedDays: deps.config.keyUnusedDays,
      ...(index ? { peopleMapped: new Set(theirs.map(slackIdOf).filter(Boolean)).size } : {}),
      ...(sso && accountId === undefined ? { peopleOnIdentityCenter: sso.stages.identity_center ?? 0 } : {}),
      findings,
    });
  };
  const at = now.getTime();
  await store.record(deps.newId(), { at, accountId: '', counts: countFor(undefined) });
  // An account that could not be read has no counts this time (zeros would read as progress).
  const unread = new Set(unreadable.map((u) => u.accountId));
  if (deps.accounts)
    for (const accountId of await deps.accounts.list())
      if (!unread.has(accountId))
        await store.record(deps.newId(), { at, accountId, counts: countFor(accountId) });
}
