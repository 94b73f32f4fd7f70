import type { IamPort } from '../../kernel/aws-ports.js';
import type { Clock } from '../../kernel/domain/types.js';
import type { FindIamUser } from '../../kernel/people/find-iam-user.js';
import type { PersonReads } from '../../kernel/people/person-reads.js';
import type { ApproversPort } from '../../kernel/people/ports.js';
import type { MessageBoard } from '../../kernel/workflow/sync.js';
import type { ApprovalTable } from '../../kernel/workflow/table.js';
import type { Logger } from '../../logger.js';
import type { MfaReset, MfaResetSettings } from './domain.js';

export type { MfaResetNotice } from './domain.js';

/** The bot's role removes a lost device: the person, without MFA under the Deny-unless-MFA policy, cannot. */
export interface MfaAdminPort {
  /** `iam:DeactivateMFADevice`; a device already gone is not an error. */
  deactivate(userName: string, serialNumber: string, accountId?: string): Promise<void>;
  /** `iam:DeleteVirtualMFADevice`; a device already gone is not an error. */
  deleteVirtual(serialNumber: string, accountId?: string): Promise<void>;
}

/** MFA resets: the kernel's approval table (each approval audited as "having verified the person outside Slack"). */
export type MfaResetStore = ApprovalTable<MfaReset>;

/** The approval message for a reset in APPROVAL_CHANNEL: posted once, then updated to show where it stands. */
export type ResetBoard = MessageBoard<MfaReset>;

export interface MfaResetConfig extends MfaResetSettings {
  readonly approvalChannel: string;
  readonly securityChannel: string | undefined;
}

export interface MfaResetDeps {
  readonly resets: MfaResetStore;
  readonly iam: Pick<IamPort, 'listMfaDevices' | 'listPolicies' | 'listRoles'>;
  readonly devices: MfaAdminPort;
  readonly board: ResetBoard;
  readonly approvers: ApproversPort;
  readonly findIamUser: FindIamUser;
  /** A person's devices, through the per-person reuse and limit. */
  readonly reads: Pick<PersonReads, 'devices'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly newId: () => string;
  readonly holder: string;
  readonly config: MfaResetConfig;
}
