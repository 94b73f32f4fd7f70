import type { NewAccessKey } from '../../kernel/aws-ports.js';
import type { MessageBoard } from '../../kernel/workflow/sync.js';
import type { RotationRequest } from './domain.js';

/** The approval message in APPROVAL_CHANNEL: posted once (no `approvalTs` yet), then updated to show the decision. */
export type ApprovalBoard = MessageBoard<RotationRequest>;

export interface StoredSecret {
  readonly arn: string;
  readonly name: string;
}

export interface SecretsPort {
  /**
   * Stores the key under `name` (a new version if the secret exists), tagged, with a resource policy that lets only
   * the owner (and the bot) read it. `requestId` is the idempotency token: a retry stores nothing twice.
   */
  storeAccessKey(input: {
    name: string;
    requestId: string;
    owner: { userName: string; arn: string; slackUserId: string };
    key: NewAccessKey;
    /** The key's own account: the secret and its policy are made there. */
    accountId?: string;
  }): Promise<StoredSecret>;
  /** Whether the version written for `requestId` exists (start-up reconciliation). */
  hasVersion(name: string, requestId: string, accountId?: string): Promise<boolean>;
  /**
   * Puts the owner-only resource policy, verifies it, and puts the tags: every property of a finished rotation
   * (recovery does this before adopting a key a crashed attempt stored).
   */
  secure(
    name: string,
    requestId: string,
    owner: { userName: string; arn: string; slackUserId: string },
    accountId?: string,
  ): Promise<void>;
}
