import {
  CreateSecretCommand,
  DescribeSecretCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsPort } from '../services/ports.js';
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

/** Only the owner may read the secret; the bot keeps the right to (it wrote it); nobody else, whatever IAM says. */
export function ownerOnlyPolicy(ownerArn: string, botCallerArn: string): string {
  const readers = [ownerArn, ...principalArnPatterns(botCallerArn)];
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OwnerMayRead',
        Effect: 'Allow',
        Principal: { AWS: ownerArn },
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: '*',
      },
      {
        Sid: 'NobodyElseMayRead',
        Effect: 'Deny',
        Principal: '*',
        Action: 'secretsmanager:GetSecretValue',
        Resource: '*',
        Condition: { ArnNotLike: { 'aws:PrincipalArn': readers } },
      },
    ],
  });
}

export function createSecretsAdapter(
  client: SecretsManagerClient,
  botCallerArn: () => Promise<string>,
): SecretsPort {
  return {
    async storeAccessKey({ name, requestId, owner, key }) {
      const value = JSON.stringify({
        AccessKeyId: key.accessKeyId,
        SecretAccessKey: key.secretAccessKey,
        UserName: owner.userName,
        CreateDate: key.createDate.toISOString(),
      });
      const tags = [
        { Key: 'owner', Value: owner.arn },
        { Key: 'owner-slack-user', Value: owner.slackUserId },
        { Key: 'managed-by', Value: 'aws-mfa-bot' },
        { Key: 'request-id', Value: requestId },
      ];
      let arn: string;
      try {
        const created = await awsCall('secretsmanager:CreateSecret', () =>
          client.send(
            new CreateSecretCommand({
              Name: name,
              SecretString: value,
              ClientRequestToken: requestId,
              Tags: tags,
              Description: `Access key of IAM user ${owner.userName}, stored by aws-mfa-bot`,
            }),
          ),
        );
        arn = created.ARN ?? '';
      } catch (error) {
        if ((error as { reason?: { code?: string } }).reason?.code !== 'ResourceExistsException') throw error;
        // The secret exists: add a version, unless this request already wrote one (a retry after a crash).
        const existing = await awsCall('secretsmanager:DescribeSecret', () =>
          client.send(new DescribeSecretCommand({ SecretId: name })),
        );
        arn = existing.ARN ?? '';
        if (!Object.keys(existing.VersionIdsToStages ?? {}).includes(requestId)) {
          await awsCall('secretsmanager:PutSecretValue', () =>
            client.send(
              new PutSecretValueCommand({
                SecretId: name,
                SecretString: value,
                ClientRequestToken: requestId,
              }),
            ),
          );
        }
        await awsCall('secretsmanager:TagResource', () =>
          client.send(new TagResourceCommand({ SecretId: name, Tags: tags })),
        );
      }
      const policy = ownerOnlyPolicy(owner.arn, await botCallerArn());
      await awsCall('secretsmanager:PutResourcePolicy', () =>
        client.send(
          new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: policy, BlockPublicPolicy: true }),
        ),
      );
      return { arn, name };
    },

    async hasVersion(name, requestId) {
      try {
        const d = await awsCall('secretsmanager:DescribeSecret', () =>
          client.send(new DescribeSecretCommand({ SecretId: name })),
        );
        return Object.keys(d.VersionIdsToStages ?? {}).includes(requestId);
      } catch (error) {
        if ((error as { reason?: { kind?: string } }).reason?.kind === 'not_found') return false;
        throw error;
      }
    },
  };
}
