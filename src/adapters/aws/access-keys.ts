import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  type IAMClient,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import type { KeyAdminPort, NewAccessKey } from '../../kernel/aws-ports.js';
import { awsCall } from './errors.js';
import { createIamAdapter } from './iam.js';

/** Wraps a new key so that logging or serialising it can never print the secret. */
export function newAccessKey(accessKeyId: string, secretAccessKey: string, createDate: Date): NewAccessKey {
  const key = {
    accessKeyId,
    createDate,
    toJSON: () => ({ accessKeyId, createDate, secretAccessKey: '*****' }),
  };
  Object.defineProperty(key, 'secretAccessKey', { value: secretAccessKey, enumerable: false });
  Object.defineProperty(key, Symbol.for('nodejs.util.inspect.custom'), {
    value: () => key.toJSON(),
    enumerable: false,
  });
  return key as NewAccessKey;
}

/**
 * The key operations of a rotation. The bot's role does them: a user without MFA cannot, under the MFA policy.
 * `createClient` sends CreateAccessKey: give it `maxAttempts: 1`, because a retried CreateAccessKey whose first answer
 * was lost makes a second key (or fails on the two-key limit) — the rotation cleans up instead.
 */
export function createKeyAdminAdapter(client: IAMClient, createClient: IAMClient = client): KeyAdminPort {
  const reader = createIamAdapter(client);
  return {
    listAccessKeys: (userName) => reader.listAccessKeys(userName),

    async createAccessKey(userName) {
      const r = await awsCall('iam:CreateAccessKey', () =>
        createClient.send(new CreateAccessKeyCommand({ UserName: userName })),
      );
      const k = r.AccessKey;
      if (!k?.AccessKeyId || !k.SecretAccessKey) throw new Error('CreateAccessKey answered without a key');
      return newAccessKey(k.AccessKeyId, k.SecretAccessKey, k.CreateDate ?? new Date());
    },

    async setAccessKeyStatus(userName, accessKeyId, status) {
      await awsCall('iam:UpdateAccessKey', () =>
        client.send(
          new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: status }),
        ),
      );
    },

    async deleteAccessKey(userName, accessKeyId) {
      await awsCall('iam:DeleteAccessKey', () =>
        client.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId })),
      );
    },

    async lastUsed(accessKeyId) {
      const r = await awsCall('iam:GetAccessKeyLastUsed', () =>
        client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId })),
      );
      const last = r.AccessKeyLastUsed;
      const known = (v: string | undefined) => (v && v !== 'N/A' ? v : undefined);
      return last?.LastUsedDate
        ? { date: last.LastUsedDate, serviceName: known(last.ServiceName), region: known(last.Region) }
        : undefined;
    },
  };
}
