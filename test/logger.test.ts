import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactText, toSlackLogger } from '../src/logger.js';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _e, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger('debug', sink) };
}

describe('logger', () => {
  it('masks Slack tokens wherever they appear', () => {
    const { lines, logger } = capture();
    logger.info(
      { token: 'xoxb-123-abc', nested: { note: 'used xapp-1-A0-xyz here' } },
      'calling with xoxb-999-def',
    );
    logger.error({ err: new Error('bad token xoxb-777-ghi') }, 'failed');
    const out = lines.join('');
    for (const secret of ['xoxb-123-abc', 'xapp-1-A0-xyz', 'xoxb-999-def', 'xoxb-777-ghi'])
      expect(out).not.toContain(secret);
    expect(out).toContain('xoxb-*****');
  });

  it('censors secret-bearing keys', () => {
    const { lines, logger } = capture();
    logger.info({ signingSecret: 'abc', key: { SecretAccessKey: 'wJalrFAKEsecret' } }, 'x');
    expect(lines.join('')).not.toMatch(/abc"|wJalrFAKEsecret/);
  });

  it('gives Bolt a logger that writes structured, redacted lines', () => {
    const { lines, logger } = capture();
    toSlackLogger(logger).warn('http request failed for', 'xoxb-555-zzz', new Error('boom'));
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ component: 'slack', level: 40 });
    expect(JSON.stringify(line)).not.toContain('xoxb-555-zzz');
    expect((line.err as { message: string }).message).toBe('boom');
  });

  it('builds nothing for a level that is off (the Web API client logs each request at debug)', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _e, done) {
        lines.push(String(chunk));
        done();
      },
    });
    let serialised = 0;
    const body = { toJSON: () => ++serialised && { channel: 'U1' } };
    const slack = toSlackLogger(createLogger('info', sink));
    slack.debug('http request body:', body);
    expect(serialised).toBe(0);
    expect(lines).toEqual([]);
    slack.info('http request body:', body);
    expect(serialised).toBe(1);
    expect(lines).toHaveLength(1);
  });

  it("keeps an error's name, code, message, stack and cause, redacted", () => {
    const { lines, logger } = capture();
    const cause = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const error = Object.assign(new Error('call with xoxb-888-secret failed', { cause }), {
      name: 'SlackAPIError',
      data: { error: 'ratelimited' },
    });
    logger.error({ err: error }, 'failed');
    const err = (JSON.parse(lines[0] ?? '{}') as { err: Record<string, unknown> }).err;
    expect(err).toMatchObject({
      name: 'SlackAPIError',
      code: 'ratelimited',
      message: 'call with xoxb-***** failed',
    });
    expect(String(err.stack)).toMatch(/^SlackAPIError: call with xoxb-\*{5} failed\n\s+at /);
    expect(err.cause).toMatchObject({ name: 'Error', code: 'ECONNRESET', message: 'socket hang up' });
    expect(lines.join('')).not.toContain('xoxb-888-secret');
  });

  it('redactText leaves ordinary text alone', () => {
    expect(redactText('checking user alice')).toBe('checking user alice');
  });
});
