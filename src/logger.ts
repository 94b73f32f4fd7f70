import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

// Slack tokens and signing secrets have recognisable shapes; anything that looks like one is masked wherever it
// appears in a log line (messages, error texts, nested objects), not only under the keys we thought of.
const TOKEN_PATTERN = /\b(xox[abposre]|xapp)-[A-Za-z0-9-]+/g;

export function redactText(text: string): string {
  return text.replace(TOKEN_PATTERN, '$1-*****');
}

/**
 * An error as a log line needs it: its name, code (ours, AWS's or Slack's), message and stack — redacted — and what
 * caused it, a few levels down. Never its other properties, which may hold a request or a response.
 */
export function serializeError(error: Error, depth = 0): Record<string, unknown> {
  const e = error as Error & {
    code?: unknown;
    data?: { error?: unknown };
    $metadata?: { httpStatusCode?: unknown };
    cause?: unknown;
  };
  const code = e.code ?? e.data?.error;
  return {
    name: e.name,
    ...(code !== undefined ? { code: typeof code === 'string' ? redactText(code) : code } : {}),
    message: redactText(e.message),
    ...(e.$metadata?.httpStatusCode !== undefined ? { httpStatus: e.$metadata.httpStatusCode } : {}),
    stack: redactText(e.stack ?? ''),
    ...(e.cause instanceof Error && depth < 3 ? { cause: serializeError(e.cause, depth + 1) } : {}),
  };
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return serializeError(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1);
  return out;
}

/**
 * Where a one-shot command logs when its stdout is the answer (`--json`): stderr, so that stdout is the JSON alone
 * and can be piped to a parser.
 */
export const stderrLog = (): DestinationStream => pino.destination({ dest: 2, sync: true });

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'aws-mfa-bot' },
      redact: {
        paths: [
          'token',
          '*.token',
          'botToken',
          '*.botToken',
          'appToken',
          '*.appToken',
          'signingSecret',
          '*.signingSecret',
          'SecretAccessKey',
          '*.SecretAccessKey',
          'headers.authorization',
          '*.headers.authorization',
        ],
        censor: '*****',
      },
      formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
      // Errors are serialized by scrub (above), before pino's own serializer could turn them into `type: Object`.
      serializers: { err: (err: unknown) => err },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    destination,
  );
}

/** Bolt and the Slack SDKs log through this, so their lines are structured and redacted like ours. */
export function toSlackLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'slack' });
  const write = (level: 'debug' | 'info' | 'warn' | 'error', msg: unknown[]) => {
    // The Web API client logs every request's body and answer at debug: nothing is built for a level that is off.
    if (!child.isLevelEnabled(level)) return;
    const err = msg.find((m) => m instanceof Error);
    const text = msg
      .filter((m) => !(m instanceof Error))
      .map((m) => (typeof m === 'string' ? m : JSON.stringify(m)))
      .join(' ');
    if (err) child[level]({ err }, text);
    else child[level](text);
  };
  return {
    debug: (...msg) => write('debug', msg),
    info: (...msg) => write('info', msg),
    warn: (...msg) => write('warn', msg),
    error: (...msg) => write('error', msg),
    setLevel: () => {},
    getLevel: () => {
      const l = logger.level;
      if (l === 'debug' || l === 'trace') return LogLevel.DEBUG;
      if (l === 'info') return LogLevel.INFO;
      if (l === 'warn') return LogLevel.WARN;
      return LogLevel.ERROR;
    },
    setName: () => {},
  };
}
