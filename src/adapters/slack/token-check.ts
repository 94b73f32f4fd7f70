import { type Logger as SlackLogger, WebClient } from '@slack/web-api';
import { SlackTokenRejected } from '../../errors.js';
import type { Logger } from '../../logger.js';

/** Who the bot is in Slack, from the one `auth.test` the bot makes. */
export interface SlackIdentity {
  readonly botToken: string;
  readonly botId: string | undefined;
  readonly botUserId: string | undefined;
  readonly team: string | undefined;
  readonly teamId: string | undefined;
}

/** One attempt may take this long (with one retry inside): a start-up that hangs on Slack is worse than one that says so. */
const ATTEMPT_TIMEOUT_MS = 10_000;
/** While Slack cannot be reached, it is tried again this often (the process stays up: /healthz yes, /readyz no). */
export const RETRY_MS = 15_000;

/**
 * The bot token, checked once with `auth.test` — bounded, and naming what failed — and the identity it gives, for
 * Bolt's `authorize` (so Bolt makes no `auth.test` of its own). Slack unreachable: said once, tried again in the
 * background until it answers; a refused token is final.
 */
export function createTokenCheck(deps: {
  readonly token: string;
  readonly apiUrl: string;
  readonly logger: Logger;
  readonly slackLogger: SlackLogger;
  /** Called when Slack, reached later, refuses the token. */
  readonly onRejected: (error: SlackTokenRejected) => void;
  /** Called once the token is verified. */
  readonly onVerified: (identity: SlackIdentity) => void;
}) {
  const client = new WebClient(deps.token, {
    slackApiUrl: deps.apiUrl,
    logger: deps.slackLogger,
    retryConfig: { retries: 1, minTimeout: 500, maxTimeout: 1_000 },
    timeout: ATTEMPT_TIMEOUT_MS,
  });
  let resolveIdentity: (identity: SlackIdentity) => void = () => {};
  const identity = new Promise<SlackIdentity>((resolve) => {
    resolveIdentity = resolve;
  });
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function attempt(): Promise<'verified' | 'unreachable'> {
    try {
      const auth = await client.auth.test();
      const verified: SlackIdentity = {
        botToken: deps.token,
        botId: auth.bot_id,
        botUserId: auth.user_id,
        team: auth.team,
        teamId: auth.team_id,
      };
      resolveIdentity(verified);
      deps.onVerified(verified);
      return 'verified';
    } catch (error) {
      const slackError = (error as { data?: { error?: string } }).data?.error;
      if (slackError) throw new SlackTokenRejected(slackError);
      return 'unreachable';
    }
  }

  const retryLater = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      attempt().then(
        (outcome) => {
          if (outcome === 'verified')
            deps.logger.info({ slackApiUrl: deps.apiUrl }, 'Slack reached: token verified');
          else retryLater();
        },
        (error: SlackTokenRejected) => deps.onRejected(error),
      );
    }, RETRY_MS);
    timer.unref();
  };

  return {
    /** The first check: resolves once Slack answered or could not be reached (then retried); throws if refused. */
    async verify(): Promise<'verified' | 'unreachable'> {
      const outcome = await attempt();
      if (outcome === 'unreachable') {
        deps.logger.error(
          { slackApiUrl: deps.apiUrl, retryInSeconds: RETRY_MS / 1000 },
          `cannot reach ${deps.apiUrl} — check SLACK_API_URL or the network`,
        );
        retryLater();
      }
      return outcome;
    },
    /** Bolt's authorize: the verified identity (payloads wait for it; they only arrive once Slack is reachable). */
    authorize: () => identity,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
