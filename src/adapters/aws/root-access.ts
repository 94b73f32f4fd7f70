import { type IAMClient, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { FactError } from '../../errors.js';
import type { RootAccessPort } from '../../kernel/aws-ports.js';
import { awsCall } from './errors.js';

/**
 * Centralised root access for AWS Organizations (`iam:ListOrganizationsFeatures`, asked in the bot's own account —
 * the management account or the delegated administrator): which of `RootCredentialsManagement` and `RootSessions`
 * are enabled. An account outside an organization, or one where trusted access for IAM is off, has none.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management
 */
export function createRootAccessAdapter(client: IAMClient): RootAccessPort {
  return {
    async features() {
      try {
        const answer = await awsCall('iam:ListOrganizationsFeatures', () =>
          client.send(new ListOrganizationsFeaturesCommand({})),
        );
        return (answer.EnabledFeatures ?? []).map(String);
      } catch (error) {
        const code = error instanceof FactError ? error.reason.code : undefined;
        if (code === 'OrganizationNotFoundException' || code === 'ServiceAccessNotEnabledException')
          return [];
        throw error;
      }
    },
  };
}
