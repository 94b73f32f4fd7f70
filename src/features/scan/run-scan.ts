import type { IamPort } from '../../kernel/aws-ports.js';
import { breather, mapLimit } from '../../kernel/concurrency.js';
import {
  evaluateReport,
  type Finding,
  type FindingThresholds,
  isQuarantined,
  quarantineFinding,
  type ReportRow,
  ssoKeyFinding,
} from '../../kernel/domain/findings.js';
import { type DirectoryIndex, type Mapping, mapIamUserToSlack } from '../../kernel/domain/identity.js';
import { DAY_MS } from '../../kernel/domain/time.js';
import type { Clock, IamUser } from '../../kernel/domain/types.js';
import type { OutboxWriter } from '../../kernel/outbox/ports.js';
import type { IdentityGuard, SeenClaim } from '../../kernel/people/identity-guard.js';
import type { SlackDirectoryPort } from '../../kernel/people/ports.js';
import type { Logger } from '../../logger.js';
import { type GetSsoFor, postureStage } from '../identity-center/index.js';
import { type PostureStore, postureCounts, sumPostureCounts } from '../posture/index.js';
import { alertQuarantine } from './alert-quarantine.js';
import { decideNudge, type NudgeDecision, shouldEscalate } from './domain/nudge-policy.js';
import { loginPass } from './login-pass.js';
import type { Digest, LoginTrailPort, QuarantineEvidencePort, ScanStore } from './ports.js';
import { queueNudges } from './queue-nudge.js';
import {
  eachAccountReport,
  type ReportPort,
  type RootAccess,
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

/** A finding with the IAM user it is about, where the listing had it. */
interface Owned {
  readonly finding: Finding;
  readonly user: IamUser | undefined;
}

/** What the scan has decided so far: kept for the whole scan, while report rows and IAM users are released. */
interface Tally {
  readonly items: ScanItem[];
  readonly escalations: Digest['escalations'][number][];
  readonly unmapped: Set<string>;
  readonly exempt: Map<string, string>;
  /** Who is who, remembered for everyone mapped with a key or a finding (only what the watch needs of the user). */
  readonly owners: Map<string, SeenClaim>;
  /** Findings due now, by person: one message each, across accounts. */
  readonly due: Map<string, Finding[]>;
  nudgesQueued: number;
}

const newTally = (): Tally => ({
  items: [],
  escalations: [],
  unmapped: new Set(),
  exempt: new Map(),
  owners: new Map(),
  due: new Map(),
  nudgesQueued: 0,
});

function mergeInto(into: Tally, from: Tally): void {
  into.items.push(...from.items);
  into.escalations.push(...from.escalations);
  for (const user of from.unmapped) into.unmapped.add(user);
  for (const [user, reason] of from.exempt) into.exempt.set(user, reason);
  for (const [arn, claim] of from.owners) if (!into.owners.has(arn)) into.owners.set(arn, claim);
  for (const [person, theirs] of from.due) into.due.set(person, [...(into.due.get(person) ?? []), ...theirs]);
  into.nudgesQueued += from.nudgesQueued;
}

const seen = (user: IamUser, mapping: Mapping): SeenClaim => ({
  user: { arn: user.arn, userName: user.userName, accountId: user.accountId },
  mapping,
});

/** A person's IAM users as Identity Center sees them, across accounts. */
interface PersonKeys {
  activeKeys: number;
  mfa: boolean;
  usedLogin: boolean;
  /** What they would be told if they use Identity Center: each IAM user with an active key. */
  readonly keyFindings: Owned[];
}

/** What one account leaves once evaluated: its report rows and IAM users are not kept. */
interface AccountScan {
  readonly accountId: string | undefined;
  readonly tally: Tally;
  readonly withKeys: readonly string[];
  /** The account's counts, findings aside (they are counted once Identity Center and `aws login` had their say). */
  readonly posture: ReturnType<typeof postureCounts>;
  /** The people its IAM users map to; undefined when the account had no reason to look owners up. */
  peopleMapped: ReadonlySet<string> | undefined;
  /** The IAM users of its report, where it did not look owners up: counted later if another account did. */
  readonly reportArns?: readonly string[];
  readonly people: ReadonlyMap<string, PersonKeys>;
  /** `aws login` findings: decided after Identity Center's, which say the same of its users. */
  readonly login: readonly Owned[];
}

interface ScanContext {
  readonly now: Date;
  readonly dryRun: boolean;
  readonly judgement: Awaited<ReturnType<typeof rootJudgement>>;
  /** The Slack directory, loaded once by the first account that needs owners. */
  readonly index: () => Promise<DirectoryIndex>;
}

/**
 * One scan: what the cron job, `aws-mfa-bot scan` and `npm run scan` all run. Detection reads the credential report
 * and the account summary; owners come from the IAM users' tags (one bulk listing) and one Slack directory load.
 * Each account is evaluated as soon as its report is read and its rows and users are released, so memory holds what
 * was decided, not every account's report. Each finding reaches its owner once (again only after NUDGE_REPEAT_DAYS,
 * or when it got worse), in their working hours, in one message per person across accounts; the security channel
 * gets a digest. With `dryRun` nothing is sent or recorded.
 */
export async function runScan(deps: ScanDeps, options: { dryRun: boolean }): Promise<ScanResult> {
  const now = deps.clock.now();
  const at = now.getTime();
  let directory: Promise<DirectoryIndex> | undefined;
  const ctx: ScanContext = {
    now,
    dryRun: options.dryRun,
    judgement: await rootJudgement(deps),
    index: () => {
      directory ??= deps.directory.index();
      return directory;
    },
  };
  const { values: accounts, unreadable } = await eachAccountReport(deps, now, (rows, accountId) =>
    scanAccount(deps, ctx, rows, accountId),
  );
  const index = directory ? await directory : undefined;
  // Only the weekly picture uses these counts: a dry run, or a scan without it, lists no one more.
  if (index && deps.posture && !options.dryRun) await countLatePeople(deps, accounts, index);

  const tally = newTally();
  for (const account of accounts) mergeInto(tally, account.tally);
  // Identity Center, person by person across accounts; then `aws login`, where Identity Center did not say it.
  const sso =
    deps.identityCenter && index ? await identityCenterPass(deps, accounts, options.dryRun) : undefined;
  const onSso = new Set(sso?.findings.map((o) => o.finding.arn));
  const late = [
    ...(sso?.findings ?? []),
    ...accounts.flatMap((a) => a.login).filter((o) => !onSso.has(o.finding.arn)),
  ];
  const breathe = breather();
  for (const owned of late) {
    await classify(deps, tally, owned, index, at, options.dryRun);
    await breathe();
  }
  // One message per person per scan, listing all their due findings.
  for (const [slackUserId, theirs] of tally.due) {
    await queueNudges(deps, theirs, slackUserId, at);
    await breathe();
  }

  const { items, escalations, unmapped, exempt, nudgesQueued } = tally;
  const counts = findingCounts(items);
  const digest: Digest = {
    scannedAt: now.toISOString(),
    counts,
    ...(deps.accounts ? { accounts: await perAccount(deps.accounts, items), unreadable } : {}),
    previous: await deps.scans.lastScanCounts(),
    root: items.filter((i) => i.outcome === 'security_channel').map((i) => i.finding),
    escalations,
    unmapped: [...unmapped].sort(),
    exempt: [...exempt]
      .map(([user, reason]) => ({ user, reason }))
      .sort((a, b) => a.user.localeCompare(b.user)),
    ...(sso ? { stages: sso.stages } : {}),
  };
  if (!options.dryRun) {
    if (deps.identities && index)
      await deps.identities.watch([...tally.owners.values()], {
        withKeys: new Set(accounts.flatMap((a) => a.withKeys)),
      });
    await deps.scans.saveScan(deps.newId(), at, counts);
    if (deps.posture) await recordPosture(deps, deps.posture, { accounts, items, now, sso, unreadable });
    if (deps.config.securityChannel)
      await deps.outbox.enqueue(
        { channel: deps.config.securityChannel, notice: { kind: 'digest', digest } },
        at,
      );
    deps.logger.info(
      {
        findings: items.length,
        nudgesQueued,
        messagesQueued: tally.due.size,
        unmapped: unmapped.size,
        exempt: exempt.size,
        unreadable: unreadable.length,
      },
      'scan finished',
    );
  }
  return {
    scannedAt: now.toISOString(),
    items,
    digest,
    nudgesQueued,
    messagesQueued: tally.due.size,
    unreadable,
  };
}

/**
 * One account, as soon as its report is read: its findings decided (quarantine, the report's rules, `aws login`),
 * its owners looked up (one listing of its IAM users), its counts taken. Only the decisions and counts are returned.
 */
async function scanAccount(
  deps: ScanDeps,
  ctx: ScanContext,
  rows: readonly ReportRow[],
  accountId: string | undefined,
): Promise<AccountScan> {
  const at = ctx.now.getTime();
  const reported = evaluateReport(rows, ctx.now, deps.config, ctx.judgement);
  // Owners are needed for nudges, Identity Center, and to watch who holds keys (a new e-mail claim on one is news).
  const withKeys = rows.filter((r) => !r.isRoot && r.keys.some((k) => k.active)).map((r) => r.arn);
  const ownersNeeded =
    reported.some((f) => f.audience === 'owner') || deps.identityCenter !== undefined || withKeys.length > 0;
  const [users, index] = ownersNeeded
    ? await Promise.all([usersOf(deps, accountId), ctx.index()])
    : [[], undefined];
  const byArn = new Map(users.map((u) => [u.arn, u]));
  const login = await loginPass(deps, rows, ctx.now);
  // A user AWS quarantined (its key was found exposed): the highest severity, to the owner and security at once.
  const quarantined = rows
    .filter((r) => !r.isRoot && isQuarantined(byArn.get(r.arn)?.managedPolicies))
    .map(quarantineFinding);

  const tally = newTally();
  const breathe = breather();
  for (const finding of [...quarantined, ...reported]) {
    await classify(deps, tally, { finding, user: byArn.get(finding.arn) }, index, at, ctx.dryRun);
    await breathe();
  }
  const people = new Map<string, PersonKeys>();
  const peopleMapped = index ? new Set<string>() : undefined;
  for (const row of rows) {
    const user = row.isRoot ? undefined : byArn.get(row.arn);
    const mapping = user && index ? mapIamUserToSlack(user, index, deps.config.emailTagKey) : undefined;
    if (!user || !mapping) continue;
    peopleMapped?.add(mapping.slackUserId);
    // Everyone mapped who holds a key, besides the owners of findings: who is who is remembered for all of them.
    const watched = deps.identities && !ctx.dryRun && row.keys.some((k) => k.active);
    if (watched && !tally.owners.has(row.arn)) tally.owners.set(row.arn, seen(user, mapping));
    // Exempt users are left out of Identity Center's picture, as from every rule.
    if (!deps.identityCenter || tagValue(user, EXEMPT_TAG) !== undefined) continue;
    const person = people.get(mapping.slackUserId) ?? {
      activeKeys: 0,
      mfa: true,
      usedLogin: false,
      keyFindings: [],
    };
    person.activeKeys += row.keys.filter((k) => k.active).length;
    person.mfa &&= row.mfaActive;
    person.usedLogin ||= login.arns.has(row.arn);
    const keyFinding = ssoKeyFinding(row);
    if (keyFinding) person.keyFindings.push({ finding: keyFinding, user });
    people.set(mapping.slackUserId, person);
  }
  return {
    accountId,
    tally,
    withKeys,
    posture: postureCounts(rows, {
      now: ctx.now,
      keyMaxAgeDays: deps.config.keyMaxAgeDays,
      keyUnusedDays: deps.config.keyUnusedDays,
      findings: {},
    }),
    peopleMapped,
    ...(index ? {} : { reportArns: rows.filter((r) => !r.isRoot).map((r) => r.arn) }),
    people,
    login: login.findings.map((finding) => ({ finding, user: byArn.get(finding.arn) })),
  };
}

/** One account's IAM users; with several accounts, one that cannot be listed is logged and its owners are unknown. */
async function usersOf(deps: ScanDeps, accountId: string | undefined): Promise<IamUser[]> {
  if (accountId === undefined) return deps.iam.listUsers();
  return deps.iam.listUsers(accountId).catch((error: unknown) => {
    deps.logger.warn({ err: error, accountId }, 'could not read the IAM users of an account');
    return [];
  });
}

/**
 * An account that had no reason to look its owners up (no keys, nothing to tell anyone) still counts its people in
 * the weekly picture once another account loaded the directory, as when every account's users were listed together.
 */
async function countLatePeople(deps: ScanDeps, accounts: readonly AccountScan[], index: DirectoryIndex) {
  for (const account of accounts) {
    if (!account.reportArns?.length) continue;
    const reported = new Set(account.reportArns);
    const people = new Set<string>();
    for (const user of await usersOf(deps, account.accountId)) {
      const mapping = reported.has(user.arn)
        ? mapIamUserToSlack(user, index, deps.config.emailTagKey)
        : undefined;
      if (mapping) people.add(mapping.slackUserId);
    }
    account.peopleMapped = people;
  }
}

/** A finding's fate: to the security channel, exempt, unmapped, or its owner's decision (and queued when due). */
async function classify(
  deps: ScanDeps,
  tally: Tally,
  { finding, user }: Owned,
  index: DirectoryIndex | undefined,
  at: number,
  dryRun: boolean,
): Promise<void> {
  if (finding.audience === 'security') {
    tally.items.push({ finding, slackUserId: undefined, outcome: 'security_channel' });
    return;
  }
  const reason = tagValue(user, EXEMPT_TAG);
  if (reason !== undefined) {
    tally.exempt.set(finding.user, reason || '—');
    tally.items.push({ finding, slackUserId: undefined, outcome: 'exempt' });
    return;
  }
  const mapping = user && index ? mapIamUserToSlack(user, index, deps.config.emailTagKey) : undefined;
  if (!user || !mapping) {
    tally.unmapped.add(finding.user);
    tally.items.push({ finding, slackUserId: undefined, outcome: 'unmapped' });
    return;
  }
  tally.owners.set(user.arn, seen(user, mapping));
  const record = await deps.scans.nudge(finding.subject);
  if (shouldEscalate(record) && record)
    tally.escalations.push({ slackUserId: mapping.slackUserId, finding, nudges: record.sentCount });
  const decision = decideNudge(finding, record, at, deps.config.repeatDays);
  tally.items.push({ finding, slackUserId: mapping.slackUserId, outcome: decision });
  if (decision !== 'send' || dryRun) return;
  if (finding.ruleId === 'key_quarantined')
    await alertQuarantine(
      { ...deps, securityChannel: deps.config.securityChannel },
      finding,
      mapping.slackUserId,
      at,
    );
  tally.due.set(mapping.slackUserId, [...(tally.due.get(mapping.slackUserId) ?? []), finding]);
  tally.nudgesQueued++;
}

/** Findings by rule, exempt users aside. */
function findingCounts(items: readonly ScanItem[], accountId?: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items)
    if (
      item.outcome !== 'exempt' &&
      (accountId === undefined || accountOfArn(item.finding.arn) === accountId)
    )
      counts[item.finding.ruleId] = (counts[item.finding.ruleId] ?? 0) + 1;
  return counts;
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
 * IAM Identity Center, person by person (each mapped Slack user, all their IAM users together, in every account):
 * where they stand (IAM user with keys, with MFA and no keys, on Identity Center), and one finding per IAM user with an
 * active key when they already use Identity Center. Exempt users were left out, as from every rule.
 */
async function identityCenterPass(
  deps: ScanDeps,
  accounts: readonly AccountScan[],
  dryRun: boolean,
): Promise<{ stages: Record<string, number>; findings: Owned[] }> {
  const ic = deps.identityCenter as NonNullable<ScanDeps['identityCenter']>;
  const people = new Map<string, PersonKeys>();
  for (const account of accounts)
    for (const [slackUserId, theirs] of account.people) {
      const person = people.get(slackUserId);
      if (!person) people.set(slackUserId, { ...theirs, keyFindings: [...theirs.keyFindings] });
      else {
        person.activeKeys += theirs.activeKeys;
        person.mfa &&= theirs.mfa;
        person.usedLogin ||= theirs.usedLogin;
        person.keyFindings.push(...theirs.keyFindings);
      }
    }
  const stages: Record<string, number> = {};
  const findings: Owned[] = [];
  // One listing of the identity store; only people in it are looked up (their assignments, CloudTrail).
  const emails = await ic.emails();
  await mapLimit([...people], ic.concurrency, async ([slackUserId, person]) => {
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
      usedLogin: person.usedLogin,
      activeKeys: person.activeKeys,
      mfa: person.mfa,
    });
    stages[stage] = (stages[stage] ?? 0) + 1;
    if (used) findings.push(...person.keyFindings);
  });
  return {
    stages,
    findings: findings.sort((a, b) => a.finding.subject.localeCompare(b.finding.subject)),
  };
}

/**
 * The scan's counts for the weekly picture: the whole organisation, and each account when there are several. People
 * are counted by their Slack user (all their IAM users together); nothing names anyone.
 */
async function recordPosture(
  deps: ScanDeps,
  store: PostureStore,
  input: {
    readonly accounts: readonly AccountScan[];
    readonly items: readonly ScanItem[];
    readonly now: Date;
    readonly sso: { stages: Record<string, number> } | undefined;
    readonly unreadable: readonly UnreadableAccount[];
  },
): Promise<void> {
  const { accounts, items, now, sso } = input;
  const looked = accounts.some((a) => a.peopleMapped !== undefined);
  const everyone = new Set(accounts.flatMap((a) => [...(a.peopleMapped ?? [])]));
  const at = now.getTime();
  await store.record(deps.newId(), {
    at,
    accountId: '',
    counts: {
      ...(looked ? { peopleMapped: everyone.size } : {}),
      ...sumPostureCounts(accounts.map((a) => a.posture)),
      ...(sso ? { peopleOnIdentityCenter: sso.stages.identity_center ?? 0 } : {}),
      findings: findingCounts(items),
    },
  });
  // An account that could not be read has no counts this time (zeros would read as progress): it is not among these.
  if (deps.accounts)
    for (const account of accounts) {
      const accountId = account.accountId ?? '';
      await store.record(deps.newId(), {
        at,
        accountId,
        counts: {
          ...(looked ? { peopleMapped: account.peopleMapped?.size ?? 0 } : {}),
          ...account.posture,
          findings: findingCounts(items, accountId),
        },
      });
    }
}
