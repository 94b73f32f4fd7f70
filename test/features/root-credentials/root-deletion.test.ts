import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/store/db.js';
import { createRootDeletionStore } from '../../../src/adapters/store/root-deletion-store.js';
import { FactError } from '../../../src/errors.js';
import { approveDeletion, denyDeletion } from '../../../src/features/root-credentials/decide-deletion.js';
import type { RootCredentialsRemoved } from '../../../src/features/root-credentials/domain.js';
import { planRootDeletions, runRootDeletionJobs } from '../../../src/features/root-credentials/jobs.js';
import type { RootDeletionDeps } from '../../../src/features/root-credentials/ports.js';
import { requestDeletion } from '../../../src/features/root-credentials/request-deletion.js';
import { createLogger } from '../../../src/logger.js';
import { DATABASES } from '../../helpers/databases.js';

const HOUR = 3_600_000;
const OWN = '123456789012';
const MEMBER = '210987654321';
const everything: RootCredentialsRemoved = {
  password: true,
  accessKeys: ['ROOT-FAKE-KEY-1'],
  signingCertificates: [],
  mfaDevices: ['arn:aws:iam::210987654321:mfa/root-account-mfa-device'],
};

describe.each(DATABASES)('deleting member account root credentials on $name', (database) => {
  let db: Db;
  let drop: () => Promise<void>;
  let now: number;
  let sessions: string[];
  let failNext: FactError | undefined;
  let features: string[];
  let published: string[];
  let deps: RootDeletionDeps;

  beforeEach(async () => {
    ({ db, drop } = await database.open());
    now = Date.parse('2026-06-01T10:00:00Z');
    sessions = [];
    failNext = undefined;
    features = ['RootCredentialsManagement', 'RootSessions'];
    published = [];
    let ids = 0;
    deps = {
      deletions: createRootDeletionStore(db, { now: () => now, wake: () => {} }),
      rootSessions: {
        async deleteRootCredentials(accountId) {
          if (failNext) {
            const error = failNext;
            failNext = undefined;
            throw error;
          }
          sessions.push(accountId);
          return everything;
        },
      },
      rootAccess: { features: async () => features },
      memberAccounts: async () => [MEMBER],
      board: {
        publish: async (d) => {
          published.push(d.state);
          return d.approvalTs ?? '1.0001';
        },
      },
      approvers: { isApprover: async (id) => id.startsWith('U0APPROVER') },
      clock: { now: () => new Date(now) },
      logger: createLogger('silent'),
      newId: () => `root-${++ids}`,
      holder: 'host:1#boot',
      config: {
        privilegedApprovals: 2,
        requestTtlHours: 24,
        approvalChannel: 'C0APPROVALS',
        securityChannel: 'C0SEC',
      },
    };
  });
  afterEach(() => drop());

  const ask = (who = 'U0APPROVER1', accountId = MEMBER) =>
    requestDeletion(deps, { slackUserId: who, accountId });

  it('one approval does nothing; the second opens one root session; everything is audited', async () => {
    const asked = await ask();
    expect(asked).toEqual({ kind: 'created', deletionId: 'root-1' });
    expect(published).toEqual(['requested']);
    expect(await approveDeletion(deps, 'root-1', 'U0APPROVER1')).toEqual({ kind: 'refused', why: 'self' });
    expect(await approveDeletion(deps, 'root-1', 'U0APPROVER2')).toEqual({
      kind: 'recorded',
      approvals: 1,
      required: 2,
    });
    expect(await approveDeletion(deps, 'root-1', 'U0APPROVER2')).toEqual({
      kind: 'refused',
      why: 'already_approved',
    });
    expect(sessions).toEqual([]);
    expect((await deps.deletions.get('root-1'))?.state).toBe('requested');

    expect((await approveDeletion(deps, 'root-1', 'U0APPROVER3')).kind).toBe('approved');
    expect(sessions).toEqual([MEMBER]);
    const done = await deps.deletions.get('root-1');
    expect(done).toMatchObject({
      state: 'deleted',
      decidedBy: 'U0APPROVER2,U0APPROVER3',
      leaseHolder: undefined,
    });
    expect(JSON.parse(done?.removed ?? '{}')).toEqual(everything);
    expect((await deps.deletions.audit('root-1')).map((a) => [a.actor, a.toState, a.detail])).toEqual([
      ['U0APPROVER1', 'requested', undefined],
      ['U0APPROVER2', 'requested', "approved deleting the member account's root credentials"],
      ['U0APPROVER3', 'requested', "approved deleting the member account's root credentials"],
      ['U0APPROVER3', 'approved', undefined],
      [
        'aws-mfa-bot',
        'deleted',
        'deleted console password; access keys ROOT-FAKE-KEY-1; MFA devices arn:aws:iam::210987654321:mfa/root-account-mfa-device',
      ],
    ]);
    // Too late for anyone else.
    expect(await approveDeletion(deps, 'root-1', 'U0APPROVER4')).toEqual({ kind: 'refused', why: 'closed' });
    expect(sessions).toHaveLength(1);
  });

  it('many approvals at once from three approvers: approved once, one root session', async () => {
    await ask();
    await Promise.all(
      ['U0APPROVER2', 'U0APPROVER3', 'U0APPROVER4'].flatMap((who) =>
        [1, 2, 3].map(() => approveDeletion(deps, 'root-1', who)),
      ),
    );
    expect(sessions).toEqual([MEMBER]);
    expect((await deps.deletions.get('root-1'))?.state).toBe('deleted');
    expect((await deps.deletions.audit('root-1')).filter((a) => a.toState === 'approved')).toHaveLength(1);
  });

  it('who may ask, for which account: approvers only, member accounts only, with root sessions on, once', async () => {
    expect(await ask('U0SOMEONE')).toEqual({ kind: 'not_approver' });
    expect(await ask('U0APPROVER1', OWN)).toEqual({ kind: 'not_member' });
    expect(await ask('U0APPROVER1', '999999999999')).toEqual({ kind: 'not_member' });
    features = ['RootCredentialsManagement'];
    expect(await ask()).toEqual({ kind: 'sessions_off' });
    features = ['RootCredentialsManagement', 'RootSessions'];
    expect((await ask()).kind).toBe('created');
    expect(await ask('U0APPROVER2')).toEqual({ kind: 'open_request' });
    expect(await deps.deletions.inStates(['requested', 'approved'])).toHaveLength(1);
  });

  it('denied with a reason: nothing in AWS; expired: nobody may approve', async () => {
    await ask();
    expect((await denyDeletion(deps, 'root-1', 'U0APPROVER2', 'not this week')).kind).toBe('denied');
    expect(await approveDeletion(deps, 'root-1', 'U0APPROVER3')).toEqual({ kind: 'refused', why: 'closed' });
    expect((await ask()).kind).toBe('created');
    now += 25 * HOUR;
    expect(await approveDeletion(deps, 'root-2', 'U0APPROVER2')).toEqual({ kind: 'refused', why: 'expired' });
    expect((await deps.deletions.get('root-2'))?.state).toBe('expired');
    expect(sessions).toEqual([]);
  });

  it('AWS throttled: left approved for the jobs, which finish it; refused: failed, and not tried again', async () => {
    await ask();
    await approveDeletion(deps, 'root-1', 'U0APPROVER2');
    failNext = new FactError({ kind: 'throttled', action: 'sts:AssumeRoot', code: 'Throttling' });
    await approveDeletion(deps, 'root-1', 'U0APPROVER3');
    expect((await deps.deletions.get('root-1'))?.state).toBe('approved');
    expect(await planRootDeletions(deps, now)).toContainEqual(
      expect.objectContaining({ job: 'root_deletion', action: expect.stringContaining('resume') }),
    );
    expect(sessions).toEqual([]);
    const report = { errors: 0 };
    expect(await runRootDeletionJobs(deps, report)).toEqual({
      rootDeletionsExpired: 0,
      rootDeletionsResumed: 1,
    });
    expect(sessions).toEqual([MEMBER]);
    expect((await deps.deletions.get('root-1'))?.state).toBe('deleted');

    expect((await ask()).kind).toBe('created');
    await approveDeletion(deps, 'root-2', 'U0APPROVER2');
    failNext = new FactError({ kind: 'access_denied', action: 'sts:AssumeRoot', code: 'AccessDenied' });
    await approveDeletion(deps, 'root-2', 'U0APPROVER3');
    expect(await deps.deletions.get('root-2')).toMatchObject({
      state: 'failed',
      failure: 'sts:AssumeRoot: access_denied',
    });
    await runRootDeletionJobs(deps, report);
    expect(sessions).toEqual([MEMBER]);
    expect(report.errors).toBe(0);
  });

  it('the jobs expire a request nobody decided, and the dry run said so first, changing nothing', async () => {
    await ask();
    now += 25 * HOUR;
    const before = await deps.deletions.get('root-1');
    expect(await planRootDeletions(deps, now)).toEqual([
      expect.objectContaining({ job: 'root_deletion', action: 'expire root deletion request' }),
    ]);
    expect(await deps.deletions.get('root-1')).toEqual(before);
    expect((await runRootDeletionJobs(deps, { errors: 0 })).rootDeletionsExpired).toBe(1);
    expect((await deps.deletions.get('root-1'))?.state).toBe('expired');
  });
});
