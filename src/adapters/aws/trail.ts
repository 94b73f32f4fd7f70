import {
  type CloudTrailClient,
  type Event,
  LookupEventsCommand,
  type LookupEventsCommandInput,
} from '@aws-sdk/client-cloudtrail';
import { FactError } from '../../errors.js';
import { LOGIN_EVENT, loginUserOf } from '../../features/checklist/domain/login.js';
import type { TrailPort } from '../../features/checklist/ports.js';
import { type SsoSession, ssoSessionOf } from '../../features/identity-center/domain.js';
import type { TrailEvent } from '../../features/trail-signals/domain.js';
import type { KeyTrailPort, KeyUseEvent } from '../../kernel/aws-ports.js';
import type { SessionTokenUse } from '../../kernel/domain/types.js';
import { awsCall } from './errors.js';
import type { RateLimiter } from './rate-limit.js';

export interface TrailAdapterDeps {
  /** A client per region: STS calls are logged in us-east-1 (global endpoint) or in the region of the endpoint used. */
  readonly clients: readonly { readonly region: string; readonly client: CloudTrailClient }[];
  readonly limiter: RateLimiter;
  /** How long a request may wait for its place in the limiter's queue; longer → throttled ("couldn't check"). */
  readonly maxWaitMs?: number;
  /** Pages of 50 events read per region before giving up; keeps a busy account from stalling the checklist. */
  readonly maxPagesPerRegion?: number;
}

/**
 * Pages of one LookupEvents query, newest events first: every request waits for the shared limiter (CloudTrail
 * allows 2 a second per region and account), and at most `maxPages` are read.
 */
async function* lookupPages(
  deps: TrailAdapterDeps,
  client: CloudTrailClient,
  input: Omit<LookupEventsCommandInput, 'NextToken'>,
  maxPages: number,
): AsyncGenerator<Event[]> {
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    if (!(await deps.limiter.take(deps.maxWaitMs))) {
      throw new FactError({ kind: 'throttled', action: 'cloudtrail:LookupEvents', code: 'QueuedTooLong' });
    }
    const r = await awsCall('cloudtrail:LookupEvents', () =>
      client.send(new LookupEventsCommand({ ...input, NextToken: token })),
    );
    yield r.Events ?? [];
    token = r.NextToken;
    if (!token) return;
  }
}

/** The raw CloudTrail record of an event; an unreadable one is empty, so callers fall back to the summary. */
function parseRecord(e: Event): TrailEvent['record'] {
  try {
    return JSON.parse(e.CloudTrailEvent ?? '{}');
  } catch {
    return {};
  }
}

/** How long pages of the account's GetSessionToken (and `aws login`) events serve every person's step 6. */
const SESSION_PAGES_TTL_MS = 60_000;
/** A Re-check reads the pages again unless they are this fresh (a burst of Re-checks costs one read). */
const SESSION_PAGES_MIN_REFRESH_MS = 10_000;

type Page = { readonly events: Event[]; readonly next: string | undefined };

/** The two ways to temporary credentials step 6 looks for, and how an event is matched to the user. */
const SESSION_QUERIES = [
  {
    via: 'get_session_token',
    eventName: 'GetSessionToken',
    isBy: (e: Event, userName: string) => e.Username === userName,
  },
  {
    via: 'aws_login',
    eventName: LOGIN_EVENT.name,
    isBy: (e: Event, userName: string) => loginUserOf(parseRecord(e)) === userName,
  },
] as const;
type SessionQuery = (typeof SESSION_QUERIES)[number];

export function createTrailAdapter(deps: TrailAdapterDeps, now: () => number = Date.now): TrailPort {
  const maxPages = deps.maxPagesPerRegion ?? 4;
  // Each query is the same for everyone (the account's GetSessionToken events, its `aws login` events): its pages are
  // read once a minute per region and shared, so a burst of people costs CloudTrail a few requests, not a few each.
  const cache = new Map<string, { at: number; pages: (Promise<Page> | undefined)[] }>();

  function page(
    region: string,
    client: CloudTrailClient,
    since: Date,
    index: number,
    eventName: string,
  ): Promise<Page> {
    const key = `${region}\n${eventName}`;
    let entry = cache.get(key);
    if (!entry || now() - entry.at > SESSION_PAGES_TTL_MS) {
      entry = { at: now(), pages: [] };
      cache.set(key, entry);
    }
    const pages = entry.pages;
    const cached = pages[index];
    if (cached) return cached;
    const loading = (async (): Promise<Page> => {
      const token = index === 0 ? undefined : (await page(region, client, since, index - 1, eventName)).next;
      if (index > 0 && !token) return { events: [], next: undefined };
      if (!(await deps.limiter.take(deps.maxWaitMs))) {
        throw new FactError({ kind: 'throttled', action: 'cloudtrail:LookupEvents', code: 'QueuedTooLong' });
      }
      const r = await awsCall('cloudtrail:LookupEvents', () =>
        client.send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }],
            StartTime: since,
            MaxResults: 50,
            NextToken: token,
          }),
        ),
      );
      return { events: r.Events ?? [], next: r.NextToken };
    })();
    pages[index] = loading;
    // A failed page is not kept: the next person tries again.
    loading.catch(() => {
      if (pages[index] === loading) pages[index] = undefined;
    });
    return loading;
  }

  async function latestIn(
    region: string,
    client: CloudTrailClient,
    userName: string,
    since: Date,
    query: SessionQuery,
  ): Promise<SessionTokenUse | undefined> {
    for (let index = 0; index < maxPages; index++) {
      const { events, next } = await page(region, client, since, index, query.eventName);
      // Events come newest first, so the first match is the latest one in this region.
      const hit = events.find((e) => e.EventTime && query.isBy(e, userName));
      if (hit?.EventTime) return { eventTime: hit.EventTime, region, via: query.via };
      if (!next) return undefined;
    }
    return undefined;
  }

  return {
    async findSessionTokenUse(userName, since, _accountId, options): Promise<SessionTokenUse | undefined> {
      if (options?.refresh)
        for (const [key, entry] of cache)
          if (now() - entry.at > SESSION_PAGES_MIN_REFRESH_MS) cache.delete(key);
      let latest: SessionTokenUse | undefined;
      // One region and query after the other: the shared limiter spaces the calls anyway.
      for (const query of SESSION_QUERIES)
        for (const { region, client } of deps.clients) {
          const found = await latestIn(region, client, userName, since, query);
          if (found && (!latest || found.eventTime > latest.eventTime)) latest = found;
        }
      return latest;
    },
  };
}

/** Where an old key is still used: CloudTrail events looked up by AccessKeyId, in each region (one page each). */
export function createKeyTrailAdapter(deps: TrailAdapterDeps): KeyTrailPort {
  return {
    async recentUseOfKey(accessKeyId, since, limit) {
      const events: KeyUseEvent[] = [];
      const query = {
        LookupAttributes: [{ AttributeKey: 'AccessKeyId' as const, AttributeValue: accessKeyId }],
        StartTime: since,
        MaxResults: Math.min(50, limit),
      };
      for (const { region, client } of deps.clients) {
        for await (const page of lookupPages(deps, client, query, 1)) {
          for (const e of page) {
            if (!e.EventTime) continue;
            const record = parseRecord(e);
            events.push({
              eventTime: e.EventTime,
              eventName: e.EventName ?? '',
              eventSource: e.EventSource ?? '',
              region: record.awsRegion ?? region,
              sourceIp: record.sourceIPAddress,
              userAgent: record.userAgent,
            });
          }
        }
      }
      return events.sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime()).slice(0, limit);
    },
  };
}

/** The lookups the signals job makes per region: sign-ins, key creation, quarantine policies, and anything root did. */
const SIGNAL_LOOKUPS = [
  { AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' },
  { AttributeKey: 'EventName', AttributeValue: 'CreateAccessKey' },
  { AttributeKey: 'EventName', AttributeValue: 'AttachUserPolicy' },
  { AttributeKey: 'Username', AttributeValue: 'root' },
] as const;

/**
 * CloudTrail events for the signals job, in us-east-1 (global events: IAM, STS, sign-in) and AWS_REGION, paginated
 * and bounded. An event found by two look-ups is returned once.
 */
export function createSignalsTrailAdapter(deps: TrailAdapterDeps) {
  const maxPages = deps.maxPagesPerRegion ?? 10;
  return {
    async eventsBetween(since: Date, until: Date): Promise<TrailEvent[]> {
      const seen = new Map<string, TrailEvent>();
      for (const { region, client } of deps.clients) {
        for (const attribute of SIGNAL_LOOKUPS) {
          const query = {
            LookupAttributes: [{ ...attribute }],
            StartTime: since,
            EndTime: until,
            MaxResults: 50,
          };
          for await (const page of lookupPages(deps, client, query, maxPages)) {
            for (const e of page) {
              if (!e.EventId || !e.EventTime) continue;
              seen.set(e.EventId, {
                eventId: e.EventId,
                eventName: e.EventName ?? '',
                eventTime: e.EventTime,
                region,
                record: parseRecord(e),
              });
            }
          }
        }
      }
      return [...seen.values()].sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime());
    },
  };
}

/**
 * Identity Center role sessions named after a person, in one account: CloudTrail's `Username` of an assumed-role
 * event is its session name, which Identity Center sets to the portal user name. One page per name and region.
 */
export function createSsoTrailAdapter(deps: TrailAdapterDeps): {
  latestSession(names: readonly string[], since: Date): Promise<SsoSession | undefined>;
} {
  return {
    async latestSession(names, since) {
      let latest: SsoSession | undefined;
      for (const { client } of deps.clients)
        for (const name of new Set(names)) {
          for await (const events of lookupPages(
            deps,
            client,
            {
              LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: name }],
              StartTime: since,
              MaxResults: 50,
            },
            1,
          )) {
            for (const e of events) {
              const record = parseRecord(e) as { userIdentity?: { arn?: string } };
              const session = ssoSessionOf(record.userIdentity?.arn, names);
              if (session && e.EventTime && (!latest || e.EventTime > latest.eventTime))
                latest = { ...session, eventTime: e.EventTime };
            }
          }
        }
      return latest;
    },
  };
}

/**
 * Who used `aws login` in one account since a time: the account's CreateOAuth2Token events by the sign-in service,
 * read page by page (bounded; newest first) and kept only as IAM user names. One query per region, for the scan.
 */
export function createLoginTrailAdapter(deps: TrailAdapterDeps): {
  usersSince(since: Date): Promise<ReadonlySet<string>>;
} {
  const maxPages = deps.maxPagesPerRegion ?? 10;
  return {
    async usersSince(since) {
      const names = new Set<string>();
      const query = {
        LookupAttributes: [{ AttributeKey: 'EventName' as const, AttributeValue: LOGIN_EVENT.name }],
        StartTime: since,
        MaxResults: 50,
      };
      for (const { client } of deps.clients)
        for await (const page of lookupPages(deps, client, query, maxPages))
          for (const e of page) {
            const name = loginUserOf(parseRecord(e));
            if (name) names.add(name);
          }
      return names;
    },
  };
}
