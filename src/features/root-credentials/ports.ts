import type { RootAccessPort } from '../../kernel/aws-ports.js';
import type { Clock } from '../../kernel/domain/types.js';
import type { ApproversPort } from '../../kernel/people/ports.js';
import type { MessageBoard } from '../../kernel/workflow/sync.js';
import type { ApprovalTable } from '../../kernel/workflow/table.js';
import type { Logger } from '../../logger.js';
import type { RootCredentialsRemoved, RootDeletion, RootDeletionSettings } from './domain.js';

export type { RootDeletionNotice } from './domain.js';

/**
 * A privileged root session in a member account: `sts:AssumeRoot` (from the bot's own account, the management
 * account or IAM's delegated administrator) scoped by IAMDeleteRootUserCredentials, then root's console password,
 * access keys, signing certificates and MFA devices removed with it. Repeating it is harmless: what is gone is not
 * found again.
 */
export interface RootSessionPort {
  deleteRootCredentials(accountId: string): Promise<RootCredentialsRemoved>;
}

/** Deletions: the kernel's approval table (each approval audited). */
export type RootDeletionStore = ApprovalTable<RootDeletion>;

export type RootDeletionBoard = MessageBoard<RootDeletion>;

export interface RootDeletionConfig extends RootDeletionSettings {
  readonly approvalChannel: string;
  readonly securityChannel: string | undefined;
}

export interface RootDeletionDeps {
  readonly deletions: RootDeletionStore;
  readonly rootSessions: RootSessionPort;
  /** Which centralised-root features the organization has: a root session needs `RootSessions`. */
  readonly rootAccess: RootAccessPort;
  /** The member accounts the bot looks after (AWS_ACCOUNTS without the bot's own): the only ones it may act on. */
  readonly memberAccounts: () => Promise<readonly string[]>;
  readonly board: RootDeletionBoard;
  readonly approvers: ApproversPort;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly newId: () => string;
  readonly holder: string;
  readonly config: RootDeletionConfig;
}
