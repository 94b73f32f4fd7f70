import {
  GetAccessKeyLastUsedCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  type IAMClient,
  ListAccessKeysCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListAttachedGroupPolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupPolicies,
  paginateListGroupsForUser,
  paginateListMFADevices,
  paginateListUserPolicies,
  type RoleDetail,
  SimulatePrincipalPolicyCommand,
  type UserDetail,
} from '@aws-sdk/client-iam';
import { mfaDeviceType } from '../../features/checklist/domain/checklist.js';
import type { PolicySimulatorPort, SimulatedDecision } from '../../features/checklist/ports.js';
import type { IamPort } from '../../kernel/aws-ports.js';
import type { RolePolicies } from '../../kernel/domain/privilege.js';
import type { AccessKey, AttachedPolicy, IamUser, MfaDevice } from '../../kernel/domain/types.js';
import { awsCall } from './errors.js';

/** IAM returns policy documents URL-encoded (RFC 3986); some emulators return them plain. */
export function parsePolicyDocument(raw: string | undefined): unknown {
  if (!raw) return undefined;
  for (const text of [raw, safeDecode(raw)]) {
    try {
      return JSON.parse(text);
    } catch {
      // try the next form
    }
  }
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const accountOf = (arn: string) => arn.split(':')[4] ?? '';

async function collect<P, T>(pages: AsyncIterable<P>, pick: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

/** What the bot keeps of a user in the authorization details: name, ARN, tags and the managed policies' names. */
function toIamUser(u: UserDetail): IamUser {
  // The same listing names the managed policies on the user: AWS's quarantine policy is attached there.
  const managed = (u.AttachedManagedPolicies ?? []).map((p) => p.PolicyName ?? '').filter(Boolean);
  return {
    userName: u.UserName ?? '',
    arn: u.Arn ?? '',
    accountId: accountOf(u.Arn ?? ''),
    tags: Object.fromEntries((u.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    ...(managed.length ? { managedPolicies: managed } : {}),
  };
}

export function createIamAdapter(client: IAMClient): IamPort {
  async function managedPolicyDocument(policyArn: string): Promise<unknown> {
    const policy = await awsCall('iam:GetPolicy', () =>
      client.send(new GetPolicyCommand({ PolicyArn: policyArn })),
    );
    const versionId = policy.Policy?.DefaultVersionId;
    if (!versionId) return undefined;
    const version = await awsCall('iam:GetPolicyVersion', () =>
      client.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId })),
    );
    return parsePolicyDocument(version.PolicyVersion?.Document);
  }

  async function groupPolicies(groupName: string): Promise<AttachedPolicy[]> {
    const [attached, inlineNames] = await Promise.all([
      awsCall('iam:ListAttachedGroupPolicies', () =>
        collect(
          paginateListAttachedGroupPolicies({ client }, { GroupName: groupName }),
          (p) => p.AttachedPolicies,
        ),
      ),
      awsCall('iam:ListGroupPolicies', () =>
        collect(paginateListGroupPolicies({ client }, { GroupName: groupName }), (p) => p.PolicyNames),
      ),
    ]);
    const managed = attached.map(
      async (p): Promise<AttachedPolicy> => ({
        source: {
          kind: 'group-managed',
          groupName,
          policyName: p.PolicyName ?? '',
          policyArn: p.PolicyArn ?? '',
        },
        document: await managedPolicyDocument(p.PolicyArn ?? ''),
      }),
    );
    const inline = inlineNames.map(async (policyName): Promise<AttachedPolicy> => {
      const r = await awsCall('iam:GetGroupPolicy', () =>
        client.send(new GetGroupPolicyCommand({ GroupName: groupName, PolicyName: policyName })),
      );
      return {
        source: { kind: 'group-inline', groupName, policyName },
        document: parsePolicyDocument(r.PolicyDocument),
      };
    });
    return Promise.all([...managed, ...inline]);
  }

  /** The user's permissions boundary: its explicit denies apply like any other policy's. */
  async function permissionsBoundary(userName: string): Promise<AttachedPolicy[]> {
    const user = await awsCall('iam:GetUser', () => client.send(new GetUserCommand({ UserName: userName })));
    const arn = user.User?.PermissionsBoundary?.PermissionsBoundaryArn;
    if (!arn) return [];
    return [
      {
        source: { kind: 'boundary', policyName: arn.split('/').pop() ?? arn, policyArn: arn },
        document: await managedPolicyDocument(arn),
      },
    ];
  }

  return {
    async listUsers(): Promise<IamUser[]> {
      // One paginated call returns every user with its tags; ListUsers would need a ListUserTags call per user. Each
      // page is cut down to what the bot keeps as it arrives, so only one page of AWS's listing is held at a time.
      return awsCall('iam:GetAccountAuthorizationDetails', () =>
        collect(
          paginateGetAccountAuthorizationDetails({ client, pageSize: 1000 }, { Filter: ['User'] }),
          (p) => p.UserDetailList?.map(toIamUser),
        ),
      );
    },

    async listRoles(): Promise<RolePolicies[]> {
      // Roles with their inline policies and attached policy names, and the customer-managed documents, in one listing.
      const roles: RoleDetail[] = [];
      const local = new Map<string, unknown>();
      await awsCall('iam:GetAccountAuthorizationDetails', async () => {
        for await (const page of paginateGetAccountAuthorizationDetails(
          { client, pageSize: 1000 },
          { Filter: ['Role', 'LocalManagedPolicy'] },
        )) {
          roles.push(...(page.RoleDetailList ?? []));
          for (const p of page.Policies ?? []) {
            const version = p.PolicyVersionList?.find((v) => v.IsDefaultVersion) ?? p.PolicyVersionList?.[0];
            if (p.Arn) local.set(p.Arn, parsePolicyDocument(version?.Document));
          }
        }
      });
      return roles.map((r) => {
        const attached = r.AttachedManagedPolicies ?? [];
        return {
          arn: r.Arn ?? '',
          documents: [
            ...(r.RolePolicyList ?? []).map((p) => parsePolicyDocument(p.PolicyDocument)),
            ...attached.filter((a) => local.has(a.PolicyArn ?? '')).map((a) => local.get(a.PolicyArn ?? '')),
          ],
          awsManaged: attached
            .filter((a) => /^arn:aws[\w-]*:iam::aws:policy\//.test(a.PolicyArn ?? ''))
            .map((a) => a.PolicyName ?? ''),
        };
      });
    },

    async listMfaDevices(userName: string): Promise<MfaDevice[]> {
      const devices = await awsCall('iam:ListMFADevices', () =>
        collect(paginateListMFADevices({ client }, { UserName: userName }), (p) => p.MFADevices),
      );
      return devices.map((d) => ({
        serialNumber: d.SerialNumber ?? '',
        type: mfaDeviceType(d.SerialNumber ?? ''),
        enableDate: d.EnableDate,
      }));
    },

    async listAccessKeys(userName: string): Promise<AccessKey[]> {
      const listed = await awsCall('iam:ListAccessKeys', () =>
        client.send(new ListAccessKeysCommand({ UserName: userName })),
      );
      return Promise.all(
        (listed.AccessKeyMetadata ?? []).map(async (k): Promise<AccessKey> => {
          const accessKeyId = k.AccessKeyId ?? '';
          const used = await awsCall('iam:GetAccessKeyLastUsed', () =>
            client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId })),
          );
          const last = used.AccessKeyLastUsed;
          const known = (v: string | undefined) => (v && v !== 'N/A' ? v : undefined);
          return {
            accessKeyId,
            status: k.Status === 'Active' ? 'Active' : 'Inactive',
            createDate: k.CreateDate ?? new Date(0),
            lastUsed: last?.LastUsedDate
              ? { date: last.LastUsedDate, serviceName: known(last.ServiceName), region: known(last.Region) }
              : undefined,
          };
        }),
      );
    },

    async listPolicies(userName: string): Promise<AttachedPolicy[]> {
      const [attached, inlineNames, groups] = await Promise.all([
        awsCall('iam:ListAttachedUserPolicies', () =>
          collect(
            paginateListAttachedUserPolicies({ client }, { UserName: userName }),
            (p) => p.AttachedPolicies,
          ),
        ),
        awsCall('iam:ListUserPolicies', () =>
          collect(paginateListUserPolicies({ client }, { UserName: userName }), (p) => p.PolicyNames),
        ),
        awsCall('iam:ListGroupsForUser', () =>
          collect(paginateListGroupsForUser({ client }, { UserName: userName }), (p) => p.Groups),
        ),
      ]);
      const managed = attached.map(
        async (p): Promise<AttachedPolicy> => ({
          source: { kind: 'user-managed', policyName: p.PolicyName ?? '', policyArn: p.PolicyArn ?? '' },
          document: await managedPolicyDocument(p.PolicyArn ?? ''),
        }),
      );
      const inline = inlineNames.map(async (policyName): Promise<AttachedPolicy> => {
        const r = await awsCall('iam:GetUserPolicy', () =>
          client.send(new GetUserPolicyCommand({ UserName: userName, PolicyName: policyName })),
        );
        return {
          source: { kind: 'user-inline', policyName },
          document: parsePolicyDocument(r.PolicyDocument),
        };
      });
      const viaGroups = groups.map((g) => groupPolicies(g.GroupName ?? ''));
      const [direct, grouped, boundary] = await Promise.all([
        Promise.all([...managed, ...inline]),
        Promise.all(viaGroups),
        permissionsBoundary(userName),
      ]);
      return [...direct, ...grouped.flat(), ...boundary];
    },
  };
}

/** AWS's own policy evaluator, for confirming the bot's verdict (`iam:SimulatePrincipalPolicy`). */
export function createPolicySimulator(client: IAMClient): PolicySimulatorPort {
  return {
    async simulate(principalArn, actions, mfa) {
      const result = await awsCall('iam:SimulatePrincipalPolicy', () =>
        client.send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: principalArn,
            ActionNames: [...actions],
            ResourceArns: ['*'],
            // Absent: a request signed with a long-term access key carries no MFA context key at all.
            ContextEntries:
              mfa === 'absent'
                ? []
                : [
                    {
                      ContextKeyName: 'aws:MultiFactorAuthPresent',
                      ContextKeyType: 'boolean',
                      ContextKeyValues: [mfa],
                    },
                  ],
          }),
        ),
      );
      const decisions: Record<string, SimulatedDecision> = {};
      for (const r of result.EvaluationResults ?? []) {
        if (!r.EvalActionName) continue;
        const d = r.EvalDecision;
        decisions[r.EvalActionName] =
          d === 'allowed' ? 'allowed' : d === 'explicitDeny' ? 'explicitDeny' : 'implicitDeny';
      }
      return decisions;
    },
  };
}
