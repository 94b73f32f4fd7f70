import { readFileSync } from 'node:fs';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  type ContextEntry,
  GenerateCredentialReportCommand,
  GetAccountSummaryCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type { AccountClients, Accounts } from '../adapters/aws/accounts.js';
import { createRootAccessAdapter } from '../adapters/aws/root-access.js';
import { getCallerIdentity } from '../adapters/aws/sts.js';
import type { Config } from '../config.js';
import { type CheckResult, describeError, fail, pass, warn } from './check.js';

interface PolicyStatement {
  readonly Sid: string;
  readonly Action: string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string>>;
}

/** The bot's least-privilege policy as shipped (docs/iam-policy.json). */
export function botPolicy(): PolicyStatement[] {
  const doc = JSON.parse(readFileSync(new URL('../../docs/iam-policy.json', import.meta.url), 'utf8')) as {
    Statement: PolicyStatement[];
  };
  return doc.Statement;
}

/** The IAM principal behind a caller ARN: an assumed-role session is checked as its role. */
export function principalOf(callerArn: string): string {
  const m = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(callerArn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : callerArn;
}

/** A concrete resource the statement's pattern covers: wildcards in account and region filled in, others named. */
function concrete(pattern: string, where: { partition: string; account: string; region: string }): string {
  if (pattern === '*') return '*';
  const parts = pattern.split(':');
  if (parts.length < 6) return pattern.replace(/\*/g, 'doctor');
  const [arn, , service, region, account, ...rest] = parts;
  return [
    arn,
    where.partition,
    service,
    region === '*' ? where.region : region,
    account === '*' ? where.account : account,
    rest.join(':').replace(/\*/g, 'doctor'),
  ].join(':');
}

const SIMULATE_FIX = 'attach docs/iam-policy.json to the bot’s role (or deploy docs/member-role.cfn.yaml)';

/**
 * Whether every action of docs/iam-policy.json is allowed to the principal, asked of IAM's own evaluator
 * (`iam:SimulatePrincipalPolicy`) statement by statement, on a resource each statement covers. When the role may not
 * simulate, one harmless read per service stands in (a warning: it cannot see each action).
 */
async function actionsCheck(
  id: string,
  label: string,
  c: AccountClients,
  principal: string,
  where: { partition: string; account: string; region: string },
  config: Config,
): Promise<CheckResult> {
  const title = `IAM permissions${label}`;
  const statements = botPolicy().filter((s) => config.secretsKmsKeyId || !s.Sid.includes('Kms'));
  const denied: string[] = [];
  try {
    for (const s of statements) {
      const resources = (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r) =>
        concrete(r, where),
      );
      const context: ContextEntry[] = Object.values(s.Condition ?? {}).flatMap((keys) =>
        Object.entries(keys).map(([key, value]) => ({
          ContextKeyName: key,
          ContextKeyType: 'string',
          ContextKeyValues: [value.replace(/\*/g, where.region)],
        })),
      );
      const answer = await c.iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: principal,
          ActionNames: s.Action,
          ResourceArns: resources,
          ...(context.length ? { ContextEntries: context } : {}),
        }),
      );
      for (const r of answer.EvaluationResults ?? [])
        if (r.EvalDecision !== 'allowed' && r.EvalActionName && !denied.includes(r.EvalActionName))
          denied.push(r.EvalActionName);
    }
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    if (
      !/AccessDenied|NoSuchEntity|NotImplemented|InvalidAction/i.test(name) &&
      !/not.*implemented/i.test(String(error))
    )
      return fail(id, title, describeError(error), SIMULATE_FIX);
    return harmlessReads(id, title, c, config);
  }
  const count = statements.reduce((n, s) => n + s.Action.length, 0);
  return denied.length === 0
    ? pass(
        id,
        title,
        `all ${count} actions of docs/iam-policy.json allowed to ${principal} (IAM policy simulator)`,
      )
    : fail(id, title, `denied to ${principal}: ${denied.join(', ')}`, SIMULATE_FIX);
}

/** Without the simulator: one read per service, each of which changes nothing. */
async function harmlessReads(
  id: string,
  title: string,
  c: AccountClients,
  config: Config,
): Promise<CheckResult> {
  const denied: string[] = [];
  const tryRead = async (action: string, read: () => Promise<unknown>, fine: RegExp = /^$/) => {
    try {
      await read();
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      if (!fine.test(name)) denied.push(`${action} (${name || describeError(error)})`);
    }
  };
  await tryRead('iam:GetAccountSummary', () => c.iam.send(new GetAccountSummaryCommand({})));
  // A secret that does not exist: "not found" means the bot may look.
  await tryRead(
    'secretsmanager:DescribeSecret',
    () =>
      c.secrets.send(new DescribeSecretCommand({ SecretId: `${config.rotation.secretPrefix}doctor-probe` })),
    /ResourceNotFound/,
  );
  return denied.length === 0
    ? warn(
        id,
        title,
        'iam:SimulatePrincipalPolicy is not allowed, so each action could not be checked; one read per service worked',
        'allow iam:SimulatePrincipalPolicy (it is in docs/iam-policy.json) for a full check',
      )
    : fail(id, title, `refused: ${denied.join(', ')}`, SIMULATE_FIX);
}

/**
 * AWS as the bot sees it, read-only: its identity, each member account's role, the policy's actions, CloudTrail,
 * and the credential report (GenerateCredentialReport only asks AWS to refresh a report it keeps anyway).
 */
export async function awsChecks(config: Config, accounts: Accounts, region: string): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let me: Awaited<ReturnType<Accounts['own']>>;
  try {
    me = await accounts.own();
    results.push(pass('aws.identity', 'AWS identity (sts:GetCallerIdentity)', `${me.arn} in ${region}`));
  } catch (error) {
    return [
      fail(
        'aws.identity',
        'AWS identity (sts:GetCallerIdentity)',
        describeError(error),
        'give the bot AWS credentials (a role, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and AWS_REGION',
      ),
    ];
  }
  const own = await accounts.clients();
  const where = (account: string) => ({ partition: me.partition, account, region });
  results.push(await actionsCheck('aws.actions', '', own, principalOf(me.arn), where(me.accountId), config));

  if (config.accounts.mode !== 'own') {
    let ids: string[] = [];
    try {
      ids = (await accounts.list()).filter((id) => id !== me.accountId);
      results.push(pass('aws.accounts', 'AWS_ACCOUNTS', `${ids.length + 1} accounts`));
    } catch (error) {
      results.push(
        fail(
          'aws.accounts',
          'AWS_ACCOUNTS',
          describeError(error),
          'allow organizations:ListAccounts (docs/iam-policy-management.json) or list the account IDs in AWS_ACCOUNTS',
        ),
      );
    }
    for (const account of ids) {
      const title = `role ${config.accounts.roleName} in ${account}`;
      try {
        const c = await accounts.clients(account);
        const assumed = await getCallerIdentity(c.sts);
        results.push(pass(`aws.role.${account}`, title, `assumed as ${assumed.arn}`));
        results.push(
          await actionsCheck(
            `aws.actions.${account}`,
            ` in ${account}`,
            c,
            principalOf(assumed.arn),
            where(account),
            config,
          ),
        );
      } catch (error) {
        results.push(
          fail(
            `aws.role.${account}`,
            title,
            describeError(error),
            `deploy docs/member-role.cfn.yaml to ${account} trusting ${principalOf(me.arn)}, and check AWS_ROLE_NAME and AWS_EXTERNAL_ID`,
          ),
        );
      }
    }
    results.push(await rootAccessCheck(own.iam));
  }

  const trail = own.trail.find((t) => t.region === region) ?? own.trail[0];
  try {
    await trail?.client.send(new LookupEventsCommand({ MaxResults: 1 }));
    results.push(
      pass('aws.cloudtrail', 'CloudTrail (cloudtrail:LookupEvents)', `readable in ${trail?.region}`),
    );
  } catch (error) {
    results.push(
      fail(
        'aws.cloudtrail',
        'CloudTrail (cloudtrail:LookupEvents)',
        describeError(error),
        'allow cloudtrail:LookupEvents: step 6, key-use checks before deactivation and the signals need it',
      ),
    );
  }

  try {
    const report = await own.iam.send(new GenerateCredentialReportCommand({}));
    results.push(
      pass('aws.credential_report', 'IAM credential report', `generation ${report.State ?? 'accepted'}`),
    );
  } catch (error) {
    results.push(
      fail(
        'aws.credential_report',
        'IAM credential report',
        describeError(error),
        'allow iam:GenerateCredentialReport and iam:GetCredentialReport: every scan reads the report',
      ),
    );
  }
  return results;
}

/** With IAM Identity Center configured: its instance (and identity store) can be read in its region. */
/** Centralised root access for the organization (several accounts): how the scan will judge member accounts' root. */
async function rootAccessCheck(iam: Parameters<typeof createRootAccessAdapter>[0]): Promise<CheckResult> {
  const title = 'centralised root access (iam:ListOrganizationsFeatures)';
  try {
    const features = await createRootAccessAdapter(iam).features();
    const enabled = `enabled: ${features.join(', ')}`;
    if (!features.includes('RootCredentialsManagement'))
      return warn(
        'aws.root_access',
        title,
        features.length ? `${enabled} (not RootCredentialsManagement)` : 'not enabled',
        "member accounts' root is judged by MFA and keys; with RootCredentialsManagement on, the scan reports any root credentials left instead",
      );
    // The digest's "Delete root credentials" needs a root session, which AWS refuses without RootSessions.
    return features.includes('RootSessions')
      ? pass('aws.root_access', title, `${enabled}; member accounts' root should have no credentials`)
      : warn(
          'aws.root_access',
          title,
          `${enabled} (not RootSessions)`,
          'enable "Privileged root actions in member accounts" (RootSessions) in IAM → Root access management, so that deleting root credentials from the digest can work',
        );
  } catch (error) {
    return warn(
      'aws.root_access',
      title,
      describeError(error),
      'allow iam:ListOrganizationsFeatures (docs/iam-policy-management.json) so the scan can tell',
    );
  }
}

export async function identityCenterCheck(config: Config): Promise<CheckResult[]> {
  const ic = config.identityCenter;
  if (!ic) return [];
  const title = `IAM Identity Center (${ic.region})`;
  const client = new SSOAdminClient({ region: ic.region });
  try {
    const instances = (await client.send(new ListInstancesCommand({}))).Instances ?? [];
    const found = instances.find((i) => !ic.identityStoreId || i.IdentityStoreId === ic.identityStoreId);
    return [
      found
        ? pass('aws.identity_center', title, `instance with identity store ${found.IdentityStoreId}`)
        : fail(
            'aws.identity_center',
            title,
            ic.identityStoreId ? `no instance has identity store ${ic.identityStoreId}` : 'no instance found',
            'check IDENTITY_CENTER_REGION (and IDENTITY_STORE_ID), and run the bot in the management or delegated administrator account',
          ),
    ];
  } catch (error) {
    return [
      fail(
        'aws.identity_center',
        title,
        describeError(error),
        'allow sso:ListInstances and the identitystore reads of docs/iam-policy.json, in the account that holds Identity Center',
      ),
    ];
  } finally {
    client.destroy();
  }
}
