import { mapLimit } from '../../kernel/concurrency.js';
import { type Finding, loginKeyFinding, type ReportRow } from '../../kernel/domain/findings.js';
import { DAY_MS } from '../../kernel/domain/time.js';
import type { Logger } from '../../logger.js';
import { SESSION_TOKEN_LOOKBACK_DAYS } from '../checklist/index.js';
import type { LoginTrailPort } from './ports.js';

const accountOf = (arn: string) => arn.split(':')[4] ?? '';
/** Accounts whose CloudTrail is read at once (each has its own budget of LookupEvents). */
const LOGIN_CONCURRENCY = 5;
const nameOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/**
 * The IAM users who used `aws login` in the look-back (step 6's 30 days), and a `login_with_active_key` finding for
 * each of them still holding an active key. CloudTrail is read once per account that has a user with an active key
 * or a console password (the only ones `aws login` can concern); an account whose CloudTrail cannot be read is logged
 * once and left out, never guessed.
 */
export async function loginPass(
  deps: { readonly loginTrail?: LoginTrailPort; readonly logger: Logger },
  rows: readonly ReportRow[],
  now: Date,
): Promise<{ readonly arns: ReadonlySet<string>; readonly findings: readonly Finding[] }> {
  const trail = deps.loginTrail;
  if (!trail) return { arns: new Set(), findings: [] };
  const since = new Date(now.getTime() - SESSION_TOKEN_LOOKBACK_DAYS * DAY_MS);
  const concerned = rows.filter((r) => !r.isRoot && (r.passwordEnabled || r.keys.some((k) => k.active)));
  const accounts = [...new Set(concerned.map((r) => accountOf(r.arn)))].sort();
  const arns = new Set<string>();
  // Each account has its own CloudTrail budget: several are read at once.
  await mapLimit(accounts, LOGIN_CONCURRENCY, async (accountId) => {
    const names = await trail.usersSince(since, accountId).catch((error: unknown) => {
      deps.logger.warn({ err: error, accountId }, 'aws login use could not be read; left out of this scan');
      return undefined;
    });
    if (!names) return;
    for (const row of concerned)
      if (accountOf(row.arn) === accountId && names.has(nameOf(row.arn))) arns.add(row.arn);
  });
  const findings = concerned
    .filter((r) => arns.has(r.arn))
    .map(loginKeyFinding)
    .filter((f) => f !== undefined);
  return { arns, findings };
}
