import { IAMClient } from '@aws-sdk/client-iam';
import { AssumeRootCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createRootSessionAdapter,
  type RootSessionCredentials,
} from '../../../src/adapters/aws/root-credentials.js';
import { DELETE_ROOT_TASK_POLICY } from '../../../src/features/root-credentials/domain.js';
import { fakeRootSessions, rootWithEverything } from '../../fakes/root-session.js';

// moto has no AssumeRoot and no root user with credentials: both are faked (test/fakes/root-session.ts).
describe('root sessions (sts:AssumeRoot with IAMDeleteRootUserCredentials)', () => {
  const MEMBER = '210987654321';
  const fake = fakeRootSessions();
  const made: { credentials: RootSessionCredentials; client: IAMClient; destroyed: boolean }[] = [];
  const adapter = createRootSessionAdapter({
    sts: new STSClient({
      region: 'ap-northeast-2',
      credentials: { accessKeyId: 'bot', secretAccessKey: 'bot' },
    }),
    iamFor: (credentials) => {
      const client = new IAMClient({ region: 'ap-northeast-2', credentials });
      const entry = { credentials, client, destroyed: false };
      const destroy = client.destroy.bind(client);
      client.destroy = () => {
        entry.destroyed = true;
        destroy();
      };
      made.push(entry);
      return client;
    },
  });
  beforeEach(() => {
    fake.reset();
    made.length = 0;
  });
  afterAll(() => fake.restore());

  it("asks for a root session in the member account, scoped to deletion, and removes each of root's credentials", async () => {
    fake.seed(MEMBER, rootWithEverything(MEMBER));
    const removed = await adapter.deleteRootCredentials(MEMBER);
    expect(fake.assumed).toEqual([
      { TargetPrincipal: MEMBER, TaskPolicyArn: { arn: DELETE_ROOT_TASK_POLICY }, DurationSeconds: 300 },
    ]);
    expect(DELETE_ROOT_TASK_POLICY).toBe('arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials');
    expect(removed).toEqual({
      password: true,
      accessKeys: [`ROOT-FAKE-KEY-${MEMBER.slice(-4)}`],
      signingCertificates: [`ROOT-CERT-${MEMBER.slice(-4)}`],
      mfaDevices: [`arn:aws:iam::${MEMBER}:mfa/root-account-mfa-device`],
    });
    expect(fake.roots.get(MEMBER)).toEqual({
      password: false,
      accessKeys: [],
      certificates: [],
      mfaDevices: [],
    });
    // The calls were the root session's own (signed with its credentials, no UserName), and its client is gone.
    expect(made).toHaveLength(1);
    expect(made[0]?.credentials.accessKeyId).toBe(`ROOT-SESSION-${MEMBER}`);
    expect(made[0]?.destroyed).toBe(true);
    const names = fake.iam
      .calls()
      .map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name);
    expect(names).toEqual([
      'GetLoginProfileCommand',
      'DeleteLoginProfileCommand',
      'ListAccessKeysCommand',
      'DeleteAccessKeyCommand',
      'ListSigningCertificatesCommand',
      'DeleteSigningCertificateCommand',
      'ListMFADevicesCommand',
      'DeactivateMFADeviceCommand',
    ]);
    for (const call of fake.iam.calls()) expect(call.args[0].input).not.toHaveProperty('UserName');
  });

  it('again, when nothing is left: harmless, nothing deleted', async () => {
    fake.seed(MEMBER, { password: false, accessKeys: [], certificates: [], mfaDevices: [] });
    expect(await adapter.deleteRootCredentials(MEMBER)).toEqual({
      password: false,
      accessKeys: [],
      signingCertificates: [],
      mfaDevices: [],
    });
    expect(fake.iam.calls().map((c) => (c.args[0] as object).constructor.name)).not.toContain(
      'DeleteLoginProfileCommand',
    );
  });

  it('AssumeRoot refused (RootSessions off, or no sts:AssumeRoot): an error naming the action, no IAM call', async () => {
    fake.seed(MEMBER, rootWithEverything(MEMBER));
    fake.failNext('AccessDenied');
    await expect(adapter.deleteRootCredentials(MEMBER)).rejects.toMatchObject({
      reason: { kind: 'access_denied', action: 'sts:AssumeRoot' },
    });
    expect(fake.sts.commandCalls(AssumeRootCommand)).toHaveLength(1);
    expect(fake.iam.calls()).toHaveLength(0);
    expect(fake.roots.get(MEMBER)?.password).toBe(true);
  });

  it("another account's session cannot touch this root", async () => {
    fake.seed(MEMBER, rootWithEverything(MEMBER));
    await expect(adapter.deleteRootCredentials('999988887777')).rejects.toMatchObject({
      reason: { kind: 'access_denied' },
    });
    expect(fake.roots.get(MEMBER)?.accessKeys).toHaveLength(1);
  });
});
