import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig, redactConfig } from '../src/config.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1-secret-value', SLACK_SIGNING_SECRET: 'signing-secret-value' };
const problems = (env: Record<string, string | undefined>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig(base)).toEqual({
      slack: {
        botToken: 'xoxb-1-secret-value',
        appToken: undefined,
        signingSecret: 'signing-secret-value',
        apiUrl: 'https://slack.com/api/',
      },
      port: 3000,
      securityChannel: undefined,
      keyMaxAgeDays: 90,
      keyUnusedDays: 45,
      emailTagKey: 'email',
      logLevel: 'info',
    });
  });

  it('is frozen', () => {
    expect(Object.isFrozen(loadConfig(base))).toBe(true);
  });

  it('reads every variable', () => {
    const c = loadConfig({
      ...base,
      SLACK_APP_TOKEN: 'xapp-1-abc',
      SLACK_API_URL: 'https://slack-gov.com/api',
      PORT: '8080',
      SECURITY_CHANNEL: 'C0SECURITY',
      KEY_MAX_AGE_DAYS: '30',
      KEY_UNUSED_DAYS: '14',
      IAM_EMAIL_TAG: 'owner-email',
      LOG_LEVEL: 'DEBUG',
    });
    expect(c).toMatchObject({
      slack: { appToken: 'xapp-1-abc', apiUrl: 'https://slack-gov.com/api/' },
      port: 8080,
      securityChannel: 'C0SECURITY',
      keyMaxAgeDays: 30,
      keyUnusedDays: 14,
      emailTagKey: 'owner-email',
      logLevel: 'debug',
    });
  });

  it('allows Socket Mode without a signing secret', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack.appToken).toBe(
      'xapp-1',
    );
  });

  it.each([
    [{}, /^SLACK_BOT_TOKEN is required: the bot token \(xoxb-…\)/],
    [
      { ...base, SLACK_BOT_TOKEN: 'xoxp-user-token' },
      /^SLACK_BOT_TOKEN must be a bot token starting with xoxb-/,
    ],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, /^SLACK_SIGNING_SECRET is required in HTTP mode/],
    [{ ...base, SLACK_APP_TOKEN: 'xoxb-wrong' }, /^SLACK_APP_TOKEN must be an app-level token/],
    [{ ...base, PORT: 'eighty' }, /^PORT must be a TCP port number/],
    [{ ...base, PORT: '70000' }, /^PORT must be a TCP port number/],
    [{ ...base, SECURITY_CHANNEL: '#security' }, /^SECURITY_CHANNEL must be a Slack channel ID/],
    [{ ...base, KEY_MAX_AGE_DAYS: '0' }, /^KEY_MAX_AGE_DAYS must be a whole number of days/],
    [{ ...base, KEY_UNUSED_DAYS: '1.5' }, /^KEY_UNUSED_DAYS must be a whole number of days/],
    [{ ...base, SLACK_API_URL: 'not a url' }, /^SLACK_API_URL must be a URL/],
    [{ ...base, LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
  ])('names the variable and what to put there: %o', (env, message) => {
    const found = problems(env);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('lists every problem at once and never echoes a value', () => {
    const error = (() => {
      try {
        loadConfig({
          SLACK_BOT_TOKEN: 'xoxp-very-secret-user-token',
          PORT: 'x',
          SLACK_SIGNING_SECRET: 'q9z7',
        });
      } catch (e) {
        return e as ConfigError;
      }
      return undefined;
    })();
    expect(error?.problems).toHaveLength(3);
    expect(error?.message).not.toContain('very-secret');
    expect(error?.message).not.toContain('q9z7');
  });

  it('redacts secrets for logging', () => {
    const text = JSON.stringify(redactConfig(loadConfig({ ...base, SLACK_APP_TOKEN: 'xapp-1-abc' })));
    expect(text).not.toContain('secret-value');
    expect(text).not.toContain('xapp-1-abc');
    expect(text).toContain('"mode":"socket"');
  });
});

describe('documentation of the configuration', () => {
  const example = readFileSync('.env.example', 'utf8');
  const readme = readFileSync('README.md', 'utf8');
  const exampleVars = [...example.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1] ?? '');

  it('.env.example lists every variable the bot reads, and nothing it does not', () => {
    expect(exampleVars.filter((v) => !v.startsWith('AWS_')).sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('the README documents every variable', () => {
    for (const v of CONFIG_VARIABLES) expect(readme, v).toContain(`\`${v}\``);
  });
});
