import { randomUUID } from 'node:crypto';
import { CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, inject } from 'vitest';

/** moto_server's URL for this run, or '' when moto is not installed (the global setup already said so, loudly). */
export const motoUrl = inject('motoUrl');

/** `describe` when moto_server runs; otherwise a skip (CI never gets here: the global setup fails instead). */
export const describeWithMoto = motoUrl ? describe : describe.skip;

/** Points every AWS SDK client created from now on at moto, as AWS_ENDPOINT_URL does in production overrides. */
export function useMotoEnvironment(region = 'ap-northeast-2'): void {
  process.env.AWS_ENDPOINT_URL = motoUrl;
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  process.env.AWS_REGION = region;
  delete process.env.AWS_PROFILE;
}

/** moto keeps one account for the whole run: each test names its own users. */
export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** SDK command name → IAM action, e.g. ListMFADevicesCommand → iam:ListMFADevices. */
export function actionOf(service: string, commandName: string): string {
  return `${service}:${commandName.replace(/Command$/, '')}`;
}

/** Creates and enables a virtual MFA device for the user, as the console does; moto accepts any two codes. */
export async function enableVirtualMfa(iam: IAMClient, userName: string): Promise<string> {
  const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: userName }));
  const serial = device.VirtualMFADevice?.SerialNumber ?? '';
  await iam.send(
    new EnableMFADeviceCommand({
      UserName: userName,
      SerialNumber: serial,
      AuthenticationCode1: '123456',
      AuthenticationCode2: '654321',
    }),
  );
  return serial;
}

/** Records the IAM-style action of every command the client sends (`iam:ListMFADevices`) into `into`. */
export function recordActions(
  client: { middlewareStack: { add(middleware: unknown, options: unknown): void } },
  service: string,
  into: Set<string>,
): void {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
      into.add(actionOf(service, String(context.commandName)));
      return next(args);
    },
    { step: 'initialize', name: `recordActions-${service}` },
  );
}

/** Admin clients acting in `accountId`, as moto does after AssumeRole into that account. */
export async function adminClientsIn(accountId: string) {
  const sts = new STSClient({ endpoint: motoUrl, region: 'ap-northeast-2' });
  const r = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/test-admin`, RoleSessionName: 'test' }),
  );
  sts.destroy();
  const credentials = {
    accessKeyId: r.Credentials?.AccessKeyId ?? '',
    secretAccessKey: r.Credentials?.SecretAccessKey ?? '',
    sessionToken: r.Credentials?.SessionToken ?? '',
  };
  const config = { endpoint: motoUrl, region: 'ap-northeast-2', credentials };
  return { iam: new IAMClient(config), secrets: new SecretsManagerClient(config) };
}
