import {
  DescribeUserCommand,
  GetUserIdCommand,
  type IdentitystoreClient,
  paginateListGroupMembershipsForMember,
  paginateListUsers,
} from '@aws-sdk/client-identitystore';
import {
  DescribePermissionSetCommand,
  ListInstancesCommand,
  paginateListAccountAssignmentsForPrincipal,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { FactError } from '../../errors.js';
import {
  distinctAssignments,
  type SsoAssignment,
  type SsoUser,
} from '../../features/identity-center/domain.js';
import type { IdentityCenterPort } from '../../features/identity-center/ports.js';
import { awsCall } from './errors.js';

/**
 * IAM Identity Center, read only: the instance (`sso:ListInstances`, or IDENTITY_STORE_ID), a person's user by
 * e-mail (`identitystore:GetUserId` on `emails.value`), their groups, and their account assignments directly and
 * through those groups, with each permission set's name.
 */
export function createIdentityCenterAdapter(deps: {
  readonly ssoAdmin: SSOAdminClient;
  readonly identityStore: IdentitystoreClient;
  readonly identityStoreId: string | undefined;
}): IdentityCenterPort {
  let instance: Promise<{ instanceArn: string; identityStoreId: string }> | undefined;
  const permissionSets = new Map<string, Promise<string>>();

  const theInstance = () => {
    instance ??= awsCall('sso:ListInstances', () => deps.ssoAdmin.send(new ListInstancesCommand({}))).then(
      (r) => {
        const found = r.Instances?.find(
          (i) => !deps.identityStoreId || i.IdentityStoreId === deps.identityStoreId,
        );
        if (!found?.InstanceArn || !found.IdentityStoreId)
          throw new Error('no IAM Identity Center instance found (sso-admin:ListInstances)');
        return { instanceArn: found.InstanceArn, identityStoreId: found.IdentityStoreId };
      },
    );
    return instance.catch((error) => {
      instance = undefined;
      throw error;
    });
  };

  const permissionSetName = (instanceArn: string, arn: string) => {
    let name = permissionSets.get(arn);
    if (!name) {
      name = awsCall('sso:DescribePermissionSet', () =>
        deps.ssoAdmin.send(
          new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }),
        ),
      ).then((r) => r.PermissionSet?.Name ?? arn.split('/').pop() ?? arn);
      permissionSets.set(arn, name);
      name.catch(() => permissionSets.delete(arn));
    }
    return name;
  };

  async function assignmentsOf(instanceArn: string, principalId: string, type: 'USER' | 'GROUP') {
    const out: { accountId: string; permissionSetArn: string }[] = [];
    await awsCall('sso:ListAccountAssignmentsForPrincipal', async () => {
      for await (const page of paginateListAccountAssignmentsForPrincipal(
        { client: deps.ssoAdmin },
        { InstanceArn: instanceArn, PrincipalId: principalId, PrincipalType: type },
      ))
        for (const a of page.AccountAssignments ?? [])
          if (a.AccountId && a.PermissionSetArn)
            out.push({ accountId: a.AccountId, permissionSetArn: a.PermissionSetArn });
    });
    return out;
  }

  return {
    async listEmails() {
      const { identityStoreId } = await theInstance();
      const emails = new Set<string>();
      await awsCall('identitystore:ListUsers', async () => {
        for await (const page of paginateListUsers(
          { client: deps.identityStore },
          { IdentityStoreId: identityStoreId },
        ))
          for (const u of page.Users ?? [])
            for (const e of u.Emails ?? []) if (e.Value) emails.add(e.Value.toLowerCase());
      });
      return emails;
    },

    async findUser(email): Promise<SsoUser | undefined> {
      const { instanceArn, identityStoreId } = await theInstance();
      let userId: string | undefined;
      try {
        userId = (
          await awsCall('identitystore:GetUserId', () =>
            deps.identityStore.send(
              new GetUserIdCommand({
                IdentityStoreId: identityStoreId,
                AlternateIdentifier: {
                  UniqueAttribute: { AttributePath: 'emails.value', AttributeValue: email },
                },
              }),
            ),
          )
        ).UserId;
      } catch (error) {
        if (error instanceof FactError && error.reason.kind === 'not_found') return undefined;
        throw error;
      }
      if (!userId) return undefined;
      const id = userId;
      const [described, groups] = await Promise.all([
        awsCall('identitystore:DescribeUser', () =>
          deps.identityStore.send(new DescribeUserCommand({ IdentityStoreId: identityStoreId, UserId: id })),
        ),
        awsCall('identitystore:ListGroupMembershipsForMember', async () => {
          const ids: string[] = [];
          for await (const page of paginateListGroupMembershipsForMember(
            { client: deps.identityStore },
            { IdentityStoreId: identityStoreId, MemberId: { UserId: id } },
          ))
            for (const g of page.GroupMemberships ?? []) if (g.GroupId) ids.push(g.GroupId);
          return ids;
        }),
      ]);
      const raw = (
        await Promise.all([
          assignmentsOf(instanceArn, id, 'USER'),
          ...groups.map((g) => assignmentsOf(instanceArn, g, 'GROUP')),
        ])
      ).flat();
      const assignments: SsoAssignment[] = await Promise.all(
        raw.map(async (a) => ({
          accountId: a.accountId,
          permissionSet: await permissionSetName(instanceArn, a.permissionSetArn),
        })),
      );
      return {
        userId: id,
        userName: described.UserName ?? email,
        assignments: distinctAssignments(assignments),
      };
    },
  };
}
