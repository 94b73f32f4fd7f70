import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  GetCredentialReportCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { parseXML } from '@aws-sdk/xml-builder';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contentAsCdata,
  fetchAccountSummary,
  fetchCredentialReport,
  parseCredentialReport,
} from '../../../src/adapters/aws/credential-report.js';
import { describeWithMoto, recordActions, unique, useMotoEnvironment } from '../../helpers/aws.js';

const csv = readFileSync('test/fixtures/credential-report.csv', 'utf8');

describe('parseCredentialReport', () => {
  const rows = parseCredentialReport(csv);

  it('reads the root row', () => {
    expect(rows[0]).toMatchObject({
      user: '<root_account>',
      isRoot: true,
      passwordEnabled: true,
      mfaActive: false,
      passwordLastUsed: new Date('2026-05-31T22:10:00Z'),
    });
    expect(rows[0]?.keys[0]).toMatchObject({
      slot: 1,
      active: true,
      lastUsed: new Date('2026-05-20T10:00:00Z'),
    });
  });

  it('reads booleans in any case and treats N/A, no_information and not_supported as absent', () => {
    const bob = rows.find((r) => r.user === 'bob');
    expect(bob).toMatchObject({
      passwordEnabled: true,
      mfaActive: false,
      passwordLastUsed: undefined,
      isRoot: false,
    });
    expect(bob?.keys).toEqual([
      {
        slot: 1,
        active: true,
        lastRotated: new Date('2025-12-01T00:00:00Z'),
        lastUsed: undefined,
        lastUsedService: undefined,
      },
      {
        slot: 2,
        active: true,
        lastRotated: new Date('2026-05-01T00:00:00Z'),
        lastUsed: new Date('2026-05-31T00:00:00Z'),
        lastUsedService: 'sts',
      },
    ]);
    expect(rows.find((r) => r.user === 'ci-deployer')?.keys[0]?.active).toBe(false);
  });

  it('reads columns by name, whatever their order, and survives a BOM', () => {
    const [header = '', ...lines] = csv.trim().split('\n');
    const cols = header.split(',');
    const order = [...cols.keys()].reverse();
    const reordered = [
      order.map((i) => cols[i]).join(','),
      ...lines.map((l) => {
        const cells = l.split(',');
        return order.map((i) => cells[i]).join(',');
      }),
    ].join('\n');
    expect(parseCredentialReport(`\ufeff${reordered}`)).toEqual(rows);
  });
});

describe('fetchCredentialReport', () => {
  it('reuses a report younger than four hours without generating one', async () => {
    const mock = mockClient(IAMClient);
    const now = new Date('2026-06-01T12:00:00Z');
    mock
      .on(GetCredentialReportCommand)
      .resolves({ Content: Buffer.from(csv), GeneratedTime: new Date('2026-06-01T09:00:00Z') });
    const report = await fetchCredentialReport(new IAMClient({ region: 'us-east-1' }), {
      now,
      maxAgeMs: 4 * 3_600_000,
      sleep: async () => {},
    });
    expect(report.rows).toHaveLength(4);
    expect(mock.calls()).toHaveLength(1);
    mock.restore();
  });
});

describe('the report content given to the SDK as CDATA', () => {
  const answer = (content: string) =>
    `<GetCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetCredentialReportResult><Content>${content}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-06-01T09:00:00Z</GeneratedTime></GetCredentialReportResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCredentialReportResponse>`;

  it('wraps the base64 content, and nothing else', () => {
    const b64 = Buffer.from(csv).toString('base64');
    const wrapped = (xml: string) => contentAsCdata([Buffer.from(xml)]).toString('utf8');
    // Cut anywhere, even inside the markers AWS's answer has: the same answer.
    const cut = (xml: string, size: number) =>
      contentAsCdata(
        Array.from({ length: Math.ceil(xml.length / size) }, (_, i) =>
          Buffer.from(xml.slice(i * size, (i + 1) * size)),
        ),
      ).toString('utf8');
    for (const size of [1, 7, 64]) expect(cut(answer(b64), size)).toBe(answer(`<![CDATA[${b64}]]>`));
    expect(wrapped(answer(b64))).toBe(answer(`<![CDATA[${b64}]]>`));
    // The SDK's own parser reads the wrapped answer exactly as the one AWS sent.
    expect(parseXML(wrapped(answer(b64)))).toEqual(parseXML(answer(b64)));
    // Not plain base64 (an entity, markup, CDATA already): left for the SDK to read as it always does.
    for (const content of ['QUJD&amp;', 'QU<b>JD</b>', '<![CDATA[QUJD]]>', 'QUJD]]>'])
      expect(wrapped(answer(content))).toBe(answer(content));
    const error =
      '<ErrorResponse><Error><Code>ReportNotPresent</Code><Message>x</Message></Error></ErrorResponse>';
    expect(wrapped(error)).toBe(error);
  });

  it('reads a report that arrives in many small pieces, row for row as the CSV says', async () => {
    const body = Buffer.from(answer(Buffer.from(csv).toString('base64')));
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', async () => {
        res.writeHead(200, { 'content-type': 'text/xml' });
        for (let i = 0; i < body.length; i += 512) {
          res.write(body.subarray(i, i + 512));
          await new Promise((r) => setImmediate(r));
        }
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = new IAMClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
    });
    try {
      const report = await fetchCredentialReport(client, {
        now: new Date('2026-06-01T12:00:00Z'),
        maxAgeMs: 4 * 3_600_000,
        sleep: async () => {},
      });
      expect(report.generatedAt).toEqual(new Date('2026-06-01T09:00:00Z'));
      expect(report.rows).toEqual(parseCredentialReport(csv));
    } finally {
      client.destroy();
      server.close();
    }
  });
});

describeWithMoto('credential report against moto_server', () => {
  let iam: IAMClient;
  const called = new Set<string>();
  beforeAll(() => {
    useMotoEnvironment();
    iam = new IAMClient({});
  });

  afterAll(() => {
    const policy = JSON.parse(readFileSync('docs/iam-policy.json', 'utf8')) as {
      Statement: { Action: string[] }[];
    };
    const allowed = new Set(policy.Statement.flatMap((s) => s.Action));
    const setup = new Set(['iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile']);
    expect([...called].filter((a) => !allowed.has(a) && !setup.has(a))).toEqual([]);
    expect(called).toContain('iam:GenerateCredentialReport');
  });

  it('generates, polls and parses the report, and reads the account summary', async () => {
    recordActions(iam, 'iam', called);
    const name = unique('report');
    await iam.send(new CreateUserCommand({ UserName: name }));
    await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    await iam.send(new CreateLoginProfileCommand({ UserName: name, Password: 'Fake-Passw0rd-123' }));
    const slept: number[] = [];
    const report = await fetchCredentialReport(iam, {
      now: new Date(),
      maxAgeMs: 4 * 3_600_000,
      sleep: async (ms) => void slept.push(ms),
    });
    const row = report.rows.find((r) => r.user === name);
    expect(row).toMatchObject({ passwordEnabled: true, mfaActive: false, isRoot: false });
    expect(row?.keys[0]?.active).toBe(true);
    expect(slept.length).toBeLessThan(8);
    const summary = await fetchAccountSummary(iam);
    expect(summary.users).toBeGreaterThan(0);
    expect(summary.rootMfaEnabled).toBe(false);
  });
});
