import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../../src/adapters/aws/rate-limit.js';
import { createKeyTrailAdapter, createTrailAdapter } from '../../../src/adapters/aws/trail.js';
import { FactError } from '../../../src/errors.js';

// CloudTrail LookupEvents is not in moto: mocked with realistic events (CloudTrailEvent is the raw record as a string).
function sessionTokenEvent(userName: string, time: string, region = 'us-east-1') {
  const record = {
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAFAKEPRINCIPAL',
      arn: `arn:aws:iam::123456789012:user/${userName}`,
      accountId: '123456789012',
      accessKeyId: 'FAKEKEY0001',
      userName,
    },
    eventTime: time,
    eventSource: 'sts.amazonaws.com',
    eventName: 'GetSessionToken',
    awsRegion: region,
    sourceIPAddress: '203.0.113.10',
    userAgent:
      'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.ubuntu.22 prompt/off command/sts.get-session-token',
    requestParameters: { serialNumber: `arn:aws:iam::123456789012:mfa/${userName}` },
    responseElements: {
      credentials: { accessKeyId: 'ASIAFAKETEMP', expiration: 'Dec 1, 2026, 10:00:00 PM' },
    },
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '123456789012',
  };
  return {
    EventId: `${userName}-${time}`,
    EventName: 'GetSessionToken',
    ReadOnly: 'true',
    AccessKeyId: 'FAKEKEY0001',
    EventTime: new Date(time),
    EventSource: 'sts.amazonaws.com',
    Username: userName,
    Resources: [],
    CloudTrailEvent: JSON.stringify(record),
  };
}

/**
 * An `aws login` as the bot reads it: the sign-in service's CreateOAuth2Token by an IAM user. AWS documents the event
 * source and the action; the rest of the record follows CloudTrail's usual shape (see LOGIN_EVENT).
 */
function loginEvent(userName: string, time: string, identity: Record<string, unknown> = {}) {
  const record = {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      arn: `arn:aws:iam::123456789012:user/team/${userName}`,
      accountId: '123456789012',
      ...identity,
    },
    eventTime: time,
    eventSource: 'signin.amazonaws.com',
    eventName: 'CreateOAuth2Token',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.32.3 md/awscrt#0.27.6 ua/2.1 os/linux#6.1 command/login',
  };
  return {
    EventId: `login-${userName}-${time}`,
    EventName: 'CreateOAuth2Token',
    EventTime: new Date(time),
    EventSource: 'signin.amazonaws.com',
    CloudTrailEvent: JSON.stringify(record),
  };
}

const GST = { LookupAttributes: [{ AttributeKey: 'EventName' as const, AttributeValue: 'GetSessionToken' }] };
const LOGIN = {
  LookupAttributes: [{ AttributeKey: 'EventName' as const, AttributeValue: 'CreateOAuth2Token' }],
};
const since = new Date('2026-05-01T00:00:00Z');
const noWait = { take: async () => true };
// One mock for the file: aws-sdk-client-mock stubs the client class, not an instance.
const mock = mockClient(CloudTrailClient);
afterEach(() => mock.reset());

describe('CloudTrail adapter', () => {
  const adapter = (maxPagesPerRegion?: number, limiter = noWait) =>
    createTrailAdapter({
      clients: [
        { region: 'us-east-1', client: new CloudTrailClient({ region: 'us-east-1' }) },
        { region: 'ap-northeast-2', client: new CloudTrailClient({ region: 'ap-northeast-2' }) },
      ],
      limiter,
      ...(maxPagesPerRegion ? { maxPagesPerRegion } : {}),
    });

  it("finds the user's latest GetSessionToken, skipping other users, across pages and regions", async () => {
    mock.on(LookupEventsCommand, LOGIN).resolves({ Events: [] });
    mock
      .on(LookupEventsCommand, { ...GST, NextToken: undefined })
      .resolvesOnce({ Events: [sessionTokenEvent('bob', '2026-05-30T10:00:00Z')], NextToken: 'page2' })
      .resolvesOnce({ Events: [sessionTokenEvent('alice', '2026-05-29T09:00:00Z', 'ap-northeast-2')] });
    mock
      .on(LookupEventsCommand, { ...GST, NextToken: 'page2' })
      .resolves({ Events: [sessionTokenEvent('alice', '2026-05-20T08:00:00Z')] });

    const found = await adapter().findSessionTokenUse('alice', since);
    expect(found).toEqual({
      eventTime: new Date('2026-05-29T09:00:00Z'),
      region: 'ap-northeast-2',
      via: 'get_session_token',
    });
    const inputs = mock.commandCalls(LookupEventsCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toMatchObject({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetSessionToken' }],
      StartTime: since,
      MaxResults: 50,
    });
  });

  it('returns undefined when the user neither called GetSessionToken nor used aws login', async () => {
    mock
      .on(LookupEventsCommand, GST)
      .resolves({ Events: [sessionTokenEvent('bob', '2026-05-30T10:00:00Z')] });
    mock.on(LookupEventsCommand, LOGIN).resolves({ Events: [loginEvent('bob', '2026-05-30T10:00:00Z')] });
    expect(await adapter().findSessionTokenUse('alice', since)).toBeUndefined();
    // Each way, in each region.
    expect(mock.commandCalls(LookupEventsCommand)).toHaveLength(4);
  });

  it("finds the user's latest aws login when it is newer than their GetSessionToken; only an IAM user's own", async () => {
    mock
      .on(LookupEventsCommand, GST)
      .resolves({ Events: [sessionTokenEvent('alice', '2026-05-20T08:00:00Z')] });
    mock.on(LookupEventsCommand, LOGIN).resolves({
      Events: [
        // Newest first: one naming alice as a role session (not an IAM user), one by another service, then hers.
        loginEvent('alice', '2026-05-31T10:00:00Z', {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::123456789012:assumed-role/Dev/alice',
        }),
        {
          ...loginEvent('mallory', '2026-05-30T11:00:00Z'),
          CloudTrailEvent: '{"eventSource":"iam.amazonaws.com"}',
        },
        loginEvent('alice', '2026-05-30T10:00:00Z'),
      ],
    });
    expect(await adapter().findSessionTokenUse('alice', since)).toEqual({
      eventTime: new Date('2026-05-30T10:00:00Z'),
      region: 'us-east-1',
      via: 'aws_login',
    });
    // The user's name from the identity's ARN (a path is not part of it), or its userName where the record has one.
    mock.on(LookupEventsCommand, LOGIN).resolves({
      Events: [loginEvent('someone', '2026-05-30T10:00:00Z', { userName: 'bob', arn: undefined })],
    });
    const bob = await createTrailAdapter({
      clients: [{ region: 'us-east-1', client: new CloudTrailClient({}) }],
      limiter: noWait,
    }).findSessionTokenUse('bob', since);
    expect(bob?.via).toBe('aws_login');
  });

  it('shares the account-wide pages between people for a minute: a burst costs a few requests, not a few each', async () => {
    mock.on(LookupEventsCommand, LOGIN).resolves({ Events: [] });
    mock.on(LookupEventsCommand, { ...GST, NextToken: undefined }).resolves({
      Events: [
        sessionTokenEvent('bob', '2026-05-30T10:00:00Z'),
        sessionTokenEvent('alice', '2026-05-29T09:00:00Z'),
      ],
      NextToken: 'page2',
    });
    mock
      .on(LookupEventsCommand, { ...GST, NextToken: 'page2' })
      .resolves({ Events: [sessionTokenEvent('carol', '2026-05-20T08:00:00Z')] });
    let t = Date.parse('2026-06-01T00:00:00Z');
    const shared = createTrailAdapter(
      {
        clients: [{ region: 'us-east-1', client: new CloudTrailClient({ region: 'us-east-1' }) }],
        limiter: noWait,
      },
      () => t,
    );
    const found = await Promise.all(
      ['alice', 'bob', 'carol', 'dave'].map((u) => shared.findSessionTokenUse(u, since)),
    );
    expect(found.map((f) => f?.eventTime.toISOString().slice(0, 10))).toEqual([
      '2026-05-29',
      '2026-05-30',
      '2026-05-20',
      undefined,
    ]);
    // Two pages of GetSessionToken and one of `aws login`, for four people.
    expect(mock.commandCalls(LookupEventsCommand)).toHaveLength(3);
    t += 61_000;
    await shared.findSessionTokenUse('alice', since);
    expect(mock.commandCalls(LookupEventsCommand)).toHaveLength(5);
  });

  it('reads a bounded number of pages per region', async () => {
    mock.on(LookupEventsCommand).resolves({ Events: [], NextToken: 'more' });
    await adapter(3).findSessionTokenUse('alice', since);
    // Three pages, two ways, two regions.
    expect(mock.commandCalls(LookupEventsCommand)).toHaveLength(12);
  });

  it('reports AccessDenied as a fault the checklist shows as unknown', async () => {
    mock.on(LookupEventsCommand).rejects(
      Object.assign(new Error('not authorized'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const error = await adapter()
      .findSessionTokenUse('alice', since)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FactError);
    expect((error as FactError).reason).toMatchObject({
      kind: 'access_denied',
      action: 'cloudtrail:LookupEvents',
    });
  });

  it('takes a rate-limit slot before every request', async () => {
    mock.on(LookupEventsCommand).resolves({ Events: [] });
    let taken = 0;
    await adapter(undefined, {
      take: async () => {
        taken++;
        return true;
      },
    }).findSessionTokenUse('alice', since);
    expect(taken).toBe(mock.commandCalls(LookupEventsCommand).length);
  });

  it('gives up as throttled, without calling CloudTrail, when its place in the queue is too far away', async () => {
    mock.on(LookupEventsCommand).resolves({ Events: [] });
    const failed = await adapter(undefined, { take: async () => false })
      .findSessionTokenUse('alice', since)
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(FactError);
    expect((failed as FactError).reason).toMatchObject({ kind: 'throttled', code: 'QueuedTooLong' });
    expect(mock.commandCalls(LookupEventsCommand)).toHaveLength(0);
  });
});

describe('createRateLimiter', () => {
  it('spaces request starts 500 ms apart at 2 per second, in arrival order', async () => {
    let now = 1_000;
    const slept: number[] = [];
    const limiter = createRateLimiter(
      2,
      () => now,
      async (ms) => {
        slept.push(ms);
      },
    );
    await Promise.all([limiter.take(), limiter.take(), limiter.take()]);
    expect(slept).toEqual([500, 1000]);
    now += 5_000; // after a quiet spell the next request goes at once
    await limiter.take();
    expect(slept).toEqual([500, 1000]);
  });

  it('answers false at once, keeping no place, when the wait would exceed maxWaitMs', async () => {
    const slept: number[] = [];
    const limiter = createRateLimiter(
      2,
      () => 1_000,
      async (ms) => {
        slept.push(ms);
      },
    );
    expect(await Promise.all([limiter.take(), limiter.take(), limiter.take()])).toEqual([true, true, true]);
    expect(await limiter.take(800)).toBe(false);
    // The refused request did not push later ones back.
    expect(await limiter.take(1_500)).toBe(true);
    expect(slept).toEqual([500, 1000, 1500]);
  });
});

describe('CloudTrail look-up by access key', () => {
  it('lists where a key was used, newest first, with source IP and user agent from the raw event', async () => {
    const event = (name: string, time: string) => ({
      ...sessionTokenEvent('alice', time),
      EventName: name,
      EventSource: 's3.amazonaws.com',
      CloudTrailEvent: JSON.stringify({
        sourceIPAddress: '198.51.100.7',
        userAgent: 'Boto3/1.34 Python/3.12',
        awsRegion: 'ap-northeast-2',
      }),
    });
    mock
      .on(LookupEventsCommand)
      .resolvesOnce({ Events: [event('GetObject', '2026-05-30T10:00:00Z')] })
      .resolves({ Events: [event('ListBuckets', '2026-05-31T10:00:00Z')] });
    const trail = createKeyTrailAdapter({
      clients: [
        { region: 'us-east-1', client: new CloudTrailClient({ region: 'us-east-1' }) },
        { region: 'ap-northeast-2', client: new CloudTrailClient({ region: 'ap-northeast-2' }) },
      ],
      limiter: noWait,
    });
    const events = await trail.recentUseOfKey('FAKEKEY0001', since, 5);
    expect(events).toEqual([
      {
        eventTime: new Date('2026-05-31T10:00:00Z'),
        eventName: 'ListBuckets',
        eventSource: 's3.amazonaws.com',
        region: 'ap-northeast-2',
        sourceIp: '198.51.100.7',
        userAgent: 'Boto3/1.34 Python/3.12',
      },
      {
        eventTime: new Date('2026-05-30T10:00:00Z'),
        eventName: 'GetObject',
        eventSource: 's3.amazonaws.com',
        region: 'ap-northeast-2',
        sourceIp: '198.51.100.7',
        userAgent: 'Boto3/1.34 Python/3.12',
      },
    ]);
    expect(mock.commandCalls(LookupEventsCommand)[0]?.args[0].input.LookupAttributes).toEqual([
      { AttributeKey: 'AccessKeyId', AttributeValue: 'FAKEKEY0001' },
    ]);
  });
});
