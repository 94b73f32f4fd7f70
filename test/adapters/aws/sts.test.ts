import { STSClient } from '@aws-sdk/client-sts';
import { beforeAll, expect, it } from 'vitest';
import { getCallerIdentity } from '../../../src/adapters/aws/sts.js';
import { describeWithMoto, useMotoEnvironment } from '../../helpers/aws.js';

describeWithMoto('STS adapter against moto_server', () => {
  beforeAll(() => useMotoEnvironment());

  it('tells which account and principal the bot runs as', async () => {
    const id = await getCallerIdentity(new STSClient({}));
    expect(id.account).toBe('123456789012');
    expect(id.arn).toMatch(/^arn:aws:(iam|sts)::123456789012:/);
  });
});
