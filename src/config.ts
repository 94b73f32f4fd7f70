import cron from 'node-cron';
import { z } from 'zod';
import { ConfigError } from './errors.js';

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The values a cron field (`*`, `5`, `1-5`, `*` + `/15`, `0,30`) takes within min..max; undefined when unreadable. */
function cronFieldValues(field: string, min: number, max: number): Set<number> | undefined {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
    if (!m) return undefined;
    const from = m[1] === '*' ? min : Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : m[1] === '*' || m[3] !== undefined ? max : from;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (step < 1) return undefined;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/**
 * Whether a (valid) cron expression runs at most once an hour: a single second (when it has a seconds field) and a
 * single minute. Every run of the scan may send nudges and posts a digest.
 */
export function runsAtMostHourly(expression: string): boolean {
  const fields = expression.trim().split(/\s+/);
  const seconds = fields.length === 6 ? cronFieldValues(fields[0] as string, 0, 59) : new Set([0]);
  const minutes = cronFieldValues(fields[fields.length === 6 ? 1 : 0] as string, 0, 59);
  return seconds?.size === 1 && minutes?.size === 1;
}

/**
 * Everything the bot reads from the environment, validated once at start-up. AWS credentials and region are not
 * here on purpose: the AWS SDK resolves them itself (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, roles …).
 */
export interface Config {
  readonly slack: {
    readonly botToken: string;
    /** Set → Socket Mode; unset → HTTP mode on `port`. */
    readonly appToken: string | undefined;
    readonly signingSecret: string | undefined;
    readonly apiUrl: string;
  };
  readonly port: number;
  /**
   * Where GET /metrics is served: its own port (unset: on PORT in Socket Mode, not at all in HTTP mode, where PORT is
   * the one Slack must reach). Equal to PORT: on PORT, as the operator asked.
   */
  readonly metricsPort: number | undefined;
  readonly securityChannel: string | undefined;
  readonly keyMaxAgeDays: number;
  readonly keyUnusedDays: number;
  /** IAM tag whose value is the owner's e-mail address (identity mapping, second rule). */
  readonly emailTagKey: string;
  /**
   * An identity mapping by e-mail (which a Slack profile change can steer) must have been stable this long before
   * its person may act on keys or devices; the SlackUserId tag is trusted at once.
   */
  readonly emailMappingTrustHours: number;
  /** Payloads from any other workspace are refused. */
  readonly slackTeamId: string | undefined;
  /** Customer-managed KMS key for the delivered secrets; unset → the AWS managed key. */
  readonly secretsKmsKeyId: string | undefined;
  readonly logLevel: string;
  readonly databaseUrl: string;
  readonly rotation: {
    readonly approvalChannel: string;
    /** Slack user IDs (U…/W…) and user group IDs (S…). */
    readonly approvers: readonly string[];
    readonly requiredApprovals: number;
    readonly privilegedApprovals: number;
    readonly requestTtlHours: number;
    readonly graceDays: number;
    readonly deleteDays: number;
    readonly secretPrefix: string;
  };
  /** Resets of a lost or broken MFA device (`/aws-mfa lost-device`). */
  readonly mfaReset: {
    /** Approvals needed (each approver confirms they verified the person outside Slack). */
    readonly approvals: number;
    /** After a reset, the owner is nudged and security told if no device is enabled by then. */
    readonly reenrolHours: number;
  };
  /** Which AWS accounts the bot looks after, and how it reaches the ones other than its own. */
  readonly accounts: {
    /** `own`: the bot's own account only; `list`: these IDs (and its own); `organization`: every ACTIVE account. */
    readonly mode: 'own' | 'list' | 'organization';
    readonly ids: readonly string[];
    readonly exclude: readonly string[];
    readonly roleName: string;
    readonly externalId: string | undefined;
    readonly concurrency: number;
  };
  readonly scan: {
    /** When the scan runs (cron syntax, in `timeZone`). */
    readonly cron: string;
    /** The same nudge is not repeated within this many days (unless the finding got worse). */
    readonly repeatDays: number;
    readonly timeZone: string;
  };
  /** IAM Identity Center, the guide's next step: unset → step 7, `/aws-mfa sso` and its finding are absent. */
  readonly identityCenter:
    | {
        /** The AWS access portal URL people sign in at. */
        readonly startUrl: string;
        readonly region: string;
        /** Unset: found with `sso-admin:ListInstances`. */
        readonly identityStoreId: string | undefined;
      }
    | undefined;
  /** When the weekly posture chart is posted to SECURITY_CHANNEL (cron, in `scan.timeZone`). */
  readonly postureCron: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optional = (schema: z.ZodType<string>) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const wholeNumber = (fallback: number, min: number, max: number, hint: string) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? fallback : v),
    z.coerce.number({ error: hint }).int({ error: hint }).min(min, { error: hint }).max(max, { error: hint }),
  );

const positiveInt = (fallback: number, hint: string) => wholeNumber(fallback, 1, 3650, hint);

const schema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: 'is required: the bot token (xoxb-…) from your Slack app → OAuth & Permissions' })
    .regex(/^xoxb-/, { error: 'must be a bot token starting with xoxb- (Slack app → OAuth & Permissions)' }),
  SLACK_APP_TOKEN: optional(
    z.string().regex(/^xapp-/, {
      error:
        'must be an app-level token starting with xapp- (Slack app → Basic Information → App-Level Tokens), or unset for HTTP mode',
    }),
  ),
  SLACK_SIGNING_SECRET: optional(
    z
      .string()
      .min(8, { error: 'looks too short: copy the Signing Secret from Slack app → Basic Information' }),
  ),
  SLACK_API_URL: z.preprocess(
    (v) => (v === undefined || v === '' ? 'https://slack.com/api/' : v),
    z.url({ error: 'must be a URL such as https://slack.com/api/' }),
  ),
  PORT: wholeNumber(3000, 1, 65535, 'must be a TCP port number (1-65535)'),
  METRICS_PORT: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce
      .number({ error: 'must be a TCP port number (1-65535)' })
      .int({ error: 'must be a TCP port number (1-65535)' })
      .min(1, { error: 'must be a TCP port number (1-65535)' })
      .max(65535, { error: 'must be a TCP port number (1-65535)' })
      .optional(),
  ),
  SECURITY_CHANNEL: optional(
    z
      .string()
      .regex(/^[CG][A-Z0-9]{6,}$/, { error: 'must be a Slack channel ID such as C0123456789 (not a #name)' }),
  ),
  KEY_MAX_AGE_DAYS: wholeNumber(
    90,
    7,
    3650,
    'must be a whole number of days between 7 and 3650 (fewer flags keys days after they are made: a nudge storm)',
  ),
  KEY_UNUSED_DAYS: wholeNumber(
    45,
    7,
    3650,
    'must be a whole number of days between 7 and 3650 (fewer flags a new key before its owner could use it)',
  ),
  IAM_EMAIL_TAG: z.preprocess(
    (v) => (v === undefined || v === '' ? 'email' : v),
    z.string().regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, {
      error: 'must be a valid IAM tag key (1-128 characters)',
    }),
  ),
  EMAIL_MAPPING_TRUST_HOURS: wholeNumber(72, 0, 8760, 'must be a whole number of hours between 0 and 8760'),
  SLACK_TEAM_ID: optional(
    z.string().regex(/^[TE][A-Z0-9]{2,}$/, {
      error:
        'must be a Slack workspace ID such as T0123456789, or an Enterprise organisation ID (E…) for an org-wide install',
    }),
  ),
  SECRETS_KMS_KEY_ID: optional(
    z
      .string()
      .regex(/^(arn:aws[\w-]*:kms:[\w-]+:\d{12}:(key|alias)\/[\w/-]+|alias\/[\w/-]+|[0-9a-f-]{36})$/, {
        error: 'must be a KMS key ID, key ARN, alias name (alias/…) or alias ARN',
      }),
  ),
  AWS_ACCOUNTS: optional(
    z.string().regex(/^(organization|\s*\d{12}\s*(,\s*\d{12}\s*)*)$/, {
      error: 'must be `organization` or comma-separated 12-digit AWS account IDs',
    }),
  ),
  AWS_ACCOUNTS_EXCLUDE: optional(
    z
      .string()
      .regex(/^\s*\d{12}\s*(,\s*\d{12}\s*)*$/, { error: 'must be comma-separated 12-digit AWS account IDs' }),
  ),
  AWS_ROLE_NAME: z.preprocess(
    (v) => (v === undefined || v === '' ? 'aws-mfa-bot' : v),
    z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, { error: 'must be an IAM role name (1-64 of A-Z a-z 0-9 +=,.@_-)' }),
  ),
  AWS_EXTERNAL_ID: optional(
    z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, {
      error: 'must be an STS external ID (2-1224 of A-Z a-z 0-9 +=,.@:/_-)',
    }),
  ),
  ACCOUNT_CONCURRENCY: wholeNumber(5, 1, 50, 'must be a whole number between 1 and 50'),
  DATABASE_URL: z.preprocess(
    (v) => (v === undefined || v === '' ? 'sqlite:./data/aws-mfa-bot.db' : v),
    z.string().regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, {
      error: 'must be sqlite:<path> (e.g. sqlite:./data/aws-mfa-bot.db) or postgres://user@host:5432/db',
    }),
  ),
  APPROVAL_CHANNEL: z
    .string({
      error:
        'is required: the ID of the channel where rotation requests are posted (C…; invite the bot there)',
    })
    .regex(/^[CG][A-Z0-9]{6,}$/, { error: 'must be a Slack channel ID such as C0123456789 (not a #name)' }),
  APPROVERS: z
    .string({
      error: 'is required: comma-separated Slack user IDs (U…/W…) and/or user group IDs (S…) who may approve',
    })
    .transform((v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z.string().regex(/^[UWS][A-Z0-9]{2,}$/, {
            error: 'must list Slack user IDs (U…/W…) or user group IDs (S…), comma-separated',
          }),
        )
        .min(1, { error: 'must name at least one Slack user ID (U…/W…) or user group ID (S…)' }),
    ),
  REQUIRED_APPROVALS: positiveInt(1, 'must be a whole number of approvals, at least 1'),
  PRIVILEGED_APPROVALS: positiveInt(2, 'must be a whole number of approvals, at least 1'),
  REQUEST_TTL_HOURS: positiveInt(24, 'must be a whole number of hours between 1 and 3650'),
  // Never 0: the old key must outlive the new one's delivery, and be deactivated before it is deleted.
  ROTATION_GRACE_DAYS: positiveInt(
    7,
    'must be a whole number of days between 1 and 3650 (0 would switch the old key off as the new one is made)',
  ),
  OLD_KEY_DELETE_DAYS: positiveInt(
    7,
    'must be a whole number of days between 1 and 3650 (0 would delete a key with no time to switch it back on)',
  ),
  MFA_RESET_APPROVALS: wholeNumber(2, 1, 10, 'must be a whole number of approvals between 1 and 10'),
  MFA_REENROL_HOURS: positiveInt(24, 'must be a whole number of hours between 1 and 3650'),
  SECRET_NAME_PREFIX: z.preprocess(
    (v) => (v === undefined || v === '' ? 'aws-mfa-bot/' : v),
    z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,256}$/, {
      error: 'must be a Secrets Manager name prefix such as aws-mfa-bot/',
    }),
  ),
  NUDGE_CRON: z.preprocess(
    (v) => (v === undefined || v === '' ? '0 10 * * 1-5' : v),
    z
      .string()
      .refine((v) => cron.validate(v), {
        error: 'must be a cron expression such as "0 10 * * 1-5"',
        abort: true,
      })
      .refine(runsAtMostHourly, {
        error:
          'runs more than once an hour, and every scan may nudge people and posts a digest: use one minute (and one second) per hour at most, such as "0 10 * * 1-5" or "0 * * * *"',
      }),
  ),
  IDENTITY_CENTER_START_URL: optional(
    z.string().regex(/^https:\/\/[\w.-]+(:\d+)?(\/[\w./-]*)?$/, {
      error: 'must be the AWS access portal URL, such as https://d-1234567890.awsapps.com/start',
    }),
  ),
  IDENTITY_CENTER_REGION: optional(
    z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, {
      error: 'must be the region of your IAM Identity Center instance, such as us-east-1',
    }),
  ),
  IDENTITY_STORE_ID: optional(
    z.string().regex(/^d-[0-9a-f]{10}$|^[0-9a-f-]{36}$/, {
      error: 'must be an identity store ID such as d-1234567890 (IAM Identity Center → Settings)',
    }),
  ),
  POSTURE_CRON: z.preprocess(
    (v) => (v === undefined || v === '' ? '0 9 * * 1' : v),
    z
      .string()
      .refine((v) => cron.validate(v), {
        error: 'must be a cron expression such as "0 9 * * 1"',
        abort: true,
      })
      .refine(runsAtMostHourly, {
        error:
          'runs more than once an hour: the chart goes to a channel, use e.g. "0 9 * * 1" (Mondays 09:00)',
      }),
  ),
  NUDGE_REPEAT_DAYS: positiveInt(7, 'must be a whole number of days between 1 and 3650'),
  TZ: z.preprocess(
    (v) => (v === undefined || v === '' ? 'UTC' : v),
    z.string().refine(validTimeZone, { error: 'must be an IANA time zone such as UTC or Asia/Seoul' }),
  ),
  LOG_LEVEL: z.preprocess(
    (v) => (v === undefined || v === '' ? 'info' : String(v).toLowerCase()),
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }),
  ),
});

/** Every environment variable the bot itself reads (the AWS SDK reads its own). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

const accountIds = (list: string | undefined) =>
  [...new Set((list ?? '').split(',').map((id) => id.trim()))].filter(Boolean);

/** Reads and validates the configuration; throws {@link ConfigError} listing every problem at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'configuration');
      const missing = issue.code === 'invalid_type' && env[name] === undefined;
      problems.push(
        `${name} ${missing && !issue.message.startsWith('is required') ? 'is required' : issue.message}`,
      );
    }
  // The rules between variables are checked on the raw values too: every problem is reported in one go.
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  if (!set('SLACK_APP_TOKEN') && !set('SLACK_SIGNING_SECRET'))
    problems.push(
      'SLACK_SIGNING_SECRET is required in HTTP mode: copy it from Slack app → Basic Information, or set SLACK_APP_TOKEN (xapp-…) to use Socket Mode',
    );
  if (set('IDENTITY_CENTER_START_URL') && !set('IDENTITY_CENTER_REGION'))
    problems.push(
      'IDENTITY_CENTER_REGION is required with IDENTITY_CENTER_START_URL: the region of your IAM Identity Center instance, such as us-east-1',
    );
  if (!set('IDENTITY_CENTER_START_URL') && (set('IDENTITY_CENTER_REGION') || set('IDENTITY_STORE_ID')))
    problems.push(
      'IDENTITY_CENTER_START_URL is required with IDENTITY_CENTER_REGION or IDENTITY_STORE_ID: your AWS access portal URL, such as https://d-1234567890.awsapps.com/start',
    );
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  const apiUrl = e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`;
  return Object.freeze({
    slack: Object.freeze({
      botToken: e.SLACK_BOT_TOKEN,
      appToken: e.SLACK_APP_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      apiUrl,
    }),
    port: e.PORT,
    metricsPort: e.METRICS_PORT,
    securityChannel: e.SECURITY_CHANNEL,
    keyMaxAgeDays: e.KEY_MAX_AGE_DAYS,
    keyUnusedDays: e.KEY_UNUSED_DAYS,
    emailTagKey: e.IAM_EMAIL_TAG,
    emailMappingTrustHours: e.EMAIL_MAPPING_TRUST_HOURS,
    slackTeamId: e.SLACK_TEAM_ID,
    secretsKmsKeyId: e.SECRETS_KMS_KEY_ID,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    scan: Object.freeze({ cron: e.NUDGE_CRON, repeatDays: e.NUDGE_REPEAT_DAYS, timeZone: e.TZ }),
    rotation: Object.freeze({
      approvalChannel: e.APPROVAL_CHANNEL,
      approvers: Object.freeze(e.APPROVERS),
      requiredApprovals: e.REQUIRED_APPROVALS,
      privilegedApprovals: e.PRIVILEGED_APPROVALS,
      requestTtlHours: e.REQUEST_TTL_HOURS,
      graceDays: e.ROTATION_GRACE_DAYS,
      deleteDays: e.OLD_KEY_DELETE_DAYS,
      secretPrefix: e.SECRET_NAME_PREFIX,
    }),
    mfaReset: Object.freeze({ approvals: e.MFA_RESET_APPROVALS, reenrolHours: e.MFA_REENROL_HOURS }),
    identityCenter:
      e.IDENTITY_CENTER_START_URL && e.IDENTITY_CENTER_REGION
        ? Object.freeze({
            startUrl: e.IDENTITY_CENTER_START_URL,
            region: e.IDENTITY_CENTER_REGION,
            identityStoreId: e.IDENTITY_STORE_ID,
          })
        : undefined,
    postureCron: e.POSTURE_CRON,
    accounts: Object.freeze({
      mode:
        e.AWS_ACCOUNTS === undefined ? 'own' : e.AWS_ACCOUNTS === 'organization' ? 'organization' : 'list',
      ids: Object.freeze(accountIds(e.AWS_ACCOUNTS === 'organization' ? undefined : e.AWS_ACCOUNTS)),
      exclude: Object.freeze(accountIds(e.AWS_ACCOUNTS_EXCLUDE)),
      roleName: e.AWS_ROLE_NAME,
      externalId: e.AWS_EXTERNAL_ID,
      concurrency: e.ACCOUNT_CONCURRENCY,
    } as const),
  });
}

/** The configuration as it may be logged: secrets replaced by `*****`. */
export function redactConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    slack: {
      ...config.slack,
      botToken: '*****',
      appToken: config.slack.appToken ? '*****' : undefined,
      signingSecret: config.slack.signingSecret ? '*****' : undefined,
    },
    // A PostgreSQL URL may carry a password.
    databaseUrl: config.databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:*****@'),
    accounts: { ...config.accounts, externalId: config.accounts.externalId ? '*****' : undefined },
    mode: config.slack.appToken ? 'socket' : 'http',
  };
}

/** A setting that is accepted but turns a defence down: doctor warns, and the bot says so once at start. */
export interface WeakenedDefence {
  readonly variable: string;
  readonly why: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Every defence the configuration turns down, each with what it costs. */
export function weakenedDefences(config: Config): WeakenedDefence[] {
  const out: WeakenedDefence[] = [];
  if (config.emailMappingTrustHours === 0)
    out.push({
      variable: 'EMAIL_MAPPING_TRUST_HOURS',
      why: '0: an e-mail mapping may act on keys at once, so changing a Slack e-mail hands over an IAM user’s keys',
    });
  if (config.rotation.privilegedApprovals < 2)
    out.push({
      variable: 'PRIVILEGED_APPROVALS',
      why: `${config.rotation.privilegedApprovals}: one person alone approves new keys for admin-level users (no two-person rule)`,
    });
  if (config.mfaReset.approvals < 2)
    out.push({
      variable: 'MFA_RESET_APPROVALS',
      why: `${config.mfaReset.approvals}: one approver alone, fooled by "I lost my phone", removes someone's MFA device`,
    });
  const api = new URL(config.slack.apiUrl);
  if (api.protocol === 'http:' && !LOOPBACK.has(api.hostname))
    out.push({
      variable: 'SLACK_API_URL',
      why: 'plain http: the bot token and every message travel unencrypted',
    });
  return out;
}
