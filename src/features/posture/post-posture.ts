import { DAY_MS } from '../../kernel/domain/time.js';
import type { Clock } from '../../kernel/domain/types.js';
import type { Logger } from '../../logger.js';
import { type WeekPoint, weeklySeries } from './domain.js';
import type { PostureStore } from './ports.js';

const WEEK_MS = 7 * DAY_MS;
export const POSTURE_WEEKS = 12;

/** A PNG into a channel, with its title, alt text and a line of text. */
export interface ChartUploadPort {
  uploadPng(
    channel: string,
    png: Buffer,
    meta: {
      readonly filename: string;
      readonly title: string;
      readonly altText: string;
      readonly comment: string;
    },
  ): Promise<void>;
}

export interface PostureChart {
  readonly png: Buffer;
  readonly points: readonly WeekPoint[];
  readonly summary: string;
  readonly alt: string;
}

export interface PostureDeps {
  readonly posture: PostureStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Draws the picture (the report module: a charting library). */
  readonly render: (points: readonly WeekPoint[]) => Promise<{ png: Buffer; summary: string; alt: string }>;
}

/** The last `weeks` weeks of the organisation's snapshots, drawn. */
export async function buildPostureChart(deps: PostureDeps, weeks = POSTURE_WEEKS): Promise<PostureChart> {
  const now = deps.clock.now();
  const snapshots = await deps.posture.since(now.getTime() - (weeks + 1) * WEEK_MS);
  const points = weeklySeries(snapshots, weeks, now);
  return { points, ...(await deps.render(points)) };
}

/**
 * POSTURE_CRON: the weekly picture to SECURITY_CHANNEL, through Slack's external upload (files.getUploadURLExternal,
 * the bytes, files.completeUploadExternal). Nothing is posted without a channel or without any scan in the window.
 */
export async function postPosture(
  deps: PostureDeps & { readonly upload: ChartUploadPort; readonly securityChannel: string | undefined },
): Promise<'posted' | 'no_channel' | 'no_data'> {
  if (!deps.securityChannel) return 'no_channel';
  const chart = await buildPostureChart(deps);
  if (chart.points.every((p) => p.mfaCoverage === undefined)) {
    deps.logger.info('no scan in the last weeks: no posture chart posted');
    return 'no_data';
  }
  const day = deps.clock.now().toISOString().slice(0, 10);
  await deps.upload.uploadPng(deps.securityChannel, chart.png, {
    filename: `aws-mfa-posture-${day}.png`,
    title: `AWS MFA and access keys, ${POSTURE_WEEKS} weeks to ${day}`,
    altText: chart.alt,
    comment: chart.summary,
  });
  deps.logger.info({ channel: deps.securityChannel, bytes: chart.png.length }, 'posture chart posted');
  return 'posted';
}
