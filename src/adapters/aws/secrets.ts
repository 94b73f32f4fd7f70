import { isDeepStrictEqual } from 'node:util';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { FactError, UnmanagedSecretError } from '../../errors.js';
import type { SecretsPort } from '../../features/rotation/ports-aws.js';
import { awsCall } from './errors.js';

/**
 * `arn:aws:sts::1:assumed-role/Bot/session` → the role ARNs that `aws:PrincipalArn` may carry for it (the assumed-role
 * ARN drops the role's path, so both the plain and any-path forms are allowed).
 */
export function principalArnPatterns(callerArn: string): string[] {
  const assumed = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  if (!assumed) return [callerArn];
  const [, partition, account, role] = assumed;
  return [`arn:${partition}:iam::${account}:role/${role}`, `arn:${partition}:iam::${account}:role/*/${role}`];
}

const OWNER_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];
export const MANAGED_BY = { Key: 'managed-by', Value: 'aws-mfa-bot' } as const;

/**
 * The secret's resource policy. Only the owner may read it; nobody but the bot may do anything else with it — in
 * particular nobody with `secretsmanager:*` in their identity policy can replace or delete this policy and then read
 * the key. (An account administrator can still change the bot's own role: see docs/security.md.)
 */
export function ownerOnlyPolicy(ownerArn: string, botCallerArn: string): string {
  const bot = principalArnPatterns(botCallerArn);
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OwnerMayRead',
        Effect: 'Allow',
        Principal: { AWS: ownerArn },
        Action: OWNER_ACTIONS,
        Resource: '*',
      },
      {
        Sid: 'NobodyButTheBotManagesIt',
        Effect: 'Deny',
        Principal: '*',
        NotAction: OWNER_ACTIONS,
        Resource: '*',
        Condition: { ArnNotLike: { 'aws:PrincipalArn': bot } },
      },
      {
        Sid: 'NobodyElseMayRead',
        Effect: 'Deny',
        Principal: '*',
        Action: OWNER_ACTIONS,
        Resource: '*',
        Condition: { ArnNotLike: { 'aws:PrincipalArn': [ownerArn, ...bot] } },
      },
    ],
  });
}

type Owner = { userName: string; arn: string; slackUserId: string };

const tagsFor = (owner: Owner, requestId: string) => [
  { Key: 'owner', Value: owner.arn },
  { Key: 'owner-slack-user', Value: owner.slackUserId },
  MANAGED_BY,
  { Key: 'request-id', Value: requestId },
];

export function createSecretsAdapter(
  client: SecretsManagerClient,
  botCallerArn: () => Promise<string>,
  options: { kmsKeyId?: string | undefined } = {},
): SecretsPort {
  const describe = async (name: string) => {
    try {
      return await awsCall('secretsmanager:DescribeSecret', () =>
        client.send(new DescribeSecretCommand({ SecretId: name })),
      );
    } catch (error) {
      if (error instanceof FactError && error.reason.kind === 'not_found') return undefined;
      throw error;
    }
  };

  /**
   * Puts the owner-only policy and reads it back, then the tags: a secret is never given a value, or adopted after a
   * crash, without every property a finished rotation leaves on it.
   */
  async function secure(name: string, requestId: string, owner: Owner): Promise<void> {
    const policy = ownerOnlyPolicy(owner.arn, await botCallerArn());
    await awsCall('secretsmanager:PutResourcePolicy', () =>
      client.send(
        new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: policy, BlockPublicPolicy: true }),
      ),
    );
    const read = await awsCall('secretsmanager:GetResourcePolicy', () =>
      client.send(new GetResourcePolicyCommand({ SecretId: name })),
    );
    if (!isDeepStrictEqual(JSON.parse(read.ResourcePolicy ?? '{}'), JSON.parse(policy))) {
      throw new FactError({
        kind: 'other',
        action: 'secretsmanager:GetResourcePolicy',
        code: 'PolicyMismatch',
      });
    }
    await awsCall('secretsmanager:TagResource', () =>
      client.send(new TagResourceCommand({ SecretId: name, Tags: tagsFor(owner, requestId) })),
    );
  }

  return {
    async storeAccessKey({ name, requestId, owner, key }) {
      const tags = tagsFor(owner, requestId);
      // Empty first, then the policy, then the value: the key never sits in a secret without its policy.
      let existing: { ARN?: string | undefined; VersionIdsToStages?: Record<string, string[]> } | undefined;
      const found = await describe(name);
      if (found) {
        existing = found;
        const managed = (found.Tags ?? []).some(
          (t) => t.Key === MANAGED_BY.Key && t.Value === MANAGED_BY.Value,
        );
        if (!managed) throw new UnmanagedSecretError(name);
      } else {
        try {
          const created = await awsCall('secretsmanager:CreateSecret', () =>
            client.send(
              new CreateSecretCommand({
                Name: name,
                Tags: tags,
                Description: `Access key of IAM user ${owner.userName}, stored by aws-mfa-bot`,
                ...(options.kmsKeyId ? { KmsKeyId: options.kmsKeyId } : {}),
              }),
            ),
          );
          // Created empty: no versions yet, no need to ask again.
          existing = { ARN: created.ARN, VersionIdsToStages: {} };
        } catch (error) {
          // Another attempt created it in between: carry on with that one.
          if (!(error instanceof FactError && error.reason.code === 'ResourceExistsException')) throw error;
          existing = await describe(name);
        }
      }
      await secure(name, requestId, owner);
      // A retry after a crash finds its own version already there and writes nothing twice.
      if (!Object.keys(existing?.VersionIdsToStages ?? {}).includes(requestId)) {
        await awsCall('secretsmanager:PutSecretValue', () =>
          client.send(
            new PutSecretValueCommand({
              SecretId: name,
              SecretString: JSON.stringify({
                AccessKeyId: key.accessKeyId,
                SecretAccessKey: key.secretAccessKey,
                UserName: owner.userName,
                CreateDate: key.createDate.toISOString(),
              }),
              ClientRequestToken: requestId,
            }),
          ),
        );
      }
      return { arn: existing?.ARN ?? '', name };
    },

    async hasVersion(name, requestId) {
      const d = await describe(name);
      return Object.keys(d?.VersionIdsToStages ?? {}).includes(requestId);
    },

    secure,
  };
}
