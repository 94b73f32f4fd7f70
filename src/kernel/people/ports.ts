import type { DirectoryIndex, MappingRecord, MappingRule, SlackPerson } from '../domain/identity.js';
import type { Outgoing } from '../outbox/ports.js';

export interface SlackDirectoryPort {
  /** The whole workspace directory, loaded in bulk and cached. */
  index(options?: { refresh?: boolean }): Promise<DirectoryIndex>;
  /** One person, from the cached directory or, when not there yet (new hire), looked up on their own. */
  person(slackUserId: string): Promise<SlackPerson | undefined>;
  /** The cached entry only, without any call: for answers that must go out within Slack's 3 seconds. */
  peek(slackUserId: string): SlackPerson | undefined;
}

/**
 * To the security channel, about who is who: an IAM user with keys changed person (`mapping_changed`) or was matched
 * by e-mail for the first time (`mapping_new`; a scan's first sightings come as one `mappings_new`); several IAM users
 * claim one person (`identity_conflict`); the operator trusted e-mail mappings (`mappings_trusted`).
 */
export type IdentityNotice =
  | {
      readonly kind: 'mapping_changed';
      readonly iamUserArn: string;
      readonly from: string;
      readonly to: string;
      readonly rule: MappingRule;
      readonly requestId?: undefined;
    }
  | {
      readonly kind: 'mapping_new';
      readonly iamUserArn: string;
      readonly to: string;
      readonly rule: MappingRule;
      readonly requestId?: undefined;
    }
  | {
      readonly kind: 'mappings_new' | 'mappings_trusted';
      /** The first few IAM user ARNs with their person, and how many there are in all. */
      readonly mappings: readonly { readonly iamUserArn: string; readonly to: string }[];
      readonly total: number;
      /** mappings_trusted: who trusted them (the operator, as the CLI names them). */
      readonly by?: string;
      readonly requestId?: undefined;
    }
  | {
      readonly kind: 'identity_conflict';
      readonly slackUserId: string;
      readonly claimants: readonly string[];
      readonly requestId?: undefined;
    };

export interface ApproversPort {
  /** APPROVERS: listed user IDs, or members of the listed user groups. */
  isApprover(slackUserId: string): Promise<boolean>;
}

export interface MappingChange {
  readonly iamUserArn: string;
  /** The person it mapped to before (a first sighting: none). */
  readonly from: string | undefined;
  readonly to: string;
  readonly rule: MappingRule;
}

/** One remembered mapping: which person, by which rule, since when, and whether the operator trusted it. */
export interface StoredMapping extends MappingRecord {
  readonly iamUserArn: string;
  readonly slackUserId: string;
  readonly rule: MappingRule;
  readonly trustedBy?: string | undefined;
}

/** Who each IAM user (and IAM Identity Center user) maps to, remembered with the time it started. */
export interface IdentityStore {
  /**
   * Records what is seen now; resolves with what is remembered of each mapping, those that changed person, and those
   * seen for the first time.
   */
  observe(
    observations: readonly { iamUserArn: string; slackUserId: string; rule: MappingRule }[],
    at: number,
  ): Promise<{ records: Map<string, MappingRecord>; changed: MappingChange[]; first: MappingChange[] }>;
  /** What is remembered of these (read only). */
  read(iamUserArns: readonly string[]): Promise<Map<string, StoredMapping>>;
  /**
   * The operator trusts these mappings now (each as seen: it is recorded if it was not yet). Resolves with the ARNs
   * newly trusted; one already trusted, or mapping to someone else by now, is left as it is.
   */
  trust(
    observations: readonly { iamUserArn: string; slackUserId: string; rule: MappingRule }[],
    at: number,
    by: string,
    /** The notices to queue in the same transaction, given the ARNs newly trusted (audited there too). */
    notify?: (trusted: readonly string[]) => readonly Outgoing[],
  ): Promise<string[]>;
  /** Every remembered mapping whose key starts with `prefix` (IAM Identity Center users: `identitycenter:`). */
  list(prefix: string): Promise<StoredMapping[]>;
}
