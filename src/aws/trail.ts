import { type CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { TrailEvent } from '../domain/trail-signals.js';
import type { SessionTokenUse } from '../domain/types.js';
import type { KeyTrailPort, KeyUseEvent, TrailPort } from '../services/ports.js';
import { awsCall } from './errors.js';
import type { RateLimiter } from './rate-limit.js';

export interface TrailAdapterDeps {
  /** A client per region: STS calls are logged in us-east-1 (global endpoint) or in the region of the endpoint used. */
  readonly clients: readonly { readonly region: string; readonly client: CloudTrailClient }[];
  readonly limiter: RateLimiter;
  /** Pages of 50 events read per region before giving up; keeps a busy account from stalling the checklist. */
  readonly maxPagesPerRegion?: number;
}

export function createTrailAdapter(deps: TrailAdapterDeps): TrailPort {
  const maxPages = deps.maxPagesPerRegion ?? 4;

  async function latestIn(region: string, client: CloudTrailClient, userName: string, since: Date) {
    let token: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      await deps.limiter.take();
      const r = await awsCall('cloudtrail:LookupEvents', () =>
        client.send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetSessionToken' }],
            StartTime: since,
            MaxResults: 50,
            NextToken: token,
          }),
        ),
      );
      // Events come newest first, so the first match is the latest one in this region.
      const hit = (r.Events ?? []).find((e) => e.Username === userName && e.EventTime);
      if (hit?.EventTime) return { eventTime: hit.EventTime, region };
      token = r.NextToken;
      if (!token) break;
    }
    return undefined;
  }

  return {
    async findSessionTokenUse(userName, since): Promise<SessionTokenUse | undefined> {
      let latest: SessionTokenUse | undefined;
      // One region after the other: the shared limiter spaces the calls anyway, so running them together gains little.
      for (const { region, client } of deps.clients) {
        const found = await latestIn(region, client, userName, since);
        if (found && (!latest || found.eventTime > latest.eventTime)) latest = found;
      }
      return latest;
    },
  };
}

/** Where an old key is still used: CloudTrail events looked up by AccessKeyId, in each region. */
export function createKeyTrailAdapter(deps: TrailAdapterDeps): KeyTrailPort {
  return {
    async recentUseOfKey(accessKeyId, since, limit) {
      const events: KeyUseEvent[] = [];
      for (const { region, client } of deps.clients) {
        await deps.limiter.take();
        const r = await awsCall('cloudtrail:LookupEvents', () =>
          client.send(
            new LookupEventsCommand({
              LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: accessKeyId }],
              StartTime: since,
              MaxResults: Math.min(50, limit),
            }),
          ),
        );
        for (const e of r.Events ?? []) {
          if (!e.EventTime) continue;
          let raw: { sourceIPAddress?: string; userAgent?: string; awsRegion?: string } = {};
          try {
            raw = JSON.parse(e.CloudTrailEvent ?? '{}');
          } catch {
            // keep what the summary has
          }
          events.push({
            eventTime: e.EventTime,
            eventName: e.EventName ?? '',
            eventSource: e.EventSource ?? '',
            region: raw.awsRegion ?? region,
            sourceIp: raw.sourceIPAddress,
            userAgent: raw.userAgent,
          });
        }
      }
      return events.sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime()).slice(0, limit);
    },
  };
}

/** The lookups the signals job makes per region: sign-ins, key creation, and anything root did. */
const SIGNAL_LOOKUPS = [
  { AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' },
  { AttributeKey: 'EventName', AttributeValue: 'CreateAccessKey' },
  { AttributeKey: 'Username', AttributeValue: 'root' },
] as const;

/**
 * CloudTrail events for the signals job, in us-east-1 (global events: IAM, STS, sign-in) and AWS_REGION, paginated
 * and bounded, at most 2 requests a second through the shared limiter.
 */
export function createSignalsTrailAdapter(deps: TrailAdapterDeps) {
  const maxPages = deps.maxPagesPerRegion ?? 10;
  return {
    async eventsBetween(since: Date, until: Date): Promise<TrailEvent[]> {
      const seen = new Map<string, TrailEvent>();
      for (const { region, client } of deps.clients) {
        for (const attribute of SIGNAL_LOOKUPS) {
          let token: string | undefined;
          for (let page = 0; page < maxPages; page++) {
            await deps.limiter.take();
            const r = await awsCall('cloudtrail:LookupEvents', () =>
              client.send(
                new LookupEventsCommand({
                  LookupAttributes: [{ ...attribute }],
                  StartTime: since,
                  EndTime: until,
                  MaxResults: 50,
                  NextToken: token,
                }),
              ),
            );
            for (const e of r.Events ?? []) {
              if (!e.EventId || !e.EventTime) continue;
              let record: TrailEvent['record'] = {};
              try {
                record = JSON.parse(e.CloudTrailEvent ?? '{}');
              } catch {
                // an unreadable record is classified on its name alone
              }
              seen.set(e.EventId, {
                eventId: e.EventId,
                eventName: e.EventName ?? '',
                eventTime: e.EventTime,
                region,
                record,
              });
            }
            token = r.NextToken;
            if (!token) break;
          }
        }
      }
      return [...seen.values()].sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime());
    },
  };
}
