import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  ListMFADevicesCommand,
  ListVirtualMFADevicesCommand,
} from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyAdminAdapter, newAccessKey } from '../../../src/adapters/aws/access-keys.js';
import { createKeyLookupAdapter } from '../../../src/adapters/aws/key-lookup.js';
import { createMfaAdminAdapter } from '../../../src/adapters/aws/mfa-devices.js';
import {
  createSecretsAdapter,
  ownerOnlyPolicy,
  principalArnPatterns,
} from '../../../src/adapters/aws/secrets.js';
import { FactError, UnmanagedSecretError } from '../../../src/errors.js';
import {
  describeWithMoto,
  enableVirtualMfa,
  recordActions,
  unique,
  useMotoEnvironment,
} from '../../helpers/aws.js';

const BOT_ARN = 'arn:aws:sts::123456789012:assumed-role/aws-mfa-bot/session-1';

describe('newAccessKey', () => {
  it('never shows the secret when logged, serialised or inspected', () => {
    const key = newAccessKey('FAKEKEYID0001', 'wJalrFAKESECRETvalue', new Date(0));
    expect(key.secretAccessKey).toBe('wJalrFAKESECRETvalue');
    expect(JSON.stringify(key)).not.toContain('wJalrFAKESECRETvalue');
    expect(JSON.stringify({ nested: key })).not.toContain('wJalrFAKESECRETvalue');
    expect(inspect(key)).not.toContain('wJalrFAKESECRETvalue');
    expect(`${Object.keys(key)}`).not.toContain('secretAccessKey');
  });
});

/** `*`-wildcard match, as IAM's ArnLike and action patterns use it. */
const like = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  ).test(value);
type Statement = {
  Effect: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Condition?: { ArnNotLike?: Record<string, string[]> };
};
const list = (v: string | string[] | undefined) => (v === undefined ? undefined : [v].flat());

/** Whether the resource policy explicitly denies `action` to `principalArn` (the only effect that matters here). */
function denies(policy: { Statement: Statement[] }, principalArn: string, action: string): boolean {
  return policy.Statement.some((s) => {
    if (s.Effect !== 'Deny') return false;
    const actions = list(s.Action);
    const notActions = list(s.NotAction);
    const matches = actions
      ? actions.some((a) => like(a, action))
      : !(notActions ?? []).some((a) => like(a, action));
    const exempt = s.Condition?.ArnNotLike?.['aws:PrincipalArn'] ?? [];
    return matches && !exempt.some((p) => like(p, principalArn));
  });
}

describe('ownerOnlyPolicy', () => {
  const owner = 'arn:aws:iam::123456789012:user/alice';
  const policy = JSON.parse(ownerOnlyPolicy(owner, BOT_ARN));
  const actions = [
    'secretsmanager:GetSecretValue',
    'secretsmanager:DescribeSecret',
    'secretsmanager:PutResourcePolicy',
    'secretsmanager:DeleteResourcePolicy',
    'secretsmanager:PutSecretValue',
    'secretsmanager:UpdateSecret',
    'secretsmanager:DeleteSecret',
    'secretsmanager:UntagResource',
    'secretsmanager:ReplicateSecretToRegions',
  ];

  it('keeps the bot role under any path', () => {
    expect(principalArnPatterns(BOT_ARN)).toEqual([
      'arn:aws:iam::123456789012:role/aws-mfa-bot',
      'arn:aws:iam::123456789012:role/*/aws-mfa-bot',
    ]);
    expect(policy.Statement[0]).toMatchObject({ Effect: 'Allow', Principal: { AWS: owner } });
  });

  it.each([
    ['an admin with secretsmanager:*', 'arn:aws:iam::123456789012:user/admin'],
    ['another role', 'arn:aws:iam::123456789012:role/ci'],
    ["a role named like the bot's in another account", 'arn:aws:iam::999999999999:role/aws-mfa-bot'],
  ])('denies %s every action on the secret, reading and replacing the policy alike', (_who, principal) => {
    for (const action of actions) expect(denies(policy, principal, action), action).toBe(true);
  });

  it('lets the owner read and describe it, and nothing else', () => {
    const allowed = actions.filter((a) => !denies(policy, owner, a));
    expect(allowed).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']);
  });

  it('denies the bot nothing, with or without a role path', () => {
    for (const bot of principalArnPatterns(BOT_ARN).map((p) => p.replace('*', 'service')))
      for (const action of actions) expect(denies(policy, bot, action), `${bot} ${action}`).toBe(false);
  });
});

describeWithMoto('rotation adapters against moto_server', () => {
  let iam: IAMClient;
  let sm: SecretsManagerClient;
  let sts: STSClient;

  const called = new Set<string>();
  beforeAll(() => {
    useMotoEnvironment();
    iam = new IAMClient({});
    sm = new SecretsManagerClient({});
    recordActions(iam, 'iam', called);
    recordActions(sm, 'secretsmanager', called);
    sts = new STSClient({});
    recordActions(sts, 'sts', called);
  });

  afterAll(() => {
    // Every action the rotation adapters called (test set-up calls aside) is in the bot's policy.
    const policy = JSON.parse(readFileSync('docs/iam-policy.json', 'utf8')) as {
      Statement: { Action: string[] }[];
    };
    const allowed = new Set(policy.Statement.flatMap((s) => s.Action));
    const setup = new Set([
      'iam:CreateUser',
      'iam:ListMFADevices',
      'iam:ListVirtualMFADevices',
      'secretsmanager:GetSecretValue',
      'secretsmanager:ListSecretVersionIds',
    ]);
    expect([...called].filter((a) => !allowed.has(a) && !setup.has(a))).toEqual([]);
  });

  it('removes a lost virtual MFA device (deactivate, then delete), and doing it again is harmless', async () => {
    const name = unique('lost');
    await iam.send(new CreateUserCommand({ UserName: name }));
    const admin = new IAMClient({});
    const serial = await enableVirtualMfa(admin, name);
    admin.destroy();
    const devices = createMfaAdminAdapter(iam);
    for (let i = 0; i < 2; i++) {
      await devices.deactivate(name, serial);
      await devices.deleteVirtual(serial);
    }
    expect((await iam.send(new ListMFADevicesCommand({ UserName: name }))).MFADevices).toEqual([]);
    const virtual = await iam.send(new ListVirtualMFADevicesCommand({}));
    expect((virtual.VirtualMFADevices ?? []).map((d) => d.SerialNumber)).not.toContain(serial);
  });

  it('says whose a key ID is: its account, and here its IAM user with the tags that map it', async () => {
    const name = unique('pasted');
    await iam.send(
      new CreateUserCommand({ UserName: name, Tags: [{ Key: 'SlackUserId', Value: 'U0PASTED' }] }),
    );
    const created = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    const keyId = created.AccessKey?.AccessKeyId ?? '';
    const lookup = createKeyLookupAdapter(iam, sts);
    expect(await lookup.accountOf(keyId)).toBe('123456789012');
    expect(await lookup.userOf(keyId)).toEqual({
      userName: name,
      arn: `arn:aws:iam::123456789012:user/${name}`,
      accountId: '123456789012',
      tags: { SlackUserId: 'U0PASTED' },
    });
    expect(await lookup.userOf('AKIAFAKENOKEYEXAMPLE')).toBeUndefined();
  });

  it('creates, deactivates and deletes keys, and IAM refuses a third key', async () => {
    const name = unique('rot');
    await iam.send(new CreateUserCommand({ UserName: name }));
    const keys = createKeyAdminAdapter(iam);
    const a = await keys.createAccessKey(name);
    const b = await keys.createAccessKey(name);
    expect(a.accessKeyId).not.toBe(b.accessKeyId);
    const third = await keys.createAccessKey(name).catch((e: unknown) => e);
    expect(third).toBeInstanceOf(FactError);
    expect((third as FactError).reason.action).toBe('iam:CreateAccessKey');

    await keys.setAccessKeyStatus(name, a.accessKeyId, 'Inactive');
    expect((await keys.listAccessKeys(name)).find((k) => k.accessKeyId === a.accessKeyId)?.status).toBe(
      'Inactive',
    );
    await keys.deleteAccessKey(name, a.accessKeyId);
    expect((await keys.listAccessKeys(name)).map((k) => k.accessKeyId)).toEqual([b.accessKeyId]);
    expect(await keys.lastUsed(b.accessKeyId)).toBeUndefined();
  });

  it('stores the key as JSON with tags and an owner-only policy, then a new version on the next rotation', async () => {
    const user = unique('owner');
    const secretName = `aws-mfa-bot/123456789012/${user}`;
    const owner = { userName: user, arn: `arn:aws:iam::123456789012:user/${user}`, slackUserId: 'U0OWNER' };
    const secrets = createSecretsAdapter(sm, async () => BOT_ARN);
    const first = newAccessKey('FAKEKEYID0001', 'FAKE-secret-one', new Date('2026-06-01T00:00:00Z'));
    const requestId = crypto.randomUUID();
    const stored = await secrets.storeAccessKey({ name: secretName, requestId, owner, key: first });
    expect(stored.name).toBe(secretName);
    expect(stored.arn).toContain(':secret:');

    const value = await sm.send(new GetSecretValueCommand({ SecretId: secretName }));
    expect(JSON.parse(value.SecretString ?? '')).toEqual({
      AccessKeyId: 'FAKEKEYID0001',
      SecretAccessKey: 'FAKE-secret-one',
      UserName: user,
      CreateDate: '2026-06-01T00:00:00.000Z',
    });
    expect(value.VersionId).toBe(requestId);
    const described = await sm.send(new DescribeSecretCommand({ SecretId: secretName }));
    expect(Object.fromEntries((described.Tags ?? []).map((t) => [t.Key, t.Value]))).toEqual({
      owner: owner.arn,
      'owner-slack-user': 'U0OWNER',
      'managed-by': 'aws-mfa-bot',
      'request-id': requestId,
    });
    const policy = await sm.send(new GetResourcePolicyCommand({ SecretId: secretName }));
    expect(JSON.parse(policy.ResourcePolicy ?? '{}')).toEqual(
      JSON.parse(ownerOnlyPolicy(owner.arn, BOT_ARN)),
    );
    expect(await secrets.hasVersion(secretName, requestId)).toBe(true);

    const second = crypto.randomUUID();
    expect(await secrets.hasVersion(secretName, second)).toBe(false);
    await secrets.storeAccessKey({
      name: secretName,
      requestId: second,
      owner,
      key: newAccessKey('FAKEKEYID0002', 'FAKE-secret-two', new Date()),
    });
    const latest = await sm.send(new GetSecretValueCommand({ SecretId: secretName }));
    expect(JSON.parse(latest.SecretString ?? '').AccessKeyId).toBe('FAKEKEYID0002');
    expect(await secrets.hasVersion(secretName, second)).toBe(true);

    // A retry with the same request id writes no extra version.
    await secrets.storeAccessKey({
      name: secretName,
      requestId: second,
      owner,
      key: newAccessKey('FAKEKEYID0002', 'FAKE-secret-two', new Date()),
    });
    const versions = await sm.send(
      new ListSecretVersionIdsCommand({ SecretId: secretName, IncludeDeprecated: true }),
    );
    expect(versions.Versions?.map((v) => v.VersionId).sort()).toEqual([requestId, second].sort());
  });

  it('puts the policy before the value: with PutResourcePolicy refused, the secret holds no key', async () => {
    const user = unique('nopolicy');
    const name = `aws-mfa-bot/123456789012/${user}`;
    const order: string[] = [];
    const refusing = new SecretsManagerClient({});
    (refusing.middlewareStack as unknown as { add(m: unknown, o: unknown): void }).add(
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: unknown) => {
          order.push(String(context.commandName));
          if (context.commandName === 'PutResourcePolicyCommand')
            throw Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: {} });
          return next(args);
        },
      { step: 'initialize' },
    );
    const secrets = createSecretsAdapter(refusing, async () => BOT_ARN);
    const failed = await secrets
      .storeAccessKey({
        name,
        requestId: crypto.randomUUID(),
        owner: { userName: user, arn: `arn:aws:iam::123456789012:user/${user}`, slackUserId: 'U0X' },
        key: newAccessKey('FAKEKEYID0003', 'FAKE-secret-three', new Date()),
      })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(FactError);
    expect(order).not.toContain('PutSecretValueCommand');
    expect(order.indexOf('CreateSecretCommand')).toBeLessThan(order.indexOf('PutResourcePolicyCommand'));
    const versions = await sm.send(
      new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }),
    );
    expect(versions.Versions ?? []).toEqual([]);
  });

  it('refuses to reuse a secret at its name that it did not make, and verifies the policy on demand', async () => {
    const user = unique('squat');
    const name = `aws-mfa-bot/123456789012/${user}`;
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'planted' }));
    const owner = { userName: user, arn: `arn:aws:iam::123456789012:user/${user}`, slackUserId: 'U0X' };
    const secrets = createSecretsAdapter(sm, async () => BOT_ARN);
    const refused = await secrets
      .storeAccessKey({
        name,
        requestId: crypto.randomUUID(),
        owner,
        key: newAccessKey('K', 'S', new Date()),
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UnmanagedSecretError);
    expect((refused as Error).message).toContain('not tagged managed-by=aws-mfa-bot');
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('planted');

    await secrets.secure(name, crypto.randomUUID(), owner);
    const policy = await sm.send(new GetResourcePolicyCommand({ SecretId: name }));
    expect(JSON.parse(policy.ResourcePolicy ?? '{}')).toEqual(
      JSON.parse(ownerOnlyPolicy(owner.arn, BOT_ARN)),
    );
  });

  it('encrypts with SECRETS_KMS_KEY_ID when one is given', async () => {
    const kms = new KMSClient({});
    const keyId = (await kms.send(new CreateKeyCommand({ Description: 'aws-mfa-bot test' }))).KeyMetadata
      ?.KeyId;
    const user = unique('kms');
    const name = `aws-mfa-bot/123456789012/${user}`;
    const secrets = createSecretsAdapter(sm, async () => BOT_ARN, { kmsKeyId: keyId });
    await secrets.storeAccessKey({
      name,
      requestId: crypto.randomUUID(),
      owner: { userName: user, arn: `arn:aws:iam::123456789012:user/${user}`, slackUserId: 'U0X' },
      key: newAccessKey('FAKEKEYID0004', 'FAKE-secret-four', new Date()),
    });
    expect((await sm.send(new DescribeSecretCommand({ SecretId: name }))).KmsKeyId).toContain(keyId);
    kms.destroy();
  });

  it('answers hasVersion false for a secret that does not exist', async () => {
    expect(
      await createSecretsAdapter(sm, async () => BOT_ARN).hasVersion(
        `aws-mfa-bot/none/${unique('x')}`,
        crypto.randomUUID(),
      ),
    ).toBe(false);
  });
});
