import { GetAccessKeyLastUsedCommand, GetUserCommand, type IAMClient } from '@aws-sdk/client-iam';
import { GetAccessKeyInfoCommand, type STSClient } from '@aws-sdk/client-sts';
import { FactError } from '../../errors.js';
import type { KeyLookupPort } from '../../features/pasted-keys/ports.js';
import { awsCall } from './errors.js';

/**
 * Whose is an access key ID: its account (`sts:GetAccessKeyInfo`, which works for any key) and, in this account, its
 * IAM user (`iam:GetAccessKeyLastUsed` names the user; `iam:GetUser` gives the tags that map it to a person).
 */
export function createKeyLookupAdapter(iam: IAMClient, sts: STSClient): KeyLookupPort {
  return {
    async accountOf(accessKeyId) {
      const r = await awsCall('sts:GetAccessKeyInfo', () =>
        sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: accessKeyId })),
      );
      return r.Account ?? undefined;
    },

    async userOf(accessKeyId) {
      try {
        const used = await awsCall('iam:GetAccessKeyLastUsed', () =>
          iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId })),
        );
        if (!used.UserName) return undefined;
        const userName = used.UserName;
        const r = await awsCall('iam:GetUser', () => iam.send(new GetUserCommand({ UserName: userName })));
        const arn = r.User?.Arn ?? '';
        return {
          userName,
          arn,
          accountId: arn.split(':')[4] ?? '',
          tags: Object.fromEntries((r.User?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        };
      } catch (error) {
        if (error instanceof FactError && error.reason.kind === 'not_found') return undefined;
        throw error;
      }
    },
  };
}
