import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../src/config.js';

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
type Json = Record<string, unknown>;
const template = parse(readFileSync('docs/member-role.cfn.yaml', 'utf8')) as {
  Parameters: Record<string, { Default?: string }>;
  Resources: { BotRole: { Properties: Json & { Policies: { PolicyDocument: unknown }[] } } };
};
const role = template.Resources.BotRole.Properties;

describe('docs/member-role.cfn.yaml', () => {
  it("grants the member role exactly the bot's least-privilege policy", () => {
    expect(role.Policies).toHaveLength(1);
    expect(role.Policies[0]?.PolicyDocument).toEqual(json('docs/iam-policy.json'));
  });

  it("trusts only the bot's principal, with the external ID when one is set", () => {
    const trust = role.AssumeRolePolicyDocument as { Statement: Json[] };
    expect(trust.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: { Ref: 'BotPrincipalArn' } },
        Action: 'sts:AssumeRole',
        Condition: {
          'Fn::If': [
            'HasExternalId',
            { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
            { Ref: 'AWS::NoValue' },
          ],
        },
      },
    ]);
  });

  it("names the role as the bot assumes it by default, and the bot's own principal may assume it", () => {
    const defaults = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-fake-test-token',
      SLACK_SIGNING_SECRET: 'signing-secret-value',
      APPROVAL_CHANNEL: 'C0APPROVALS',
      APPROVERS: 'U0ALICE',
    }).accounts;
    expect(template.Parameters.RoleName?.Default).toBe(defaults.roleName);
    const management = json('docs/iam-policy-management.json') as {
      Statement: { Action: string[]; Resource: string }[];
    };
    expect(management.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: ['sts:AssumeRole'],
          Resource: `arn:aws:iam::*:role/${defaults.roleName}`,
        }),
        expect.objectContaining({ Action: ['organizations:ListAccounts'] }),
      ]),
    );
  });
});
