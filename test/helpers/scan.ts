import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { IAMClient } from '@aws-sdk/client-iam';
import { WebClient } from '@slack/web-api';
import { createReportAdapter } from '../../src/adapters/aws/credential-report.js';
import { createIamAdapter } from '../../src/adapters/aws/iam.js';
import { createSlackDirectory } from '../../src/adapters/slack/directory.js';
import type { Db } from '../../src/adapters/store/db.js';
import { createOutboxStore } from '../../src/adapters/store/outbox-store.js';
import { createScanStore } from '../../src/adapters/store/scan-store.js';
import type { ScanDeps } from '../../src/features/scan/run-scan.js';
import { createLogger } from '../../src/logger.js';
import type { FakeSlackWebApi } from '../fakes/slack-web-api.js';

/** Thresholds and settings at their documented defaults, with a security channel. */
export const SCAN_TEST_CONFIG = {
  keyMaxAgeDays: 90,
  keyUnusedDays: 45,
  repeatDays: 7,
  emailTagKey: 'email',
  securityChannel: 'C0SECURITY',
};

/** A scan wired to real adapters: IAM (moto), the Slack directory (the fake Web API) and a store. */
export function realScanDeps(
  iam: IAMClient,
  fake: FakeSlackWebApi,
  db: Db,
  clock: { now(): Date },
): ScanDeps {
  return {
    reports: createReportAdapter(iam, async () => {}),
    iam: createIamAdapter(iam),
    directory: createSlackDirectory(new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl }), { clock }),
    scans: createScanStore(db),
    outbox: createOutboxStore(db, { wake: () => {} }),
    clock,
    logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })),
    newId: randomUUID,
    config: SCAN_TEST_CONFIG,
  };
}
