import {
  DeactivateMFADeviceCommand,
  DeleteVirtualMFADeviceCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { FactError } from '../../errors.js';
import type { MfaAdminPort } from '../../features/mfa-reset/ports.js';
import { awsCall } from './errors.js';

/** Gone already (a retry after a crash, or an administrator was quicker) is what was wanted. */
async function idempotent(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (error instanceof FactError && error.reason.kind === 'not_found') return;
    throw error;
  }
}

export function createMfaAdminAdapter(client: IAMClient): MfaAdminPort {
  return {
    deactivate: (userName, serialNumber) =>
      idempotent(() =>
        awsCall('iam:DeactivateMFADevice', () =>
          client.send(new DeactivateMFADeviceCommand({ UserName: userName, SerialNumber: serialNumber })),
        ),
      ),
    deleteVirtual: (serialNumber) =>
      idempotent(() =>
        awsCall('iam:DeleteVirtualMFADevice', () =>
          client.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serialNumber })),
        ),
      ),
  };
}
