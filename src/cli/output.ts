import { type CheckResult, formatCheck } from '../doctor/check.js';
import type { ScanResult } from '../features/scan/run-scan.js';
import type { IdentityEntry } from '../kernel/people/identities.js';
import type { PlannedStep } from '../kernel/plan.js';

/** What the commands print: text for people, one JSON document (or one per line) for machines. */

const NO_DATABASE = 'no database yet: nothing recorded, so every finding counts as new';

export function printScan(
  result: ScanResult & { noDatabase?: boolean },
  json: boolean,
  dryRun: boolean,
): void {
  if (json) {
    const items = result.items.map((i) => ({
      rule: i.finding.ruleId,
      severity: i.finding.severity,
      user: i.finding.user,
      arn: i.finding.arn,
      ...(i.finding.key ? { keySlot: i.finding.key.slot, keyCreated: i.finding.key.lastRotated } : {}),
      ...(i.finding.days !== undefined ? { days: i.finding.days } : {}),
      slackUserId: i.slackUserId ?? null,
      outcome: i.outcome,
    }));
    process.stdout.write(
      `${JSON.stringify({ scannedAt: result.scannedAt, dryRun, noDatabase: result.noDatabase ?? false, findings: items, digest: result.digest, nudgesQueued: result.nudgesQueued, unreadableAccounts: result.unreadable })}\n`,
    );
    return;
  }
  const lines = result.items.map(
    (i) =>
      `${i.finding.severity.padEnd(8)} ${i.finding.ruleId.padEnd(20)} ${i.finding.user.padEnd(32)} ${(i.slackUserId ?? '-').padEnd(12)} ${i.outcome}`,
  );
  process.stdout.write(
    `${lines.join('\n')}${lines.length ? '\n' : ''}${result.items.length} findings; ${dryRun ? 'dry run: nothing sent' : `${result.nudgesQueued} nudges queued`}${result.noDatabase ? ` (${NO_DATABASE})` : ''}\n`,
  );
}

export function printPlan(steps: readonly PlannedStep[], json: boolean, noDatabase: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ dryRun: true, noDatabase, steps })}\n`);
    return;
  }
  const lines = steps.map(
    (s) => `${s.job.padEnd(12)} ${s.action.padEnd(40)} ${s.subject}${s.detail ? ` — ${s.detail}` : ''}`,
  );
  process.stdout.write(
    `${lines.join('\n')}${lines.length ? '\n' : ''}${steps.filter((s) => !s.warning).length} steps due; dry run: nothing changed${noDatabase ? ' (no database yet: nothing is recorded, so nothing but CloudTrail can be due)' : ''}\n`,
  );
}

export function printChecks(results: readonly CheckResult[], json: boolean): void {
  if (json) {
    process.stdout.write(results.map((r) => `${JSON.stringify(r)}\n`).join(''));
    return;
  }
  const count = (status: CheckResult['status']) => results.filter((r) => r.status === status).length;
  process.stdout.write(
    `${results.map(formatCheck).join('\n')}\n\n${count('pass')} passed, ${count('warn')} warnings, ${count('fail')} failed\n`,
  );
}

export function printIdentities(entries: readonly IdentityEntry[], json: boolean, noDatabase: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ noDatabase, identities: entries })}\n`);
    return;
  }
  const when = (ms: number | undefined) =>
    ms === undefined ? '' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const lines = entries.map((e) => {
    const note =
      e.state === 'waiting'
        ? `until ${when(e.trustedFrom)}`
        : e.state === 'new'
          ? 'waits from its first use'
          : e.state === 'contested'
            ? `with ${(e.claimants ?? []).filter((c) => c !== e.iamUserArn).join(', ')}`
            : e.trustedAt !== undefined
              ? `trusted ${when(e.trustedAt)} by ${e.trustedBy ?? '?'}`
              : e.since !== undefined
                ? `since ${when(e.since)}`
                : '';
    return `${e.state.padEnd(10)} ${(e.rule ?? '-').padEnd(10)} ${(e.slackUserId ?? '-').padEnd(12)} ${e.iamUserArn}${note ? `  ${note}` : ''}`;
  });
  const count = (state: IdentityEntry['state']) => entries.filter((e) => e.state === state).length;
  process.stdout.write(
    `${lines.join('\n')}${lines.length ? '\n' : ''}${entries.length} mappings: ${count('trusted')} trusted, ${count('waiting')} waiting, ${count('new')} new, ${count('contested')} contested, ${count('unmapped')} unmapped${noDatabase ? ' (no database yet: every e-mail mapping starts waiting at its first use)' : ''}\n`,
  );
}
