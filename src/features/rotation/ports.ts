import type { Clock } from '../../kernel/domain/types.js';
import type { FindIamUser } from '../../kernel/people/find-iam-user.js';
import type { PersonReads } from '../../kernel/people/person-reads.js';
import type {
  ApprovalBoard,
  ApproversPort,
  IamPort,
  KeyAdminPort,
  KeyTrailPort,
  Messenger,
  RotationStore,
  SecretsPort,
} from '../../kernel/ports.js';
import type { Logger } from '../../logger.js';
import type { RotationSettings } from './domain.js';

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
  readonly messenger: Messenger;
  readonly approvers: ApproversPort;
  readonly findIamUser: FindIamUser;
  /** A person's keys, read through the per-person reuse and limit (requests); executing reads IAM itself. */
  readonly reads: Pick<PersonReads, 'keys'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly newId: () => string;
  readonly config: RotationConfig;
  /** `<instance>#<boot>`: who holds the leases this process takes (see RotationStore.lease). */
  readonly holder: string;
  /**
   * Whether a key was switched off because it leaked (pasted into Slack): such a key, though inactive, may be replaced
   * by a rotation — its owner's way to a new key. Unset: no key is.
   */
  readonly leaked?: (accessKeyId: string) => Promise<boolean>;
  /** Waits between retries; tests pass one that does not. */
  readonly sleep: (ms: number) => Promise<void>;
}

/** Who did it, in the audit log, when it was not a person. */
export const SYSTEM = 'aws-mfa-bot';
