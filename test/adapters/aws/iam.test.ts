import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
  ListMFADevicesCommand,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyAwsError } from '../../../src/adapters/aws/errors.js';
import { createIamAdapter, parsePolicyDocument } from '../../../src/adapters/aws/iam.js';
import { FactError } from '../../../src/errors.js';
import { evaluateMfaPolicies, GUIDE_POLICY } from '../../../src/features/checklist/domain/mfa-policy.js';
import { pageUserDetails } from '../../fakes/aws-pages.js';
import { startAwsProxy } from '../../fakes/aws-proxy.js';
import {
  adminClientsIn,
  describeWithMoto,
  enableVirtualMfa,
  motoUrl,
  recordActions,
  unique,
  useMotoEnvironment,
} from '../../helpers/aws.js';

describeWithMoto('IAM adapter against moto_server', () => {
  let admin: IAMClient;
  let client: IAMClient;
  const called = new Set<string>();

  beforeAll(() => {
    useMotoEnvironment();
    admin = new IAMClient({});
    client = new IAMClient({});
    recordActions(client, 'iam', called);
  });

  afterAll(() => {
    // The bot's least-privilege policy must allow every IAM action the adapter really calls.
    const policy = JSON.parse(readFileSync('docs/iam-policy.json', 'utf8')) as {
      Statement: { Action: string[] }[];
    };
    const allowed = new Set(policy.Statement.flatMap((s) => s.Action));
    expect([...called].filter((a) => !allowed.has(a))).toEqual([]);
    expect(called.size).toBeGreaterThan(10);
  });

  it('lists users with their tags and account in one call', async () => {
    const name = unique('tagged');
    await admin.send(
      new CreateUserCommand({ UserName: name, Tags: [{ Key: 'SlackUserId', Value: 'U0TAGGED' }] }),
    );
    const users = await createIamAdapter(client).listUsers();
    expect(users.find((u) => u.userName === name)).toEqual({
      userName: name,
      arn: `arn:aws:iam::123456789012:user/${name}`,
      accountId: '123456789012',
      tags: { SlackUserId: 'U0TAGGED' },
    });
  });

  it("follows AWS's pages of the authorization details to the last, each user whole with its tags", async () => {
    // An account of its own: the test's five users are all it holds, whatever the rest of the run creates.
    const { iam: inAccount } = await adminClientsIn(`4${randomInt(10 ** 10, 10 ** 11)}`);
    // moto answers in one page; the proxy pages as AWS may (two users a page, fewer than the 1,000 asked for).
    const proxy = await startAwsProxy(motoUrl);
    proxy.patch('GetAccountAuthorizationDetails', /./, pageUserDetails({ atMost: 2 }));
    const paged = new IAMClient({
      endpoint: proxy.url,
      region: 'ap-northeast-2',
      credentials: await inAccount.config.credentials(),
    });
    try {
      const names = Array.from({ length: 5 }, () => unique('paged'));
      for (const [i, name] of names.entries())
        await inAccount.send(
          new CreateUserCommand({
            UserName: name,
            Tags: [
              { Key: 'SlackUserId', Value: `U0PAGED${i}` },
              { Key: 'team', Value: 'platform' },
            ],
          }),
        );
      const users = await createIamAdapter(paged).listUsers();
      expect(users).toEqual(await createIamAdapter(inAccount).listUsers());
      expect(users.map((u) => u.userName).sort()).toEqual([...names].sort());
      for (const [i, name] of names.entries())
        expect(users.find((u) => u.userName === name)?.tags).toEqual({
          SlackUserId: `U0PAGED${i}`,
          team: 'platform',
        });
      expect(proxy.count('GetAccountAuthorizationDetails')).toBe(3);
    } finally {
      paged.destroy();
      inAccount.destroy();
      await proxy.stop();
    }
  });

  it('reads tag values exactly as IAM holds them: other scripts, spaces, every symbol IAM allows', async () => {
    const name = unique('tags');
    const values = { team: '플랫폼 팀 / on-call', note: ' a+b=c @x.y:z_1 - ', SlackUserId: 'U0TAGS' };
    await admin.send(
      new CreateUserCommand({
        UserName: name,
        Tags: Object.entries(values).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    const users = await createIamAdapter(client).listUsers();
    expect(users.find((u) => u.userName === name)?.tags).toEqual(values);
  });

  it('sees no MFA device, then the virtual device once it is enabled', async () => {
    const name = unique('mfa');
    await admin.send(new CreateUserCommand({ UserName: name }));
    const iam = createIamAdapter(client);
    expect(await iam.listMfaDevices(name)).toEqual([]);

    await enableVirtualMfa(admin, name);
    const devices = await iam.listMfaDevices(name);
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({
      serialNumber: `arn:aws:iam::123456789012:mfa/${name}`,
      type: 'virtual',
    });
    expect(devices[0]?.enableDate).toBeInstanceOf(Date);
  });

  it('lists access keys with status and no last use for unused keys', async () => {
    const name = unique('keys');
    await admin.send(new CreateUserCommand({ UserName: name }));
    const first = await admin.send(new CreateAccessKeyCommand({ UserName: name }));
    const second = await admin.send(new CreateAccessKeyCommand({ UserName: name }));
    const secondId = second.AccessKey?.AccessKeyId ?? '';
    await admin.send(
      new UpdateAccessKeyCommand({ UserName: name, AccessKeyId: secondId, Status: 'Inactive' }),
    );

    const keys = await createIamAdapter(client).listAccessKeys(name);
    const byId = Object.fromEntries(keys.map((k) => [k.accessKeyId, k]));
    expect(byId[first.AccessKey?.AccessKeyId ?? '']).toMatchObject({ status: 'Active', lastUsed: undefined });
    expect(byId[secondId]).toMatchObject({ status: 'Inactive', lastUsed: undefined });
    expect(keys.every((k) => k.createDate instanceof Date)).toBe(true);
    // The adapter never returns a secret: only metadata crosses the port.
    expect(JSON.stringify(keys)).not.toContain(first.AccessKey?.SecretAccessKey ?? 'x');
  });

  it('collects policies from every path: user and group, managed and inline', async () => {
    const name = unique('pol');
    const group = unique('grp');
    const doc = JSON.stringify(GUIDE_POLICY);
    await admin.send(new CreateUserCommand({ UserName: name }));
    await admin.send(new CreateGroupCommand({ GroupName: group }));
    await admin.send(new AddUserToGroupCommand({ GroupName: group, UserName: name }));
    const managedUser = await admin.send(
      new CreatePolicyCommand({ PolicyName: unique('mu'), PolicyDocument: doc }),
    );
    const managedGroup = await admin.send(
      new CreatePolicyCommand({ PolicyName: unique('mg'), PolicyDocument: doc }),
    );
    await admin.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: managedUser.Policy?.Arn }));
    await admin.send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: managedGroup.Policy?.Arn }));
    await admin.send(
      new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline-user', PolicyDocument: doc }),
    );
    await admin.send(
      new PutGroupPolicyCommand({ GroupName: group, PolicyName: 'inline-group', PolicyDocument: doc }),
    );

    const policies = await createIamAdapter(client).listPolicies(name);
    expect(policies.map((p) => p.source.kind).sort()).toEqual([
      'group-inline',
      'group-managed',
      'user-inline',
      'user-managed',
    ]);
    // IAM returns inline documents URL-encoded: every one must come back parsed.
    for (const p of policies) expect(p.document).toEqual(JSON.parse(doc));
    const user = {
      userName: name,
      arn: `arn:aws:iam::123456789012:user/${name}`,
      accountId: '123456789012',
      tags: {},
    };
    const verdict = evaluateMfaPolicies(policies, user);
    expect(verdict.kind).toBe('enforced');
    expect(verdict.via).toHaveLength(4);
  });

  it('finds a guide policy reachable only through a group', async () => {
    const name = unique('grouponly');
    const group = unique('mfa-required');
    await admin.send(new CreateUserCommand({ UserName: name }));
    await admin.send(new CreateGroupCommand({ GroupName: group }));
    await admin.send(new AddUserToGroupCommand({ GroupName: group, UserName: name }));
    await admin.send(
      new PutGroupPolicyCommand({
        GroupName: group,
        PolicyName: 'RequireMFA',
        PolicyDocument: JSON.stringify(GUIDE_POLICY),
      }),
    );
    const user = {
      userName: name,
      arn: `arn:aws:iam::123456789012:user/${name}`,
      accountId: '123456789012',
      tags: {},
    };
    const verdict = evaluateMfaPolicies(await createIamAdapter(client).listPolicies(name), user);
    expect(verdict.kind).toBe('enforced');
    expect(verdict.via).toEqual([{ kind: 'group-inline', groupName: group, policyName: 'RequireMFA' }]);
  });

  it('turns an unknown user into a not_found fault naming the action', async () => {
    const error = await createIamAdapter(client)
      .listMfaDevices(unique('nobody'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FactError);
    expect((error as FactError).reason).toEqual({
      kind: 'not_found',
      action: 'iam:ListMFADevices',
      code: 'NoSuchEntityException',
    });
  });
});

describe('IAM adapter faults', () => {
  it('reports AccessDenied with the refused action and without the AWS message', async () => {
    const mock = mockClient(IAMClient);
    const denied = Object.assign(new Error('User: arn:aws:sts::1:assumed-role/bot is not authorized'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    mock.on(ListMFADevicesCommand).rejects(denied);
    const error = await createIamAdapter(new IAMClient({ region: 'us-east-1' }))
      .listMfaDevices('alice')
      .catch((e: unknown) => e);
    mock.restore();
    expect((error as FactError).reason).toEqual({
      kind: 'access_denied',
      action: 'iam:ListMFADevices',
      code: 'AccessDenied',
    });
    expect((error as FactError).message).not.toContain('not authorized');
  });

  it.each([
    [{ name: 'AccessDeniedException', $metadata: {} }, 'access_denied'],
    [{ name: 'Throttling', $metadata: { httpStatusCode: 400 } }, 'throttled'],
    [{ name: 'SomethingElse', $metadata: { httpStatusCode: 429 } }, 'throttled'],
    [{ name: 'NoSuchEntity', $metadata: {} }, 'not_found'],
    [{ name: 'Error', code: 'ECONNREFUSED' }, 'network'],
    [{ name: 'TimeoutError' }, 'network'],
    [{ name: 'ServiceFailure', $metadata: { httpStatusCode: 500 } }, 'other'],
  ])('classifies %o as %s', (error, kind) => {
    expect(classifyAwsError(error, 'iam:GetUser').kind).toBe(kind);
  });
});

describe('parsePolicyDocument', () => {
  it.each([
    ['URL-encoded', encodeURIComponent('{"Statement":[]}'), { Statement: [] }],
    ['plain JSON', '{"Statement":[]}', { Statement: [] }],
    ['plain JSON containing %', '{"Sid":"100%"}', { Sid: '100%' }],
    ['garbage', '%E0%A4%A', undefined],
    ['empty', undefined, undefined],
  ])('%s', (_name, raw, expected) => {
    expect(parsePolicyDocument(raw)).toEqual(expected);
  });
});
