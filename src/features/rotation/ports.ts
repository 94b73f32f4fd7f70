import type { IamPort, KeyAdminPort, KeyTrailPort } from '../../kernel/aws-ports.js';
import type { Clock } from '../../kernel/domain/types.js';
import type { FindIamUser } from '../../kernel/people/find-iam-user.js';
import type { PersonReads } from '../../kernel/people/person-reads.js';
import type { ApproversPort } from '../../kernel/people/ports.js';
import type { ApprovalTable } from '../../kernel/workflow/table.js';
import type { Logger } from '../../logger.js';
import type { RotationRequest, RotationSettings } from './domain.js';
import type { ApprovalBoard, SecretsPort } from './ports-aws.js';

/** Rotation requests: the kernel's approval table, and the open request of a key. */
export interface RotationStore extends ApprovalTable<RotationRequest> {
  /** The open request (requested … delivered) for an access key, if any. */
  openRequestForKey(accessKeyId: string): Promise<RotationRequest | undefined>;
}

export interface RotationConfig extends RotationSettings {
  readonly approvalChannel: string;
  readonly secretPrefix: string;
  /** Region of the Secrets Manager secret and of the console link. */
  readonly region: string;
  /** Where alerts about keys go (an old key still in use, a reactivation); optional. */
  readonly securityChannel?: string | undefined;
}

export interface RotationDeps {
  readonly store: RotationStore;
  readonly iam: IamPort;
  readonly keys: KeyAdminPort;
  readonly secrets: SecretsPort;
  readonly keyTrail: KeyTrailPort;
  readonly board: ApprovalBoard;
  readonly approvers: ApproversPort;
  readonly findIamUser: FindIamUser;
  /** A person's keys, read through the per-person reuse and limit (requests); executing reads IAM itself. */
  readonly reads: Pick<PersonReads, 'keys'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly newId: () => string;
  readonly config: RotationConfig;
  /** `<instance>#<boot>`: who holds the leases this process takes (see WorkflowTable.lease). */
  readonly holder: string;
  /**
   * Whether a key was switched off because it leaked (pasted into Slack): such a key, though inactive, may be replaced
   * by a rotation — its owner's way to a new key. Unset: no key is.
   */
  readonly leaked?: (accessKeyId: string) => Promise<boolean>;
  /** Waits between retries; tests pass one that does not. */
  readonly sleep: (ms: number) => Promise<void>;
}
