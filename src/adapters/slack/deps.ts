import type { GetChecklist } from '../../features/checklist/get-checklist.js';
import type { GetPolicyVerdict } from '../../features/checklist/get-policy-verdict.js';
import type { GetSessionDevice } from '../../features/checklist/get-session-device.js';
import type { GetSignIn } from '../../features/checklist/get-sign-in.js';
import type { IdentityCenterSettings } from '../../features/identity-center/domain.js';
import type { GetSsoFor } from '../../features/identity-center/get-sso-status.js';
import type { RetireDeps } from '../../features/key-retirement/ports.js';
import type { MfaResetDeps } from '../../features/mfa-reset/ports.js';
import type { DeactivatePastedDeps } from '../../features/pasted-keys/deactivate-pasted-key.js';
import type { PastedKeyDeps } from '../../features/pasted-keys/handle-message.js';
import type { KeyLookupPort } from '../../features/pasted-keys/ports.js';
import type { RootDeletionDeps } from '../../features/root-credentials/ports.js';
import type { RotationDeps } from '../../features/rotation/ports.js';
import type { NudgeAnswerDeps } from '../../features/scan/answer-nudge.js';
import type { KeyAdminPort } from '../../kernel/aws-ports.js';
import type { Clock } from '../../kernel/domain/types.js';
import type { FindIamUser } from '../../kernel/people/find-iam-user.js';
import type { PersonReads } from '../../kernel/people/person-reads.js';
import type { SlackDirectoryPort } from '../../kernel/people/ports.js';
import type { Logger } from '../../logger.js';

/** What the Slack listeners need: use cases and settings, never SDK clients. */
export interface SlackDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly directory: SlackDirectoryPort;
  readonly findIamUser: FindIamUser;
  /** Every per-person AWS read (checklist, modals, submits): reused for a minute, a few people at a time. */
  readonly reads: PersonReads;
  readonly getChecklist: GetChecklist;
  readonly getSessionDevice: GetSessionDevice;
  readonly getPolicyVerdict: GetPolicyVerdict;
  /** Whether a person's policies allow `aws login` (`/aws-mfa login`). */
  readonly getSignIn: GetSignIn;
  /** The bot's region: put into people's commands. */
  readonly region: string;
  /** Key rotation: requests, decisions, the old key's schedule. */
  readonly rotation: RotationDeps;
  readonly keys: KeyAdminPort;
  /** Keys their owners switch off (unused, surplus, pasted into Slack). */
  readonly retire: RetireDeps;
  /** Whose an access key ID is (pasted keys). */
  readonly keyLookup: KeyLookupPort;
  /** AWS keys pasted into conversations the bot is in. */
  readonly pasted: PastedKeyDeps;
  /** "Deactivate now" on a pasted key: its owner, or an approver for a key reported pasted. */
  readonly deactivatePasted: DeactivatePastedDeps;
  /** Approved resets of lost or broken MFA devices. */
  readonly mfaReset: MfaResetDeps;
  /** Deleting member accounts' root credentials (with several accounts only: a member account is needed). */
  readonly rootDeletion?: RootDeletionDeps;
  /** `123456789012 (prod)`: an account as people read it, with its alias. */
  readonly accountLabel: (accountId: string) => Promise<string>;
  /** IAM Identity Center (step 7, `/aws-mfa sso`); absent when IDENTITY_CENTER_START_URL is unset. */
  readonly identityCenter?: {
    readonly settings: IdentityCenterSettings;
    readonly status: GetSsoFor;
    /** The default region put into people's profiles (the bot's). */
    readonly region: string;
  };
  /** The nudge buttons: answers, snoozes and "not my account". */
  readonly nudges: NudgeAnswerDeps;
  readonly settings: {
    readonly keyMaxAgeDays: number;
    readonly keyUnusedDays: number;
    readonly emailTagKey: string;
    readonly securityChannel: string | undefined;
  };
}
