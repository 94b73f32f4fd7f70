import type { IamPort } from '../../kernel/aws-ports.js';
import type { Checked, IamUser } from '../../kernel/domain/types.js';
import { readFact } from '../../kernel/read-fact.js';
import type { Logger } from '../../logger.js';
import { expectedVirtualMfaArn } from './domain/checklist.js';
import { codeDevice, passkeyOnly } from './domain/login.js';

export interface SessionDevice {
  readonly serial: string;
  /** True when the user has no device yet and `serial` is the ARN a new virtual device will get. */
  readonly expected: boolean;
  readonly region: string;
  readonly accountId: string;
  /** Their only MFA is a passkey or security key: no code for get-session-token; `aws login` instead. */
  readonly passkeyOnly: boolean;
}

export type GetSessionDevice = (user: IamUser) => Promise<Checked<SessionDevice>>;

/** The MFA device to put in the user's `get-session-token` command: one IAM call, not a whole checklist. */
export function createGetSessionDevice(deps: {
  iam: IamPort;
  logger: Logger;
  region: string;
}): GetSessionDevice {
  return async (user) => {
    const devices = await readFact(deps.logger, 'mfa', user, () =>
      deps.iam.listMfaDevices(user.userName, user.accountId),
    );
    if (devices.state !== 'ok') return devices;
    // get-session-token needs a device that gives codes: a passkey's serial would be refused.
    const first = codeDevice(devices.value);
    return {
      state: 'ok',
      value: {
        serial: first?.serialNumber ?? expectedVirtualMfaArn(user),
        expected: !first,
        region: deps.region,
        accountId: user.accountId,
        passkeyOnly: passkeyOnly(devices.value),
      },
    };
  };
}
