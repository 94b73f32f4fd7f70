import type { KeyAdminPort } from '../../kernel/aws-ports.js';
import type { Clock } from '../../kernel/domain/types.js';
import type { FindIamUser } from '../../kernel/people/find-iam-user.js';
import type { PersonReads } from '../../kernel/people/person-reads.js';
import type { WorkflowTable } from '../../kernel/workflow/table.js';
import type { Logger } from '../../logger.js';
import type { KeyRetirement, RetirementSettings } from './domain.js';

export type { KeyNotice } from './domain.js';

/** Retired keys, one row per access key ID: the kernel's workflow table. */
export type RetirementStore = WorkflowTable<KeyRetirement>;

export interface RetireDeps {
  readonly retirements: RetirementStore;
  /** Whether a rotation is replacing the key (its own buttons and schedule act on it then). */
  readonly inRotation: (accessKeyId: string) => Promise<boolean>;
  readonly keys: KeyAdminPort;
  readonly findIamUser: FindIamUser;
  /** A person's keys, through the per-person reuse and limit: checked again on every click and submit. */
  readonly reads: Pick<PersonReads, 'keys'>;
  /** The bot's own principal ARN: its keys are never switched off by it. */
  readonly botArn: () => Promise<string>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly holder: string;
  readonly config: RetirementSettings & { readonly securityChannel: string | undefined };
}
