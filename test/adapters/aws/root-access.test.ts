import { IAMClient, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createRootAccessAdapter } from '../../../src/adapters/aws/root-access.js';

// moto has no ListOrganizationsFeatures: exactly that call is mocked, on a client of its own.
describe('centralised root access (iam:ListOrganizationsFeatures)', () => {
  const client = new IAMClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  const mock = mockClient(client);

  it('names the enabled features', async () => {
    mock
      .reset()
      .on(ListOrganizationsFeaturesCommand)
      .resolves({
        OrganizationId: 'o-abcdefghij',
        EnabledFeatures: ['RootCredentialsManagement', 'RootSessions'],
      });
    expect(await createRootAccessAdapter(client).features()).toEqual([
      'RootCredentialsManagement',
      'RootSessions',
    ]);
  });

  it('no organization, or trusted access off: no features, not an error', async () => {
    for (const name of ['OrganizationNotFoundException', 'ServiceAccessNotEnabledException']) {
      mock
        .reset()
        .on(ListOrganizationsFeaturesCommand)
        .rejects(Object.assign(new Error(name), { name, $metadata: {} }));
      expect(await createRootAccessAdapter(client).features()).toEqual([]);
    }
  });

  it('AccessDenied is an error the caller logs (the scan judges root as before)', async () => {
    mock
      .reset()
      .on(ListOrganizationsFeaturesCommand)
      .rejects(
        Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
      );
    await expect(createRootAccessAdapter(client).features()).rejects.toMatchObject({
      reason: { kind: 'access_denied', action: 'iam:ListOrganizationsFeatures' },
    });
  });
});
