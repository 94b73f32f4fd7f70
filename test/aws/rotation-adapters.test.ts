import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyAdminAdapter, newAccessKey } from '../../src/aws/access-keys.js';
import { createSecretsAdapter, ownerOnlyPolicy, principalArnPatterns } from '../../src/aws/secrets.js';
import { FactError } from '../../src/services/ports.js';
import { describeWithMoto, recordActions, unique, useMotoEnvironment } from '../helpers/aws.js';

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

describe('ownerOnlyPolicy', () => {
  it('allows the owner and denies every other reader, keeping the bot role under any path', () => {
    expect(principalArnPatterns(BOT_ARN)).toEqual([
      'arn:aws:iam::123456789012:role/aws-mfa-bot',
      'arn:aws:iam::123456789012:role/*/aws-mfa-bot',
    ]);
    const policy = JSON.parse(ownerOnlyPolicy('arn:aws:iam::123456789012:user/alice', BOT_ARN));
    expect(policy.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:user/alice' },
    });
    expect(policy.Statement[1]).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: 'secretsmanager:GetSecretValue',
      Condition: {
        ArnNotLike: {
          'aws:PrincipalArn': ['arn:aws:iam::123456789012:user/alice', ...principalArnPatterns(BOT_ARN)],
        },
      },
    });
  });
});

describeWithMoto('rotation adapters against moto_server', () => {
  let iam: IAMClient;
  let sm: SecretsManagerClient;

  const called = new Set<string>();
  beforeAll(() => {
    useMotoEnvironment();
    iam = new IAMClient({});
    sm = new SecretsManagerClient({});
    recordActions(iam, 'iam', called);
    recordActions(sm, 'secretsmanager', called);
  });

  afterAll(() => {
    // Every action the rotation adapters called (test set-up calls aside) is in the bot's policy.
    const policy = JSON.parse(readFileSync('docs/iam-policy.json', 'utf8')) as {
      Statement: { Action: string[] }[];
    };
    const allowed = new Set(policy.Statement.flatMap((s) => s.Action));
    const setup = new Set([
      'iam:CreateUser',
      'secretsmanager:GetSecretValue',
      'secretsmanager:GetResourcePolicy',
      'secretsmanager:ListSecretVersionIds',
    ]);
    expect([...called].filter((a) => !allowed.has(a) && !setup.has(a))).toEqual([]);
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

  it('answers hasVersion false for a secret that does not exist', async () => {
    expect(
      await createSecretsAdapter(sm, async () => BOT_ARN).hasVersion(
        `aws-mfa-bot/none/${unique('x')}`,
        crypto.randomUUID(),
      ),
    ).toBe(false);
  });
});
