import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
} from '@aws-sdk/client-iam';
import { GetResourcePolicyCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerOnlyPolicy } from '../src/adapters/aws/secrets.js';
import { ACTION, INPUT, VIEW } from '../src/kernel/slack/action-ids.js';
import { type AwsProxy, startAwsProxy } from './fakes/aws-proxy.js';
import { startCloudTrailStub } from './fakes/cloudtrail-stub.js';
import { FakeSlackWebApi } from './fakes/slack-web-api.js';
import { enableVirtualMfa, motoUrl } from './helpers/aws.js';
import { clickMessageButtonOn } from './helpers/bot.js';
import { pgUrl } from './helpers/databases.js';
import { fileRotation } from './helpers/rotation-bolt.js';
import { eventCallback, post, SIGNING_SECRET, viewSubmission } from './helpers/slack-requests.js';
import { freePort } from './setup/moto-server.js';

// Real bot processes (`node <compiled>/cli.js start`) on one PostgreSQL database, as replicas run: clicks and jobs
// spread across them, one killed with SIGKILL mid-flight, and what moto and the fake Slack saw counted.
const outDir = resolve('.test-dist-replicas');
const cli = join(outDir, 'cli.js');
const cwd = mkdtempSync(join(tmpdir(), 'aws-mfa-bot-replicas-'));
const faketime = spawnSync('sh', ['-c', 'command -v faketime']).stdout.toString().trim();

/**
 * Waits, if need be, until the replicas' five-minute rotation job (ROTATION_JOB_CRON, at second 0) is neither about to
 * fire nor running: from 25 s after a mark to 5 s before the next.
 */
async function clearOfTheFiveMinuteJob(): Promise<void> {
  const inCycle = Date.now() % 300_000;
  const wait = inCycle < 25_000 ? 25_000 - inCycle : inCycle > 295_000 ? 300_000 - inCycle + 25_000 : 0;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
const APPROVERS = Array.from({ length: 20 }, (_, i) => `U0APPROVER${String(i).padStart(2, '0')}`);

const ready = Boolean(motoUrl && pgUrl);
if (!ready) it.skip('replicas on PostgreSQL (needs moto_server and PostgreSQL)', () => {});

interface Replica {
  readonly port: number;
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
}

(ready ? describe : describe.skip)('replicas: real bot processes on one PostgreSQL database', () => {
  const fake = new FakeSlackWebApi();
  const iam = new IAMClient({
    endpoint: motoUrl,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const sm = new SecretsManagerClient({
    endpoint: motoUrl,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  let proxy: AwsProxy;
  let trail: Awaited<ReturnType<typeof startCloudTrailStub>>;
  const dbName = `replicas_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let dbUrl = '';
  const running: Replica[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, [
      resolve('node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      outDir,
    ]);
    await fake.start();
    for (const id of ['U0REQ1', 'U0REQ2', 'U0REQ3', 'U0REQ4', 'U0REQ9', 'U0REQ10', 'U0REQ11'])
      fake.members.push({
        id,
        name: id.toLowerCase(),
        profile: { email: `${id.toLowerCase()}@example.com` },
      });
    proxy = await startAwsProxy(motoUrl);
    trail = await startCloudTrailStub();
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const url = new URL(pgUrl);
    url.pathname = `/${dbName}`;
    dbUrl = url.toString();
  }, 120_000);

  afterAll(async () => {
    for (const r of running) r.child.kill('SIGKILL');
    await proxy?.stop();
    await trail?.stop();
    await fake.stop();
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  });

  const env = (port: number, extra: Record<string, string> = {}): Record<string, string> => ({
    PATH: process.env.PATH ?? '',
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: String(port),
    DATABASE_URL: dbUrl,
    APPROVAL_CHANNEL: 'C0APPROVALS',
    APPROVERS: APPROVERS.join(','),
    SECURITY_CHANNEL: 'C0SECURITY',
    AWS_ENDPOINT_URL: proxy.url,
    AWS_ENDPOINT_URL_CLOUDTRAIL: trail.url,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'ap-northeast-2',
    LOG_LEVEL: 'info',
    ...extra,
  });

  /** Every row of every table but job_runs (which the running replicas' schedules write), for before/after. */
  async function dumpStore(): Promise<Record<string, unknown[]>> {
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      const tables = (
        await db.query(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'job_runs' ORDER BY 1",
        )
      ).rows.map((r) => String(r.table_name));
      const out: Record<string, unknown[]> = {};
      for (const t of tables) out[t] = (await db.query(`SELECT * FROM ${t} ORDER BY 1`)).rows;
      return out;
    } finally {
      await db.end();
    }
  }

  /** The store once the running replicas have stopped changing it and calling Slack (1 s without change). */
  async function settled(): Promise<Record<string, unknown[]>> {
    let before = { calls: fake.calls.length, store: JSON.stringify(await dumpStore()) };
    for (let i = 0; i < 30; i++) {
      await new Promise((r) => setTimeout(r, 1_000));
      const now = { calls: fake.calls.length, store: JSON.stringify(await dumpStore()) };
      if (now.calls === before.calls && now.store === before.store) return JSON.parse(now.store);
      before = now;
    }
    throw new Error('the replicas never stopped working');
  }

  /** A replica; `clockAheadSeconds` runs it under faketime with its clock that far ahead. */
  async function start(
    port: number,
    extra: Record<string, string> = {},
    clockAheadSeconds?: number,
  ): Promise<Replica> {
    const child =
      clockAheadSeconds === undefined
        ? spawn(process.execPath, [cli, 'start'], { cwd, env: env(port, extra) })
        : spawn(faketime, ['-f', `+${clockAheadSeconds}`, process.execPath, cli, 'start'], {
            cwd,
            env: { ...env(port, extra), DONT_FAKE_MONOTONIC: '1' },
          });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.stderr?.on('data', (d) => {
      out += d;
    });
    const replica = { port, child, url: `http://127.0.0.1:${port}`, output: () => out };
    running.push(replica);
    for (let i = 0; i < 200; i++) {
      if (child.exitCode !== null) throw new Error(`replica on ${port} exited: ${out}`);
      const ok = await fetch(`${replica.url}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return replica;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`replica on ${port} never became ready: ${out}`);
  }

  async function stop(r: Replica, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const exited = new Promise((res) => r.child.once('exit', res));
    r.child.kill(signal);
    await exited;
    running.splice(running.indexOf(r), 1);
  }

  /** `aws-mfa-bot jobs`, with the clock moved forward by `days` (faketime), as a CronJob beside the replicas runs it. */
  function jobs(days: number, ...args: string[]): Promise<{ code: number | null; out: string }> {
    const child = spawn(faketime, ['-f', `+${days}d`, process.execPath, cli, 'jobs', ...args], {
      cwd,
      env: { ...env(3000), DONT_FAKE_MONOTONIC: '1' },
    });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.stderr?.on('data', (d) => {
      out += d;
    });
    return new Promise((res) => child.on('exit', (code) => res({ code, out })));
  }

  /** An IAM user with one key, tagged for the Slack member `slackUserId`. */
  async function owner(slackUserId: string): Promise<{ userName: string; keyId: string }> {
    const userName = `replica-${randomUUID().slice(0, 8)}`;
    await iam.send(
      new CreateUserCommand({ UserName: userName, Tags: [{ Key: 'SlackUserId', Value: slackUserId }] }),
    );
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    return { userName, keyId: key.AccessKey?.AccessKeyId ?? '' };
  }

  const at = (replica: Replica) => ({ baseUrl: replica.url, fake });
  const fileRequest = (replica: Replica, slackUserId: string, keyId: string) =>
    fileRotation(at(replica), slackUserId, keyId);
  const click = (replica: Replica, userId: string, requestId: string) =>
    clickMessageButtonOn(at(replica), userId, 'C0APPROVALS', ACTION.approve, requestId).sent;

  const dmsTo = (channel: string, text: string) =>
    fake
      .callsTo('chat.postMessage')
      .filter((c) => c.ok && c.args.channel === channel && JSON.stringify(c.args).includes(text));

  const keysOf = async (userName: string) =>
    (await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? [];

  /** Files a lost-device reset through the modal's submission on `replica`; resolves with its ID. */
  async function fileReset(replica: Replica, slackUserId: string, serial: string): Promise<string> {
    const filed = await post(
      replica.url,
      viewSubmission(
        slackUserId,
        fake.issueTriggerId(),
        VIEW.lostDevice,
        JSON.stringify({ serials: [serial] }),
        {
          [INPUT.device]: { [INPUT.device]: { type: 'static_select', selected_option: { value: serial } } },
          [INPUT.what]: { [INPUT.what]: { type: 'radio_buttons', selected_option: { value: 'lost' } } },
          [INPUT.note]: { [INPUT.note]: { type: 'plain_text_input', value: 'phone lost' } },
        },
      ),
    );
    expect(filed.status).toBe(200);
    const message = () =>
      fake
        .callsTo('chat.postMessage')
        .find((c) => c.args.channel === 'C0APPROVALS' && String(c.args.text).includes(serial));
    await fake.waitFor(() => message() !== undefined, 15_000);
    // The requester's "sent to the approvers" DM goes straight from the submit (not through the outbox), after the
    // approval message: wait for it too, or it may be the next DM a test holds (and, never queued, never sent again).
    await fake.waitFor(
      () =>
        fake
          .callsTo('chat.postMessage')
          .some((c) => c.args.channel === slackUserId && String(c.args.text).includes(serial)),
      15_000,
    );
    return String(
      (JSON.stringify(message()?.args.blocks).match(/"action_id":"mfa_reset_approve","value":"([^"]+)"/) ??
        [])[1],
    );
  }

  /** An approver ticks "I verified this person outside Slack" and confirms, on `replica`. */
  const confirmReset = (resetId: string) => (replica: Replica, approver: string) =>
    post(
      replica.url,
      viewSubmission(approver, fake.issueTriggerId(), VIEW.resetConfirm, resetId, {
        [INPUT.verified]: {
          [INPUT.verified]: { type: 'checkboxes', selected_options: [{ value: 'verified' }] },
        },
      }),
    );

  let a: Replica;
  let b: Replica;
  const delivered: { userName: string; keyId: string; slackUserId: string }[] = [];

  /** Owners later tests use, made before any replica loads IAM users (it reloads them at most every 15 seconds). */
  const earlyOwners = new Map<string, { userName: string; keyId: string }>();
  const KILL_STEPS = ['CreateAccessKey', 'CreateSecret', 'PutResourcePolicy', 'PutSecretValue'];

  it('three replicas started at the same moment on a new database all come up', async () => {
    for (const id of [...KILL_STEPS.map((_, i) => `U0REQ${5 + i}`), 'U0REQ9', 'U0REQ10', 'U0REQ11'])
      earlyOwners.set(id, await owner(id));
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    const replicas = await Promise.all(ports.map((p) => start(p)));
    expect(replicas).toHaveLength(3);
    [a, b] = replicas as [Replica, Replica];
    await stop(replicas[2] as Replica);
  }, 60_000);

  it('20 approvers clicking at once on both replicas, each twice (a Slack retry): one key, one DM of each kind', async () => {
    const o = await owner('U0REQ1');
    const requestId = await fileRequest(a, 'U0REQ1', o.keyId);
    const createsBefore = proxy.count('CreateAccessKey');
    await Promise.all(
      APPROVERS.flatMap((approver, i) => [
        click(i % 2 ? a : b, approver, requestId),
        click(i % 2 ? b : a, approver, requestId),
      ]),
    );
    await fake.waitFor(() => dmsTo('U0REQ1', 'secretsmanager').length > 0, 15_000);
    await new Promise((r) => setTimeout(r, 1_500));

    expect(proxy.count('CreateAccessKey') - createsBefore).toBe(1);
    expect(await keysOf(o.userName)).toHaveLength(2);
    expect(dmsTo('U0REQ1', 'secretsmanager')).toHaveLength(1);
    expect(dmsTo('U0REQ1', 'was approved')).toHaveLength(1);
    for (const approver of APPROVERS) expect(dmsTo(approver, 'is recorded').length).toBeLessThanOrEqual(1);
    delivered.push({ ...o, slackUserId: 'U0REQ1' });
  }, 60_000);

  it('a pasted key seen by both replicas, and an MFA reset approved on both: one alert, one DM, one device removal', async () => {
    const o = earlyOwners.get('U0REQ9') ?? (await owner('U0REQ9'));
    const serial = await enableVirtualMfa(iam, o.userName);

    // Slack delivers the same message to both replicas (a retry, an edit): the key is handled once.
    const pasted = {
      type: 'message',
      channel: 'C0GENERAL1',
      channel_type: 'channel',
      user: 'U0POSTER1',
      text: `creds: ${o.keyId}`,
      ts: '1700000000.000100',
    };
    const deliveries = [a, b, a, b].map((r) => post(r.url, eventCallback(pasted)));
    expect((await Promise.all(deliveries)).map((d) => d.status)).toEqual([200, 200, 200, 200]);
    const alerts = () => dmsTo('C0SECURITY', o.keyId);
    await fake.waitFor(() => alerts().length > 0 && dmsTo('U0REQ9', o.keyId).length > 0, 15_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(alerts()).toHaveLength(1);
    expect(dmsTo('U0REQ9', o.keyId)).toHaveLength(1);
    expect(proxy.count('GetAccessKeyInfo')).toBe(1);

    // The reset is filed on one replica; two approvers confirm on both, twice each.
    const resetId = await fileReset(a, 'U0REQ9', serial);
    const confirm = confirmReset(resetId);
    await Promise.all([
      confirm(a, APPROVERS[0] as string),
      confirm(b, APPROVERS[0] as string),
      confirm(a, APPROVERS[1] as string),
      confirm(b, APPROVERS[1] as string),
    ]);
    await fake.waitFor(() => dmsTo('U0REQ9', 'was removed').length > 0, 15_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(proxy.count('DeactivateMFADevice')).toBe(1);
    expect(proxy.count('DeleteVirtualMFADevice')).toBe(1);
    expect((await iam.send(new ListMFADevicesCommand({ UserName: o.userName }))).MFADevices).toEqual([]);
    expect(dmsTo('U0REQ9', 'was removed')).toHaveLength(1);
  }, 60_000);

  it.skipIf(!faketime && process.env.CI !== 'true')(
    '`jobs` on two processes at once with the clock moved on: each old key deactivated once, then deleted once',
    async () => {
      expect(faketime, 'faketime is needed (apt-get install -y faketime)').not.toBe('');
      // Both IAM users exist before either asks: a replica reloads its IAM user list at most every 15 seconds.
      const owners = await Promise.all(
        ['U0REQ2', 'U0REQ3'].map(async (id) => ({ ...(await owner(id)), slackUserId: id })),
      );
      for (const o of owners) {
        const requestId = await fileRequest(b, o.slackUserId, o.keyId);
        await click(a, APPROVERS[0] as string, requestId);
        await fake.waitFor(() => dmsTo(o.slackUserId, 'secretsmanager').length > 0, 15_000);
        delivered.push(o);
      }
      // First a dry run with the clock past the grace period: it lists the deactivations and changes nothing. The
      // replicas finish their own work first (approval messages made final), so what changes after is the dry run's.
      const storeBefore = await settled();
      const awsBefore = proxy.snapshot();
      const slackBefore = fake.calls.length;
      const plan = await jobs(8, '--dry-run', '--json');
      expect(plan.code, plan.out).toBe(0);
      const steps = (
        JSON.parse(plan.out.trim().split('\n').at(-1) ?? '{}') as { steps: Record<string, string>[] }
      ).steps;
      for (const d of delivered)
        expect(steps).toContainEqual(
          expect.objectContaining({
            job: 'rotation',
            action: 'deactivate old key',
            subject: expect.stringContaining(d.keyId),
          }),
        );
      const sent = [...proxy.snapshot()].filter(([a, n]) => n > (awsBefore.get(a) ?? 0)).map(([a]) => a);
      expect(sent.filter((a) => !/^(Get|List|Describe|Lookup)/.test(a))).toEqual([]);
      expect(
        fake.calls.slice(slackBefore).filter((c) => !/^(auth\.test|users\.(list|info))$/.test(c.method)),
      ).toEqual([]);
      expect(await dumpStore()).toEqual(storeBefore);

      const updates = proxy.count('UpdateAccessKey');
      const [first, second] = await Promise.all([jobs(8), jobs(8)]);
      expect([first.code, second.code], first.out + second.out).toEqual([0, 0]);
      expect(proxy.count('UpdateAccessKey') - updates).toBe(delivered.length);
      for (const d of delivered) {
        expect((await keysOf(d.userName)).find((k) => k.AccessKeyId === d.keyId)?.Status).toBe('Inactive');
        expect(dmsTo(d.slackUserId, 'was deactivated')).toHaveLength(1);
      }

      const deletes = proxy.count('DeleteAccessKey');
      const deletePlan = await jobs(16, '--dry-run');
      for (const d of delivered) expect(deletePlan.out).toMatch(new RegExp(`delete old key +${d.keyId}`));
      expect(proxy.count('DeleteAccessKey')).toBe(deletes);
      await Promise.all([jobs(16), jobs(16)]);
      expect(proxy.count('DeleteAccessKey') - deletes).toBe(delivered.length);
      for (const d of delivered) {
        expect((await keysOf(d.userName)).map((k) => k.AccessKeyId)).not.toContain(d.keyId);
        expect(dmsTo(d.slackUserId, 'was deleted')).toHaveLength(1);
      }
    },
    90_000,
  );

  // NUDGE_CRON may not run more than hourly, so the replicas run with their clocks moved to just before the top of
  // an hour (faketime), twice: each round is one tick that both replicas see.
  it.skipIf(!faketime && process.env.CI !== 'true')(
    'two replicas with an hourly scan and posture chart due on both: one scan, one digest, at most one chart per tick',
    async () => {
      expect(faketime, 'faketime is needed (apt-get install -y faketime)').not.toBe('');
      // The weekly picture's schedule fires with it: one replica posts it per tick, never both.
      const hourly = { NUDGE_CRON: '0 * * * *', POSTURE_CRON: '0 * * * *' };
      const uploadsBefore = fake.callsTo('files.completeUploadExternal').length;
      const before = fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0SECURITY').length;
      for (const round of [1, 2]) {
        const [p1, p2] = await Promise.all([freePort(), freePort()]);
        // Both clocks read 10 s before the top of an hour (a later hour each round) as the replicas start: time to be up.
        const now = Date.now();
        const ahead = Math.ceil((Math.ceil(now / 3_600_000) * 3_600_000 - now) / 1000) + round * 3600 - 10;
        const scanners = await Promise.all([start(p1, hourly, ahead), start(p2, hourly, ahead)]);
        await new Promise((r) => setTimeout(r, 14_000));
        await Promise.all(scanners.map((s) => stop(s)));
      }
      const digests =
        fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0SECURITY').length - before;
      const db = new pg.Client({ connectionString: dbUrl });
      await db.connect();
      const ticks = Number(
        (await db.query("SELECT count(*) AS n FROM job_runs WHERE key LIKE 'scan:%'")).rows[0].n,
      );
      const postureTicks = Number(
        (await db.query("SELECT count(*) AS n FROM job_runs WHERE key LIKE 'posture:%'")).rows[0].n,
      );
      await db.end();
      expect(ticks).toBe(2);
      expect(digests).toBe(ticks);
      expect(postureTicks).toBe(2);
      // The first tick may find no snapshot yet (its scan runs beside it); the second has the first's: 1 or 2 posts.
      const uploads = fake.callsTo('files.completeUploadExternal').slice(uploadsBefore);
      expect(uploads.length).toBeGreaterThanOrEqual(1);
      expect(uploads.length).toBeLessThanOrEqual(postureTicks);
      for (const u of uploads) expect([u.ok, u.args.channel_id]).toEqual([true, 'C0SECURITY']);
    },
    90_000,
  );

  // Kill -9 at each AWS step of a rotation (the request is held at the proxy, so the step has not reached AWS), then
  // restart the same replica: it takes over its dead boot's lease at once and finishes the rotation.
  it.each(KILL_STEPS.map((step, i) => [step, `U0REQ${5 + i}`]))(
    'a replica killed with SIGKILL at %s, restarted: one new key, delivered at once, secret with its policy',
    async (step, slackUserId) => {
      fake.members.push({
        id: slackUserId,
        name: slackUserId.toLowerCase(),
        profile: { email: `${slackUserId}@example.com` },
      });
      const o = earlyOwners.get(slackUserId) ?? (await owner(slackUserId));
      const requestId = await fileRequest(a, slackUserId, o.keyId);
      const creates = proxy.count('CreateAccessKey');
      const held = proxy.holdNext(step);
      await click(a, APPROVERS[1] as string, requestId);
      await held;
      await stop(a, 'SIGKILL');
      a = await start(a.port);
      await fake.waitFor(() => dmsTo(slackUserId, 'secretsmanager').length > 0, 15_000);
      const keys = await keysOf(o.userName);
      expect(keys).toHaveLength(2);
      // At most one key survives per attempt: one the dead boot may have made is deleted, never kept without a secret.
      expect(proxy.count('CreateAccessKey') - creates).toBeLessThanOrEqual(2);
      const policy = await sm.send(
        new GetResourcePolicyCommand({ SecretId: `aws-mfa-bot/123456789012/${o.userName}` }),
      );
      const ownerArn = `arn:aws:iam::123456789012:user/${o.userName}`;
      const sts = new STSClient({
        endpoint: motoUrl,
        region: 'ap-northeast-2',
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      });
      const bot = (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? '';
      sts.destroy();
      expect(JSON.parse(policy.ResourcePolicy ?? '{}')).toEqual(JSON.parse(ownerOnlyPolicy(ownerArn, bot)));
      expect(dmsTo(slackUserId, 'secretsmanager')).toHaveLength(1);
      // The approval message is final: it shows the delivery (its text names the old key).
      const final = () =>
        fake.callsTo('chat.update').filter((c) => c.ok && String(c.args.text).includes(o.keyId));
      await fake.waitFor(() => final().some((c) => String(c.args.text).includes('new key delivered')));
    },
    60_000,
  );

  it('a replica killed with SIGKILL at DeactivateMFADevice, restarted: the device is removed once, the owner told once', async () => {
    const o = earlyOwners.get('U0REQ10') ?? (await owner('U0REQ10'));
    const serial = await enableVirtualMfa(iam, o.userName);
    const resetId = await fileReset(a, 'U0REQ10', serial);
    const confirm = confirmReset(resetId);
    const deactivations = proxy.count('DeactivateMFADevice');
    await confirm(a, APPROVERS[0] as string);
    const held = proxy.holdNext('DeactivateMFADevice');
    await confirm(a, APPROVERS[1] as string);
    await held;
    await stop(a, 'SIGKILL');
    a = await start(a.port);
    await fake.waitFor(() => dmsTo('U0REQ10', 'was removed').length > 0, 15_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await iam.send(new ListMFADevicesCommand({ UserName: o.userName }))).MFADevices).toEqual([]);
    // The held call never reached AWS (the proxy counts only what it forwards): the restarted replica made the one.
    expect(proxy.count('DeactivateMFADevice') - deactivations).toBe(1);
    expect(dmsTo('U0REQ10', 'was removed')).toHaveLength(1);
  }, 60_000);

  // The outbox claim of a dead boot is taken over at once, like its lease: without that, a DM whose chat.postMessage
  // was under way at the kill would wait for the claim to run out (OUTBOX_CLAIM_MS, two minutes).
  it('a replica killed with SIGKILL while Slack holds its DM, restarted: the DM goes at once, once', async () => {
    // The DM held must be the one replica a sends. At a five-minute mark the other replica's rotation job flushes the
    // outbox too and may take it instead (then killing a proves nothing, and b waits out its own timeout): stay clear.
    await clearOfTheFiveMinuteJob();
    const o = earlyOwners.get('U0REQ11') ?? (await owner('U0REQ11'));
    const serial = await enableVirtualMfa(iam, o.userName);
    const resetId = await fileReset(a, 'U0REQ11', serial);
    const confirm = confirmReset(resetId);
    await confirm(a, APPROVERS[0] as string);
    const before = fake.callsTo('chat.postMessage').length;
    const held = fake.holdNextPostTo('U0REQ11');
    await confirm(a, APPROVERS[1] as string);
    const heldText = String((await held).text);
    expect(heldText.length).toBeGreaterThan(10);
    await stop(a, 'SIGKILL');
    const restartedAt = Date.now();
    a = await start(a.port);
    // The held DM itself (its row claimed by the dead boot) goes out, well inside the two minutes its claim would last.
    await fake.waitFor(() => dmsTo('U0REQ11', heldText).length > 0, 30_000);
    await fake.waitFor(() => dmsTo('U0REQ11', 'was removed').length > 0, 30_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(Date.now() - restartedAt).toBeLessThan(60_000);
    const texts = fake
      .callsTo('chat.postMessage')
      .slice(before)
      .filter((c) => c.ok && c.args.channel === 'U0REQ11')
      .map((c) => String(c.args.text));
    // Every DM of the reset arrived, none twice (the held one was never answered, so it was sent again, once).
    expect(texts.length).toBeGreaterThanOrEqual(1);
    expect(new Set(texts).size).toBe(texts.length);
    expect(dmsTo('U0REQ11', 'was removed')).toHaveLength(1);
    expect(texts.filter((t) => t === heldText)).toHaveLength(1);
  }, 90_000);
});
