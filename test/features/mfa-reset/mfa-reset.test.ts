import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/store/db.js';
import { createMfaResetStore } from '../../../src/adapters/store/mfa-reset-store.js';
import { FactError } from '../../../src/errors.js';
import { approveReset } from '../../../src/features/mfa-reset/decide-reset.js';
import { runMfaResetJobs } from '../../../src/features/mfa-reset/jobs.js';
import { planResets } from '../../../src/features/mfa-reset/plan.js';
import type { MfaResetDeps } from '../../../src/features/mfa-reset/ports.js';
import { requestReset } from '../../../src/features/mfa-reset/request-reset.js';
import type { IamUser, MfaDevice } from '../../../src/kernel/domain/types.js';
import { createPersonReads } from '../../../src/kernel/people/person-reads.js';
import { createLogger } from '../../../src/logger.js';
import { alwaysFinds } from '../../fakes/ports.js';
import { DATABASES } from '../../helpers/databases.js';

const HOUR = 3_600_000;
const alice: IamUser = {
  userName: 'alice',
  arn: 'arn:aws:iam::123456789012:user/alice',
  accountId: '123456789012',
  tags: {},
};
const SERIAL = 'arn:aws:iam::123456789012:mfa/alice';

describe.each(DATABASES)('MFA device resets on $name', (database) => {
  let db: Db;
  let drop: () => Promise<void>;
  let now = Date.parse('2026-06-01T10:00:00Z');
  let devices: MfaDevice[];
  let removals: string[];
  let failNext: FactError | undefined;
  let deps: MfaResetDeps;

  beforeEach(async () => {
    ({ db, drop } = await database.open());
    now = Date.parse('2026-06-01T10:00:00Z');
    devices = [{ serialNumber: SERIAL, type: 'virtual', enableDate: new Date(0) }];
    removals = [];
    failNext = undefined;
    const findIamUser = alwaysFinds(alice);
    let ids = 0;
    deps = {
      resets: createMfaResetStore(db, { now: () => now, wake: () => {} }),
      iam: { listMfaDevices: async () => devices, listPolicies: async () => [], listRoles: async () => [] },
      devices: {
        async deactivate(_user, serial) {
          if (failNext) {
            const error = failNext;
            failNext = undefined;
            throw error;
          }
          removals.push(`deactivate:${serial}`);
          devices = devices.filter((d) => d.serialNumber !== serial);
        },
        async deleteVirtual(serial) {
          removals.push(`delete:${serial}`);
        },
      },
      board: { publish: async (r) => r.approvalTs ?? '1.0001' },
      approvers: { isApprover: async (id) => id.startsWith('U0APPROVER') },
      findIamUser,
      reads: createPersonReads({
        findIamUser,
        iam: { listAccessKeys: async () => [], listMfaDevices: async () => devices },
        clock: { now: () => new Date(now) },
      }),
      clock: { now: () => new Date(now) },
      logger: createLogger('silent'),
      newId: () => `reset-${++ids}`,
      holder: 'host:1#boot',
      config: {
        approvals: 2,
        privilegedApprovals: 2,
        requestTtlHours: 24,
        reenrolHours: 24,
        approvalChannel: 'C0APPROVALS',
        securityChannel: 'C0SECURITY',
      },
    };
  });
  afterEach(() => drop());

  const request = async () => {
    const r = await requestReset(deps, {
      slackUserId: 'U0ALICE',
      serialNumber: SERIAL,
      what: 'lost',
      note: 'phone gone',
    });
    expect(r.kind).toBe('created');
    return r.kind === 'created' ? r.resetId : '';
  };

  it('refuses a second open request for the same IAM user, and a device that is not theirs', async () => {
    await request();
    expect(
      await requestReset(deps, { slackUserId: 'U0ALICE', serialNumber: SERIAL, what: 'lost', note: 'again' }),
    ).toEqual({ kind: 'invalid', problem: 'open_request' });
    expect(
      await requestReset(deps, {
        slackUserId: 'U0ALICE',
        serialNumber: 'arn:aws:iam::1:mfa/bob',
        what: 'lost',
        note: 'x',
      }),
    ).toEqual({ kind: 'invalid', problem: 'device_not_yours' });
  });

  it('many approvals at once from two approvers: approved once, the device removed once', async () => {
    const id = await request();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        approveReset(deps, id, i % 2 ? 'U0APPROVER1' : 'U0APPROVER2', true),
      ),
    );
    expect(removals).toEqual([`deactivate:${SERIAL}`, `delete:${SERIAL}`]);
    expect((await deps.resets.get(id))?.state).toBe('removed');
    expect(await deps.resets.approvals(id)).toHaveLength(2);
  });

  it('resumes a removal whose runner died (or AWS throttled), and fails on AccessDenied', async () => {
    const id = await request();
    failNext = new FactError({ kind: 'throttled', action: 'iam:DeactivateMFADevice' });
    await approveReset(deps, id, 'U0APPROVER1', true);
    await approveReset(deps, id, 'U0APPROVER2', true);
    expect((await deps.resets.get(id))?.state).toBe('approved');
    expect(await runMfaResetJobs(deps, { errors: 0 })).toMatchObject({ resetsResumed: 1 });
    expect((await deps.resets.get(id))?.state).toBe('removed');

    devices = [
      { serialNumber: 'arn:aws:iam::123456789012:mfa/alice2', type: 'virtual', enableDate: new Date(0) },
    ];
    // A person's devices are read again at most every ten seconds (see person-reads).
    now += 11_000;
    const denied = await requestReset(deps, {
      slackUserId: 'U0ALICE',
      serialNumber: 'arn:aws:iam::123456789012:mfa/alice2',
      what: 'broken',
      note: 'cracked',
    });
    const second = denied.kind === 'created' ? denied.resetId : '';
    failNext = new FactError({
      kind: 'access_denied',
      action: 'iam:DeactivateMFADevice',
      code: 'AccessDenied',
    });
    await approveReset(deps, second, 'U0APPROVER1', true);
    await approveReset(deps, second, 'U0APPROVER2', true);
    expect((await deps.resets.get(second))?.state).toBe('failed');
  });

  it('a dry run lists what the reset jobs would do (resume, expire, re-enrolment overdue) and changes nothing', async () => {
    const id = await request();
    failNext = new FactError({ kind: 'throttled', action: 'iam:DeactivateMFADevice' });
    await approveReset(deps, id, 'U0APPROVER1', true);
    await approveReset(deps, id, 'U0APPROVER2', true);
    const before = await deps.resets.get(id);
    expect(await planResets(deps, now)).toContainEqual(
      expect.objectContaining({
        job: 'mfa_reset',
        action: 'resume reset: remove the MFA device',
        subject: expect.stringContaining(SERIAL),
      }),
    );
    expect(removals).toEqual([]);
    expect(await deps.resets.get(id)).toEqual(before);
    await runMfaResetJobs(deps, { errors: 0 });
    now += 25 * HOUR;
    expect((await planResets(deps, now)).map((s) => s.action)).toContain('re-enrolment overdue');
    expect(await runMfaResetJobs(deps, { errors: 0 })).toMatchObject({ reenrolOverdue: 1 });
  });

  it('expires a request nobody decided within REQUEST_TTL_HOURS, and refuses approvals after', async () => {
    const id = await request();
    now += 25 * HOUR;
    expect(await runMfaResetJobs(deps, { errors: 0 })).toMatchObject({ resetsExpired: 1 });
    expect(await approveReset(deps, id, 'U0APPROVER1', true)).toEqual({ kind: 'refused', why: 'closed' });
    expect(removals).toEqual([]);
  });

  it('an approval without the identity check is refused and records nothing', async () => {
    const id = await request();
    expect(await approveReset(deps, id, 'U0APPROVER1', false)).toEqual({
      kind: 'refused',
      why: 'not_verified',
    });
    expect(await deps.resets.approvals(id)).toEqual([]);
  });
});
