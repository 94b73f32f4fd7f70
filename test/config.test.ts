import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig, redactConfig, weakenedDefences } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

const base = {
  SLACK_BOT_TOKEN: 'xoxb-1-secret-value',
  SLACK_SIGNING_SECRET: 'signing-secret-value',
  APPROVAL_CHANNEL: 'C0APPROVALS',
  APPROVERS: 'U0ALICE, S0SECURITY',
};

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
      emailMappingTrustHours: 72,
      slackTeamId: undefined,
      secretsKmsKeyId: undefined,
      logLevel: 'info',
      databaseUrl: 'sqlite:./data/aws-mfa-bot.db',
      scan: { cron: '0 10 * * 1-5', repeatDays: 7, timeZone: 'UTC' },
      identityCenter: undefined,
      postureCron: '0 9 * * 1',
      rotation: {
        approvalChannel: 'C0APPROVALS',
        approvers: ['U0ALICE', 'S0SECURITY'],
        requiredApprovals: 1,
        privilegedApprovals: 2,
        requestTtlHours: 24,
        graceDays: 7,
        deleteDays: 7,
        secretPrefix: 'aws-mfa-bot/',
      },
      mfaReset: { approvals: 2, reenrolHours: 24 },
      accounts: {
        mode: 'own',
        ids: [],
        exclude: [],
        roleName: 'aws-mfa-bot',
        externalId: undefined,
        concurrency: 5,
      },
    });
  });

  it('is frozen', () => {
    const c = loadConfig(base);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.rotation)).toBe(true);
  });

  it.each(['0 * * * *', '0 10 * * 1-5', '30 9 * * *', '15 0 */2 * * *', '0 0-23/6 * * *', '5 7 * * MON'])(
    'accepts NUDGE_CRON "%s": at most once an hour',
    (expression) => {
      expect(loadConfig({ ...base, NUDGE_CRON: expression }).scan.cron).toBe(expression);
    },
  );

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
      DATABASE_URL: 'postgres://bot:pw@db:5432/bot',
      REQUIRED_APPROVALS: '2',
      PRIVILEGED_APPROVALS: '3',
      REQUEST_TTL_HOURS: '8',
      ROTATION_GRACE_DAYS: '3',
      OLD_KEY_DELETE_DAYS: '14',
      SECRET_NAME_PREFIX: 'team/keys/',
      NUDGE_CRON: '30 9 * * *',
      NUDGE_REPEAT_DAYS: '3',
      TZ: 'Asia/Seoul',
      MFA_RESET_APPROVALS: '3',
      MFA_REENROL_HOURS: '48',
      AWS_ACCOUNTS: '111111111111, 222222222222,111111111111',
      AWS_ACCOUNTS_EXCLUDE: '222222222222',
      AWS_ROLE_NAME: 'mfa-bot-member',
      AWS_EXTERNAL_ID: 'our-external-id',
      ACCOUNT_CONCURRENCY: '3',
      IDENTITY_CENTER_START_URL: 'https://d-1234567890.awsapps.com/start',
      IDENTITY_CENTER_REGION: 'us-east-1',
      IDENTITY_STORE_ID: 'd-1234567890',
      POSTURE_CRON: '0 8 * * 5',
    });
    expect(c).toMatchObject({
      slack: { appToken: 'xapp-1-abc', apiUrl: 'https://slack-gov.com/api/' },
      port: 8080,
      securityChannel: 'C0SECURITY',
      keyMaxAgeDays: 30,
      keyUnusedDays: 14,
      emailTagKey: 'owner-email',
      logLevel: 'debug',
      databaseUrl: 'postgres://bot:pw@db:5432/bot',
      scan: { cron: '30 9 * * *', repeatDays: 3, timeZone: 'Asia/Seoul' },
      identityCenter: {
        startUrl: 'https://d-1234567890.awsapps.com/start',
        region: 'us-east-1',
        identityStoreId: 'd-1234567890',
      },
      postureCron: '0 8 * * 5',
      rotation: {
        requiredApprovals: 2,
        privilegedApprovals: 3,
        requestTtlHours: 8,
        graceDays: 3,
        deleteDays: 14,
        secretPrefix: 'team/keys/',
      },
      mfaReset: { approvals: 3, reenrolHours: 48 },
      accounts: {
        mode: 'list',
        ids: ['111111111111', '222222222222'],
        exclude: ['222222222222'],
        roleName: 'mfa-bot-member',
        externalId: 'our-external-id',
        concurrency: 3,
      },
    });
    expect(loadConfig({ ...base, AWS_ACCOUNTS: 'organization' }).accounts).toMatchObject({
      mode: 'organization',
      ids: [],
    });
  });

  it('allows Socket Mode without a signing secret', () => {
    expect(
      loadConfig({ ...base, SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: 'xapp-1' }).slack.appToken,
    ).toBe('xapp-1');
  });

  it.each([
    [{ SLACK_BOT_TOKEN: undefined }, /^SLACK_BOT_TOKEN is required: the bot token \(xoxb-…\)/],
    [{ SLACK_BOT_TOKEN: 'xoxp-user-token' }, /^SLACK_BOT_TOKEN must be a bot token starting with xoxb-/],
    [{ SLACK_SIGNING_SECRET: undefined }, /^SLACK_SIGNING_SECRET is required in HTTP mode/],
    [{ SLACK_APP_TOKEN: 'xoxb-wrong' }, /^SLACK_APP_TOKEN must be an app-level token/],
    [{ PORT: 'eighty' }, /^PORT must be a TCP port number/],
    [{ PORT: '70000' }, /^PORT must be a TCP port number/],
    [{ SECURITY_CHANNEL: '#security' }, /^SECURITY_CHANNEL must be a Slack channel ID/],
    [{ KEY_MAX_AGE_DAYS: '0' }, /^KEY_MAX_AGE_DAYS must be a whole number of days/],
    [{ KEY_UNUSED_DAYS: '1.5' }, /^KEY_UNUSED_DAYS must be a whole number of days/],
    [
      { MFA_RESET_APPROVALS: '0' },
      /^MFA_RESET_APPROVALS must be a whole number of approvals between 1 and 10/,
    ],
    [{ MFA_REENROL_HOURS: 'a day' }, /^MFA_REENROL_HOURS must be a whole number of hours/],
    [
      { AWS_ACCOUNTS: 'all' },
      /^AWS_ACCOUNTS must be `organization` or comma-separated 12-digit AWS account IDs/,
    ],
    [{ AWS_ACCOUNTS: '1234' }, /^AWS_ACCOUNTS must be/],
    [{ AWS_ROLE_NAME: 'role/with/slashes' }, /^AWS_ROLE_NAME must be an IAM role name/],
    [{ ACCOUNT_CONCURRENCY: '0' }, /^ACCOUNT_CONCURRENCY must be a whole number between 1 and 50/],
    [{ SLACK_API_URL: 'not a url' }, /^SLACK_API_URL must be a URL/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
    [{ APPROVAL_CHANNEL: undefined }, /^APPROVAL_CHANNEL is required: the ID of the channel/],
    [{ APPROVAL_CHANNEL: '#approvals' }, /^APPROVAL_CHANNEL must be a Slack channel ID/],
    [{ APPROVERS: undefined }, /^APPROVERS is required: comma-separated Slack user IDs/],
    [{ APPROVERS: 'U0ALICE, @bob' }, /^APPROVERS must list Slack user IDs/],
    [{ APPROVERS: ' , ' }, /^APPROVERS must name at least one/],
    [{ REQUIRED_APPROVALS: '0' }, /^REQUIRED_APPROVALS must be a whole number of approvals/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must be sqlite:<path>/],
    [{ SECRET_NAME_PREFIX: 'has spaces/' }, /^SECRET_NAME_PREFIX must be a Secrets Manager name prefix/],
    [{ NUDGE_CRON: 'every monday' }, /^NUDGE_CRON must be a cron expression/],
    [{ POSTURE_CRON: '*/5 * * * *' }, /^POSTURE_CRON runs more than once an hour/],
    [
      { IDENTITY_CENTER_START_URL: 'http://portal', IDENTITY_CENTER_REGION: 'us-east-1' },
      /^IDENTITY_CENTER_START_URL must be the AWS access portal URL/,
    ],
    [
      { IDENTITY_CENTER_START_URL: 'https://d-1234567890.awsapps.com/start' },
      /^IDENTITY_CENTER_REGION is required with IDENTITY_CENTER_START_URL/,
    ],
    [
      { IDENTITY_CENTER_REGION: 'us-east-1' },
      /^IDENTITY_CENTER_START_URL is required with IDENTITY_CENTER_REGION/,
    ],
    [
      {
        IDENTITY_STORE_ID: 'd-1234567890',
        IDENTITY_CENTER_REGION: 'us-east-1',
        IDENTITY_CENTER_START_URL: 'https://d-1234567890.awsapps.com/start',
        LOG_LEVEL: 'loud',
      },
      /^LOG_LEVEL must be one of/,
    ],
    // Settings that would destroy or flood, refused with the safe range:
    [{ NUDGE_CRON: '*/2 * * * * *' }, /^NUDGE_CRON runs more than once an hour.*"0 \* \* \* \*"/],
    [{ NUDGE_CRON: '*/15 9-17 * * *' }, /^NUDGE_CRON runs more than once an hour/],
    [{ NUDGE_CRON: '0,30 10 * * 1-5' }, /^NUDGE_CRON runs more than once an hour/],
    [{ NUDGE_CRON: '* 10 * * *' }, /^NUDGE_CRON runs more than once an hour/],
    [{ NUDGE_CRON: '0 0-59/30 * * * *' }, /^NUDGE_CRON runs more than once an hour/],
    [
      { ROTATION_GRACE_DAYS: '0' },
      /^ROTATION_GRACE_DAYS must be .* between 1 and 3650 \(0 would switch the old key off/,
    ],
    [
      { OLD_KEY_DELETE_DAYS: '0' },
      /^OLD_KEY_DELETE_DAYS must be .* between 1 and 3650 \(0 would delete a key/,
    ],
    [
      { KEY_MAX_AGE_DAYS: '1' },
      /^KEY_MAX_AGE_DAYS must be .* between 7 and 3650 \(fewer flags keys days after/,
    ],
    [{ KEY_UNUSED_DAYS: '3' }, /^KEY_UNUSED_DAYS must be .* between 7 and 3650/],
    [{ NUDGE_REPEAT_DAYS: '-1' }, /^NUDGE_REPEAT_DAYS must be a whole number of days/],
    [{ TZ: 'Seoul' }, /^TZ must be an IANA time zone/],
    [{ SLACK_TEAM_ID: 'my-workspace' }, /^SLACK_TEAM_ID must be a Slack workspace ID/],
    [{ EMAIL_MAPPING_TRUST_HOURS: '-3' }, /^EMAIL_MAPPING_TRUST_HOURS must be a whole number of hours/],
    [{ SECRETS_KMS_KEY_ID: 'my key' }, /^SECRETS_KMS_KEY_ID must be a KMS key ID, key ARN, alias/],
  ])('names the variable and what to put there: %o', (override, message) => {
    const found = problems({ ...base, ...override });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('reports every problem in one go: a malformed value, and the rules between variables', () => {
    const found = problems({ SLACK_BOT_TOKEN: 'xoxb-1', IDENTITY_STORE_ID: 'store', PORT: '0' });
    expect(found).toEqual([
      expect.stringMatching(/^PORT must be a TCP port number \(1-65535\)/),
      expect.stringMatching(/^APPROVAL_CHANNEL is required/),
      expect.stringMatching(/^APPROVERS is required/),
      expect.stringMatching(/^IDENTITY_STORE_ID must be an identity store ID/),
      expect.stringMatching(/^SLACK_SIGNING_SECRET is required in HTTP mode/),
      expect.stringMatching(
        /^IDENTITY_CENTER_START_URL is required with IDENTITY_CENTER_REGION or IDENTITY_STORE_ID/,
      ),
    ]);
  });

  it('takes a KMS key as an ID, a key ARN, an alias or an alias ARN', () => {
    for (const id of [
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      'arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      'alias/aws-mfa-bot',
      'arn:aws:kms:ap-northeast-2:123456789012:alias/aws-mfa-bot',
    ])
      expect(loadConfig({ ...base, SECRETS_KMS_KEY_ID: id }).secretsKmsKeyId).toBe(id);
  });

  it('lists every problem at once and never echoes a value', () => {
    const found = problems({
      ...base,
      SLACK_BOT_TOKEN: 'xoxp-very-secret-user-token',
      PORT: 'x',
      SLACK_SIGNING_SECRET: 'q9z7',
    });
    expect(found).toHaveLength(3);
    expect(found.join('\n')).not.toContain('very-secret');
    expect(found.join('\n')).not.toContain('q9z7');
  });

  it('redacts secrets for logging', () => {
    const text = JSON.stringify(
      redactConfig(
        loadConfig({ ...base, SLACK_APP_TOKEN: 'xapp-1-abc', DATABASE_URL: 'postgres://bot:hunter2@db/bot' }),
      ),
    );
    expect(text).not.toContain('secret-value');
    expect(text).not.toContain('xapp-1-abc');
    expect(text).not.toContain('hunter2');
    expect(text).toContain('"mode":"socket"');
  });
});

describe('settings that weaken a defence', () => {
  it('are accepted, and each is named with what it costs; the defaults weaken nothing', () => {
    expect(weakenedDefences(loadConfig(base))).toEqual([]);
    const weak = weakenedDefences(
      loadConfig({
        ...base,
        EMAIL_MAPPING_TRUST_HOURS: '0',
        PRIVILEGED_APPROVALS: '1',
        MFA_RESET_APPROVALS: '1',
        SLACK_API_URL: 'http://slack-proxy.internal/api/',
      }),
    );
    expect(weak.map((w) => w.variable)).toEqual([
      'EMAIL_MAPPING_TRUST_HOURS',
      'PRIVILEGED_APPROVALS',
      'MFA_RESET_APPROVALS',
      'SLACK_API_URL',
    ]);
    expect(weak.find((w) => w.variable === 'SLACK_API_URL')?.why).toContain('unencrypted');
    // Plain http to this host (a local proxy, the tests' fake Slack) leaves the machine never.
    expect(weakenedDefences(loadConfig({ ...base, SLACK_API_URL: 'http://127.0.0.1:9999/api/' }))).toEqual(
      [],
    );
  });
});

describe('documentation of the configuration', () => {
  const example = readFileSync('.env.example', 'utf8');
  const configuration = readFileSync('docs/configuration.md', 'utf8');
  const exampleVars = [...example.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1] ?? '');

  it('.env.example lists every variable the bot reads, and nothing it does not', () => {
    // AWS_REGION, AWS_PROFILE … are the SDK's own; AWS_ACCOUNTS and its kin are the bot's.
    const ours = exampleVars.filter((v) => !v.startsWith('AWS_') || CONFIG_VARIABLES.includes(v));
    expect(ours.sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('docs/configuration.md documents every variable, in its table', () => {
    for (const v of CONFIG_VARIABLES)
      expect(configuration, v).toMatch(new RegExp(`^\\| [^\\n]*\`${v}\``, 'm'));
  });
});
