import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DELETE_ROOT_TASK_POLICY } from '../../src/features/root-credentials/domain.js';
import { EXEMPT_TAG } from '../../src/features/scan/run-scan.js';
import { OWNER_CONFIRMED_TAG, SLACK_USER_ID_TAG } from '../../src/kernel/domain/identity.js';

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('the policies the README tells operators to apply', () => {
  it('the tag deny covers every tag that says who owns an IAM user, for tagging and untagging', () => {
    const doc = json('docs/deny-mapping-tags-policy.json');
    const [stmt] = doc.Statement;
    expect(stmt.Effect).toBe('Deny');
    expect(stmt.Action).toEqual(['iam:TagUser', 'iam:UntagUser']);
    const defaultEmailTag = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-fake-test-token',
      SLACK_APP_TOKEN: 'xapp-fake-test-token',
      APPROVAL_CHANNEL: 'C0APPROVALS',
      APPROVERS: 'U0ALICE',
    }).emailTagKey;
    expect(stmt.Condition['ForAnyValue:StringEqualsIgnoreCase']['aws:TagKeys'].sort()).toEqual(
      [SLACK_USER_ID_TAG, defaultEmailTag, OWNER_CONFIRMED_TAG, EXEMPT_TAG].sort(),
    );
  });

  it('the KMS key policy lets the bot encrypt and each user decrypt only their own secret, through Secrets Manager', () => {
    const doc = json('docs/secrets-kms-key-policy.json');
    const user = doc.Statement.find((s: { Sid: string }) => s.Sid === 'EachUserDecryptsOnlyTheirOwnSecret');
    expect(user.Action).toBe('kms:Decrypt');
    expect(user.Condition.StringLike['kms:EncryptionContext:SecretARN']).toMatch(
      /aws-mfa-bot\/\d{12}\/\$\{aws:username\}-\?{6}$/,
    );
    expect(Object.keys(user.Condition.StringEquals)).toEqual(['kms:ViaService']);
    const bot = json('docs/iam-policy.json').Statement.find((s: { Sid: string }) => s.Sid.includes('Kms'));
    expect(bot.Condition.StringLike['kms:ViaService']).toBe('secretsmanager.*.amazonaws.com');
  });

  it('sts:AssumeRoot is allowed for the one task the bot performs, and called from one place only', () => {
    const management = json('docs/iam-policy-management.json') as {
      Statement: { Action: string[]; Resource: string; Condition?: Record<string, Record<string, string>> }[];
    };
    const root = management.Statement.filter((st) => st.Action.includes('sts:AssumeRoot'));
    expect(root).toEqual([
      expect.objectContaining({
        Action: ['sts:AssumeRoot'],
        Resource: 'arn:aws:iam::*:root',
        Condition: { StringEquals: { 'sts:TaskPolicyArn': DELETE_ROOT_TASK_POLICY } },
      }),
    ]);
    expect(JSON.stringify(json('docs/iam-policy.json'))).not.toContain('AssumeRoot');
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const callers = files('src').filter((f) => readFileSync(f, 'utf8').includes('AssumeRootCommand'));
    expect(callers).toEqual(['src/adapters/aws/root-credentials.ts']);
  });
});
