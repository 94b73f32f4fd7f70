import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand,
  GetLoginProfileCommand,
  type IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
} from '@aws-sdk/client-iam';
import { AssumeRootCommand, type STSClient } from '@aws-sdk/client-sts';
import { FactError } from '../../errors.js';
import {
  DELETE_ROOT_TASK_POLICY,
  type RootCredentialsRemoved,
} from '../../features/root-credentials/domain.js';
import type { RootSessionPort } from '../../features/root-credentials/ports.js';
import { awsCall } from './errors.js';

/** A root session's temporary credentials: in memory, for its own calls only. */
export interface RootSessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** A root session lasts at most 15 minutes; deleting a handful of credentials takes seconds. */
const ROOT_SESSION_SECONDS = 300;

/** Gone already (a retry after a crash, or someone was quicker) is what was wanted. */
async function gone<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof FactError && error.reason.kind === 'not_found') return undefined;
    throw error;
  }
}

/**
 * Centralised root access's one privileged task the bot performs: `sts:AssumeRoot` into a member account with the
 * task policy IAMDeleteRootUserCredentials (from `sts`, the bot's own account: the management account or IAM's
 * delegated administrator; a Regional endpoint, as AssumeRoot requires), then, as that account's root (IAM calls
 * without `UserName`): the console password, every access key, every signing certificate, every MFA device. The
 * session's credentials live in memory for these calls only; its client is destroyed after.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html
 */
export function createRootSessionAdapter(deps: {
  readonly sts: STSClient;
  /** An IAM client in the member account acting with the root session's credentials. */
  readonly iamFor: (credentials: RootSessionCredentials) => IAMClient;
}): RootSessionPort {
  return {
    async deleteRootCredentials(accountId) {
      const session = await awsCall('sts:AssumeRoot', () =>
        deps.sts.send(
          new AssumeRootCommand({
            TargetPrincipal: accountId,
            TaskPolicyArn: { arn: DELETE_ROOT_TASK_POLICY },
            DurationSeconds: ROOT_SESSION_SECONDS,
          }),
        ),
      );
      const c = session.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey)
        throw new FactError({ kind: 'other', action: 'sts:AssumeRoot', code: 'NoCredentials' });
      const iam = deps.iamFor({
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        ...(c.Expiration ? { expiration: c.Expiration } : {}),
      });
      try {
        return await deleteAsRoot(iam);
      } finally {
        iam.destroy();
      }
    },
  };
}

async function deleteAsRoot(iam: IAMClient): Promise<RootCredentialsRemoved> {
  const profile = await gone(() =>
    awsCall('iam:GetLoginProfile', () => iam.send(new GetLoginProfileCommand({}))),
  );
  if (profile)
    await gone(() => awsCall('iam:DeleteLoginProfile', () => iam.send(new DeleteLoginProfileCommand({}))));

  const keys = await awsCall('iam:ListAccessKeys', () => iam.send(new ListAccessKeysCommand({})));
  const accessKeys = (keys.AccessKeyMetadata ?? []).flatMap((k) => k.AccessKeyId ?? []);
  for (const id of accessKeys)
    await gone(() =>
      awsCall('iam:DeleteAccessKey', () => iam.send(new DeleteAccessKeyCommand({ AccessKeyId: id }))),
    );

  const certs = await awsCall('iam:ListSigningCertificates', () =>
    iam.send(new ListSigningCertificatesCommand({})),
  );
  const signingCertificates = (certs.Certificates ?? []).flatMap((x) => x.CertificateId ?? []);
  for (const id of signingCertificates)
    await gone(() =>
      awsCall('iam:DeleteSigningCertificate', () =>
        iam.send(new DeleteSigningCertificateCommand({ CertificateId: id })),
      ),
    );

  const devices = await awsCall('iam:ListMFADevices', () => iam.send(new ListMFADevicesCommand({})));
  const mfaDevices = (devices.MFADevices ?? []).flatMap((d) => d.SerialNumber ?? []);
  for (const serial of mfaDevices)
    await gone(() =>
      awsCall('iam:DeactivateMFADevice', () =>
        iam.send(new DeactivateMFADeviceCommand({ SerialNumber: serial })),
      ),
    );
  return { password: profile !== undefined, accessKeys, signingCertificates, mfaDevices };
}
