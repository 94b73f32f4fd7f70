import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { awsCall } from './errors.js';

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

/** Who the bot runs as. Needs no IAM permission, so it is the cheapest proof that credentials work. */
export async function getCallerIdentity(client: STSClient): Promise<CallerIdentity> {
  const r = await awsCall('sts:GetCallerIdentity', () => client.send(new GetCallerIdentityCommand({})));
  return { account: r.Account ?? '', arn: r.Arn ?? '' };
}
