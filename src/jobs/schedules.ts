import cron, { type RunCoordinator, type ScheduledTask } from 'node-cron';

/** How often the rotation job runs in the bot process: DMs waiting in the outbox go out within this. */
export const ROTATION_JOB_CRON = '*/5 * * * *';
/** The CloudTrail signals job. */
export const TRAIL_SIGNALS_CRON = '*/15 * * * *';

export interface ScheduledJobs {
  readonly rotation: () => Promise<unknown>;
  readonly signals: () => Promise<unknown>;
  readonly scan: () => Promise<unknown>;
  /** The weekly posture chart. */
  readonly posture: () => Promise<unknown>;
}

/**
 * The bot's schedules. Each fire time runs on one replica only (the coordinator's row decides), and a run still going
 * when the next is due is skipped, not doubled. The jobs log their own failures; a rejection here is swallowed.
 */
export function startSchedules(
  jobs: ScheduledJobs,
  options: { scanCron: string; postureCron: string; timeZone: string; coordinator: RunCoordinator },
): ScheduledTask[] {
  const quietly = (job: () => Promise<unknown>) => () =>
    job().then(
      () => undefined,
      () => undefined,
    );
  const common = { noOverlap: true, distributed: true, runCoordinator: options.coordinator } as const;
  return [
    cron.schedule(ROTATION_JOB_CRON, quietly(jobs.rotation), { ...common, name: 'rotation' }),
    cron.schedule(TRAIL_SIGNALS_CRON, quietly(jobs.signals), { ...common, name: 'cloudtrail-signals' }),
    cron.schedule(options.scanCron, quietly(jobs.scan), {
      ...common,
      name: 'scan',
      timezone: options.timeZone,
    }),
    cron.schedule(options.postureCron, quietly(jobs.posture), {
      ...common,
      name: 'posture',
      timezone: options.timeZone,
    }),
  ];
}
