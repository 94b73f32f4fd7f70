import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/store/db.js';
import { createRetirementStore } from '../../../src/adapters/store/retirement-store.js';
import { runRetirementJobs } from '../../../src/features/key-retirement/jobs.js';
import { planRetirements } from '../../../src/features/key-retirement/plan.js';
import type { RetireDeps } from '../../../src/features/key-retirement/ports.js';
import { reactivateRetiredKey } from '../../../src/features/key-retirement/reactivate-key.js';
import { ownedKey, retireKey } from '../../../src/features/key-retirement/retire-key.js';
import type { KeyAdminPort } from '../../../src/kernel/aws-ports.js';
import type { AccessKey, IamUser } from '../../../src/kernel/domain/types.js';
import { createPersonReads } from '../../../src/kernel/people/person-reads.js';
import { createLogger } from '../../../src/logger.js';
import { alwaysFinds } from '../../fakes/ports.js';
import { DATABASES } from '../../helpers/databases.js';

const DAY = 86_400_000;
const alice: IamUser = {
  userName: 'alice',
  arn: 'arn:aws:iam::123456789012:user/alice',
  accountId: '123456789012',
  tags: {},
};

/** An in-memory IAM with one user's keys; calls counted. */
function fakeKeys(initial: AccessKey[]) {
  const keys = new Map(initial.map((k) => [k.accessKeyId, { ...k }]));
  const calls: string[] = [];
  const port: KeyAdminPort = {
    listAccessKeys: async () => [...keys.values()],
    createAccessKey: async () => {
      throw new Error('not used');
    },
    async setAccessKeyStatus(_user, id, status) {
      calls.push(`${status}:${id}`);
      const k = keys.get(id);
      if (k) keys.set(id, { ...k, status });
    },
    async deleteAccessKey(_user, id) {
      calls.push(`delete:${id}`);
      keys.delete(id);
    },
    lastUsed: async () => undefined,
  };
  return { port, keys, calls };
}

describe.each(DATABASES)('key retirement on $name', (database) => {
  let db: Db;
  let drop: () => Promise<void>;
  let now = Date.parse('2026-06-01T10:00:00Z');
  let iam: ReturnType<typeof fakeKeys>;
  let deps: RetireDeps;
  let botArn = 'arn:aws:iam::123456789012:user/aws-mfa-bot';
  let openRotation = false;

  beforeEach(async () => {
    ({ db, drop } = await database.open());
    now = Date.parse('2026-06-01T10:00:00Z');
    botArn = 'arn:aws:iam::123456789012:user/aws-mfa-bot';
    openRotation = false;
    iam = fakeKeys([
      { accessKeyId: 'AKIAFAKEALICEEXAMPLE', status: 'Active', createDate: new Date(0), lastUsed: undefined },
    ]);
    const findIamUser = alwaysFinds(alice);
    deps = {
      retirements: createRetirementStore(db, { now: () => now, wake: () => {} }),
      inRotation: async () => openRotation,
      keys: iam.port,
      findIamUser,
      reads: createPersonReads({
        findIamUser,
        iam: { listAccessKeys: (u) => iam.port.listAccessKeys(u), listMfaDevices: async () => [] },
        clock: { now: () => new Date(now) },
      }),
      botArn: async () => botArn,
      clock: { now: () => new Date(now) },
      logger: createLogger('silent'),
      holder: 'host:1#boot',
      config: { deleteDays: 7, graceDays: 7, securityChannel: 'C0SECURITY' },
    };
  });
  afterEach(() => drop());

  const retire = () =>
    retireKey(deps, {
      user: alice,
      keyId: 'AKIAFAKEALICEEXAMPLE',
      ownerSlackId: 'U0ALICE',
      actor: 'U0ALICE',
      source: 'owner',
    });

  it("never switches off a key of the bot's own principal, and says why", async () => {
    botArn = 'arn:aws:iam::123456789012:user/alice';
    expect(await ownedKey(deps, 'U0ALICE', 'AKIAFAKEALICEEXAMPLE')).toEqual({
      kind: 'refused',
      why: 'bot_principal',
    });
    // The same name in another account is someone else.
    botArn = 'arn:aws:iam::999999999999:user/alice';
    expect((await ownedKey(deps, 'U0ALICE', 'AKIAFAKEALICEEXAMPLE')).kind).toBe('ok');
  });

  it("refuses a move the retirement's table forbids, before anything changes", async () => {
    expect(await retire()).toBe('done');
    await expect(
      deps.retirements.transition('AKIAFAKEALICEEXAMPLE', ['deactivated'], 'deactivating', {}, 'U0ALICE'),
    ).rejects.toThrow(/not an allowed transition/);
    expect((await deps.retirements.get('AKIAFAKEALICEEXAMPLE'))?.state).toBe('deactivated');
  });

  it('leaves a key a rotation is replacing to that rotation', async () => {
    openRotation = true;
    expect(await ownedKey(deps, 'U0ALICE', 'AKIAFAKEALICEEXAMPLE')).toEqual({
      kind: 'refused',
      why: 'in_rotation',
    });
  });

  it('finishes a deactivation whose runner died, once its claim has run out', async () => {
    // The claim was written, then the process died before AWS answered.
    await deps.retirements.insert(
      {
        id: 'AKIAFAKEALICEEXAMPLE',
        state: 'deactivating',
        iamUser: 'alice',
        iamUserArn: alice.arn,
        accountId: alice.accountId,
        ownerSlackId: 'U0ALICE',
        actor: 'U0ALICE',
        source: 'owner',
        reactivatedAt: undefined,
        reactivatedUntil: undefined,
        deactivatedAt: undefined,
        deleteAfter: undefined,
        deletedAt: undefined,
        leaseUntil: now + 120_000,
        leaseHolder: 'other:2#dead',
        createdAt: now,
        updatedAt: now,
      },
      'U0ALICE',
    );
    expect(await runRetirementJobs(deps, { errors: 0 })).toEqual({
      retiredDeleted: 0,
      retirementsResumed: 0,
    });
    now += 180_000;
    expect(await runRetirementJobs(deps, { errors: 0 })).toEqual({
      retiredDeleted: 0,
      retirementsResumed: 1,
    });
    expect(iam.keys.get('AKIAFAKEALICEEXAMPLE')?.status).toBe('Inactive');
    expect((await deps.retirements.get('AKIAFAKEALICEEXAMPLE'))?.deleteAfter).toBe(now + 7 * DAY);
  });

  it('does not delete a retired key someone switched back on outside the bot', async () => {
    expect(await retire()).toBe('done');
    expect(await retire()).toBe('already');
    await iam.port.setAccessKeyStatus('alice', 'AKIAFAKEALICEEXAMPLE', 'Active');
    now += 8 * DAY;
    expect(await runRetirementJobs(deps, { errors: 0 })).toEqual({
      retiredDeleted: 0,
      retirementsResumed: 0,
    });
    expect(iam.keys.has('AKIAFAKEALICEEXAMPLE')).toBe(true);
    expect((await deps.retirements.get('AKIAFAKEALICEEXAMPLE'))?.state).toBe('reactivated');
    expect(iam.calls.filter((c) => c.startsWith('delete'))).toEqual([]);
  });

  it('a dry run lists the due deletion, or the key left alone once switched back on, and changes nothing', async () => {
    expect(await retire()).toBe('done');
    now += 8 * DAY;
    const calls = iam.calls.length;
    const row = await deps.retirements.get('AKIAFAKEALICEEXAMPLE');
    expect(await planRetirements(deps, now)).toEqual([
      expect.objectContaining({
        job: 'retired_key',
        action: 'delete retired key',
        subject: expect.stringContaining('AKIAFAKEALICEEXAMPLE'),
      }),
    ]);
    expect(iam.calls.length).toBe(calls);
    expect(await deps.retirements.get('AKIAFAKEALICEEXAMPLE')).toEqual(row);
    await iam.port.setAccessKeyStatus('alice', 'AKIAFAKEALICEEXAMPLE', 'Active');
    expect((await planRetirements(deps, now))[0]?.action).toBe(
      'keep retired key (switched back on outside the bot)',
    );
    // What the job then does agrees.
    expect(await runRetirementJobs(deps, { errors: 0 })).toEqual({
      retiredDeleted: 0,
      retirementsResumed: 0,
    });
    expect((await deps.retirements.get('AKIAFAKEALICEEXAMPLE'))?.state).toBe('reactivated');
  });

  it('its owner switches a retired key back on once, for one grace period; the plan and the job then switch it off again', async () => {
    expect(await retire()).toBe('done');
    const back = await reactivateRetiredKey(deps, 'U0ALICE', 'AKIAFAKEALICEEXAMPLE');
    expect(back).toEqual({ outcome: 'done', until: now + 7 * DAY });
    expect(iam.keys.get('AKIAFAKEALICEEXAMPLE')?.status).toBe('Active');
    // Before the grace period is over, nothing is due.
    now += 7 * DAY - 1;
    expect(await planRetirements(deps, now)).toEqual([]);
    now += 1;
    const calls = iam.calls.length;
    expect(await planRetirements(deps, now)).toEqual([
      expect.objectContaining({
        job: 'retired_key',
        action: 'deactivate again: its grace period back on is over',
        subject: expect.stringContaining('AKIAFAKEALICEEXAMPLE'),
      }),
    ]);
    expect(iam.calls.length).toBe(calls);
    expect(await runRetirementJobs(deps, { errors: 0 })).toEqual({
      retiredDeleted: 0,
      retirementsResumed: 1,
    });
    expect(iam.keys.get('AKIAFAKEALICEEXAMPLE')?.status).toBe('Inactive');
    // Once only: a second reactivation is refused.
    expect((await reactivateRetiredKey(deps, 'U0ALICE', 'AKIAFAKEALICEEXAMPLE')).outcome).toBe('once');
  });
});
