import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
} from '@aws-sdk/client-iam';
import { AssumeRootCommand, type AssumeRootCommandInput, STSClient } from '@aws-sdk/client-sts';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';

/**
 * moto has neither `sts:AssumeRoot` nor a root user with credentials (its credential report has no root row; IAM calls
 * without `UserName` act on an IAM user there). So exactly these are faked, on top of every other call going to moto:
 * AssumeRoot answers with a session for the target account, and the IAM calls a root session makes (no `UserName`)
 * act on that account's root, kept here — but only when signed with that session's credentials: any other caller is
 * refused, as AWS would. Every other STS and IAM call passes through to moto.
 */
export interface RootSessionFake {
  readonly sts: AwsClientStub<STSClient>;
  readonly iam: AwsClientStub<IAMClient>;
  /** Root's credentials per member account (what a deletion should empty). */
  readonly roots: ReadonlyMap<string, RootCredentials>;
  /** Gives `accountId`'s root these credentials (answered only to that account's root session). */
  seed(accountId: string, credentials: RootCredentials): void;
  /** Every AssumeRoot asked for. */
  readonly assumed: AssumeRootCommandInput[];
  /** The next AssumeRoot fails with this error name (AccessDenied, Throttling…), once. */
  failNext(name: string): void;
  reset(): void;
  restore(): void;
}

export interface RootCredentials {
  password: boolean;
  accessKeys: string[];
  certificates: string[];
  mfaDevices: string[];
}

export const rootWithEverything = (accountId: string): RootCredentials => ({
  password: true,
  accessKeys: [`ROOT-FAKE-KEY-${accountId.slice(-4)}`],
  certificates: [`ROOT-CERT-${accountId.slice(-4)}`],
  mfaDevices: [`arn:aws:iam::${accountId}:mfa/root-account-mfa-device`],
});

// biome-ignore lint/suspicious/noExplicitAny: aws-sdk-client-mock hands the client untyped.
type Get = any;

const awsError = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

/** Session key IDs the fake hands out, one per account: `ROOT-SESSION-<account>`. */
const sessionKey = (accountId: string) => `ROOT-SESSION-${accountId}`;

export function fakeRootSessions(): RootSessionFake {
  const sts = mockClient(STSClient);
  sts.send.callThrough();
  const iam = mockClient(IAMClient);
  iam.send.callThrough();
  const roots = new Map<string, RootCredentials>();
  const assumed: AssumeRootCommandInput[] = [];
  let failure: string | undefined;
  // The root whose session signed the call; anyone else is refused, as AWS would.
  const rootOf = async (getClient: Get) => {
    const { accessKeyId } = (await getClient().config.credentials()) as { accessKeyId: string };
    const account = accessKeyId.startsWith('ROOT-SESSION-') ? accessKeyId.slice('ROOT-SESSION-'.length) : '';
    const root = roots.get(account);
    if (!root) throw awsError('AccessDenied', 403);
    return root;
  };

  const install = () => {
    sts.on(AssumeRootCommand).callsFake(async (input: AssumeRootCommandInput) => {
      assumed.push(input);
      if (failure) {
        const name = failure;
        failure = undefined;
        throw awsError(name, name === 'Throttling' ? 400 : 403);
      }
      return {
        Credentials: {
          AccessKeyId: sessionKey(String(input.TargetPrincipal)),
          SecretAccessKey: 'root-session-secret-not-real',
          SessionToken: 'root-session-token',
          Expiration: new Date(Date.now() + 300_000),
        },
      };
    });
    iam.on(GetLoginProfileCommand, {}, true).callsFake(async (_i, get: Get) => {
      if (!(await rootOf(get)).password) throw awsError('NoSuchEntity', 404);
      return { LoginProfile: { UserName: 'root', CreateDate: new Date() } };
    });
    iam.on(DeleteLoginProfileCommand, {}, true).callsFake(async (_i, get: Get) => {
      const root = await rootOf(get);
      if (!root.password) throw awsError('NoSuchEntity', 404);
      root.password = false;
      return {};
    });
    iam.on(ListAccessKeysCommand, {}, true).callsFake(async (_i, get: Get) => ({
      AccessKeyMetadata: (await rootOf(get)).accessKeys.map((AccessKeyId) => ({
        AccessKeyId,
        Status: 'Active',
      })),
    }));
    iam.on(ListSigningCertificatesCommand, {}, true).callsFake(async (_i, get: Get) => ({
      Certificates: (await rootOf(get)).certificates.map((CertificateId) => ({
        CertificateId,
        Status: 'Active',
      })),
    }));
    iam.on(ListMFADevicesCommand, {}, true).callsFake(async (_i, get: Get) => ({
      MFADevices: (await rootOf(get)).mfaDevices.map((SerialNumber) => ({
        SerialNumber,
        EnableDate: new Date(),
      })),
    }));
  };
  install();
  return {
    sts,
    iam,
    roots,
    assumed,
    failNext(name) {
      failure = name;
    },
    seed(accountId, credentials) {
      roots.set(accountId, credentials);
      // Deletions name what they delete (and no user): matched exactly, so every IAM user's own calls reach moto.
      for (const AccessKeyId of credentials.accessKeys)
        iam.on(DeleteAccessKeyCommand, { AccessKeyId }, true).callsFake(async (_i, get: Get) => {
          const root = await rootOf(get);
          root.accessKeys = root.accessKeys.filter((k) => k !== AccessKeyId);
          return {};
        });
      for (const CertificateId of credentials.certificates)
        iam.on(DeleteSigningCertificateCommand, { CertificateId }, true).callsFake(async (_i, get: Get) => {
          const root = await rootOf(get);
          root.certificates = root.certificates.filter((c) => c !== CertificateId);
          return {};
        });
      for (const SerialNumber of credentials.mfaDevices)
        iam.on(DeactivateMFADeviceCommand, { SerialNumber }, true).callsFake(async (_i, get: Get) => {
          const root = await rootOf(get);
          root.mfaDevices = root.mfaDevices.filter((d) => d !== SerialNumber);
          return {};
        });
    },
    reset() {
      sts.reset();
      iam.reset();
      sts.send.callThrough();
      iam.send.callThrough();
      roots.clear();
      assumed.length = 0;
      failure = undefined;
      install();
    },
    restore() {
      sts.restore();
      iam.restore();
    },
  };
}
