/** One thing `jobs` would do now: which job, what, to what, and what else follows (DMs, posts). */
export interface PlannedStep {
  readonly job: 'rotation' | 'retired_key' | 'mfa_reset' | 'root_deletion' | 'cloudtrail' | 'outbox';
  readonly action: string;
  readonly subject: string;
  readonly detail?: string;
  /** Not a step the jobs would take: something that kept the plan from being complete. */
  readonly warning?: boolean;
}
