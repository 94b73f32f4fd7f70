import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FactError } from '../../../src/errors.js';
import { createGetChecklist } from '../../../src/features/checklist/get-checklist.js';
import type { TrailPort } from '../../../src/features/checklist/ports.js';
import type { IamPort } from '../../../src/kernel/aws-ports.js';
import { createLogger } from '../../../src/logger.js';
import { alice, daysAgo, NOW } from '../../fixtures/facts.js';

function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk, _e, done) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    }),
  );
  return { lines, logger };
}

describe('getChecklist', () => {
  const iam: IamPort = {
    listUsers: async () => [alice],
    listMfaDevices: async () => [
      { serialNumber: 'arn:aws:iam::123456789012:mfa/alice', type: 'virtual', enableDate: daysAgo(3) },
    ],
    listAccessKeys: async () => {
      throw new FactError({ kind: 'throttled', action: 'iam:ListAccessKeys', code: 'Throttling' });
    },
    listPolicies: async () => [],
    listRoles: async () => [],
  };
  let since: Date | undefined;
  const trail: TrailPort = {
    findSessionTokenUse: async (_user, s) => {
      since = s;
      return undefined;
    },
  };

  it('checks every step even when one fails, and logs the failure once with its context', async () => {
    const { lines, logger } = logCapture();
    const get = createGetChecklist({
      iam,
      trail,
      logger,
      clock: { now: () => NOW },
      region: 'ap-northeast-2',
      thresholds: { keyMaxAgeDays: 90, keyUnusedDays: 45 },
    });
    const c = await get(alice);
    expect(c.steps.map((s) => [s.id, s.status])).toEqual([
      ['mfa', 'done'],
      ['app', 'done'],
      ['keys', 'failed'],
      ['cli', 'failed'],
      ['policy', 'todo'],
      ['session', 'todo'],
    ]);
    expect(lines.filter((l) => l.level === 40)).toEqual([
      expect.objectContaining({
        step: 'keys',
        iamUser: 'alice',
        action: 'iam:ListAccessKeys',
        kind: 'throttled',
      }),
    ]);
    expect(since).toEqual(daysAgo(30));
  });
});
