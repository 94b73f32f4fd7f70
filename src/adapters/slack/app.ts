import { once } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AnyMiddlewareArgs,
  App,
  HTTPReceiver,
  type Middleware,
  type Receiver,
  SocketModeReceiver,
} from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Config } from '../../config.js';
import { toSlackLogger } from '../../logger.js';
import { type Metrics, metricsHandler } from '../../metrics.js';
import type { SlackDeps } from './deps.js';
import { register as registerActions } from './listeners/actions.js';
import { register as registerCommands } from './listeners/commands.js';
import { register as registerEvents } from './listeners/events.js';
import { register as registerViews } from './listeners/views.js';
import { register as registerWorkflowSteps } from './listeners/workflow-steps.js';
import type { SlackIdentity } from './token-check.js';

/** What /readyz reports: Slack auth done, the database answering, and (Socket Mode) the connection up. */
export interface Readiness {
  slackAuthenticated: boolean;
  database(): Promise<void>;
  /** Set by the Socket Mode transport; undefined in HTTP mode. */
  socketConnected?: boolean;
}

export interface SlackApp {
  readonly app: App;
  /** Starts the transport; resolves with the HTTP port actually listened on. */
  start(): Promise<number>;
  stop(): Promise<void>;
}

/** Whether GET /metrics is served on PORT: Socket Mode (PORT is not Slack's) unless METRICS_PORT says otherwise. */
export const metricsOnPort = (config: Pick<Config, 'metricsPort' | 'port' | 'slack'>) =>
  config.metricsPort === undefined ? config.slack.appToken !== undefined : config.metricsPort === config.port;

function healthRoutes(readiness: Readiness, metrics: Metrics | undefined) {
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  return [
    {
      path: '/healthz',
      method: 'GET',
      handler: (_req: IncomingMessage, res: ServerResponse) => json(res, 200, { ok: true }),
    },
    {
      path: '/readyz',
      method: 'GET',
      handler: (_req: IncomingMessage, res: ServerResponse) => {
        readiness
          .database()
          .then(
            () => true,
            () => false,
          )
          .then((database) => {
            const socket = readiness.socketConnected;
            const checks = {
              slack: readiness.slackAuthenticated,
              database,
              ...(socket === undefined ? {} : { socket }),
            };
            const ok = checks.slack && checks.database && socket !== false;
            json(res, ok ? 200 : 503, { ok, checks });
          });
      },
    },
    ...(metrics ? [{ path: '/metrics', method: 'GET', handler: metricsHandler(metrics) }] : []),
  ];
}

/** How far a request's timestamp may be from now, either way: Slack's own five minutes. */
const MAX_CLOCK_SKEW_S = 5 * 60;

/**
 * Bolt rejects requests older than five minutes but not ones dated in the future, which a captured signature could
 * otherwise be replayed with for as long as its date lies ahead. Refused before Bolt sees them; nothing is done.
 */
function refuseFutureRequests(http: HTTPReceiver, deps: SlackDeps, metrics: Metrics | undefined): void {
  const inner = http.requestListener;
  http.requestListener = (req, res) => {
    // Bolt answers once the listener acks: the time to the response is the ack latency Slack sees.
    const started = process.hrtime.bigint();
    if (req.method === 'POST')
      res.once('finish', () => metrics?.ackSeconds(Number(process.hrtime.bigint() - started) / 1e9));
    const ts = Number(req.headers['x-slack-request-timestamp']);
    if (req.method === 'POST' && Number.isFinite(ts) && ts - Date.now() / 1000 > MAX_CLOCK_SKEW_S) {
      deps.logger.warn(
        { path: req.url, aheadSeconds: Math.round(ts - Date.now() / 1000) },
        'refused a request dated in the future',
      );
      req.resume();
      res.writeHead(401);
      res.end();
      return;
    }
    inner(req, res);
  };
}

/** The workspace a payload says it comes from (commands and events: team_id; interactions: team.id). */
function teamOf(body: Record<string, unknown>): string | undefined {
  const team = body.team as { id?: string } | string | undefined;
  const id =
    body.team_id ??
    (typeof team === 'object' ? team?.id : team) ??
    (body.view as { team_id?: string })?.team_id;
  return typeof id === 'string' ? id : undefined;
}

/** Every payload counted by type and outcome (`ok`, or `error` when a listener threw). */
function countRequests(metrics: Metrics): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as { command?: string; type?: string };
    const type = body.command
      ? 'command'
      : body.type === 'event_callback'
        ? 'event'
        : String(body.type ?? 'other');
    try {
      await args.next();
      metrics.slackRequest(type, 'ok');
    } catch (error) {
      metrics.slackRequest(type, 'error');
      throw error;
    }
  };
}

/**
 * The Enterprise organisation a payload comes from: slash commands and events carry `enterprise_id`, interactions
 * `enterprise.id` (and their team's `enterprise_id`), events to an org-wide install their `authorizations`.
 * https://api.slack.com/enterprise/apps/reference (payloads of organisation-wide apps).
 */
function enterpriseOf(body: Record<string, unknown>): string | undefined {
  const enterprise = body.enterprise as { id?: string } | string | null | undefined;
  const team = body.team as { enterprise_id?: string } | undefined;
  const authorization = (body.authorizations as { enterprise_id?: string | null }[] | undefined)?.[0];
  const id =
    body.enterprise_id ??
    (typeof enterprise === 'object' ? enterprise?.id : enterprise) ??
    team?.enterprise_id ??
    authorization?.enterprise_id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * SLACK_TEAM_ID set: a payload from any other workspace — or, when it names an Enterprise organisation (`E…`, an
 * org-wide install), from any other organisation — is acknowledged, logged and otherwise ignored.
 */
function onlyFromWorkspace(teamId: string, deps: SlackDeps): Middleware<AnyMiddlewareArgs> {
  const organisation = teamId.startsWith('E');
  return async (args) => {
    const body = args.body as Record<string, unknown>;
    const team = teamOf(body);
    const enterprise = enterpriseOf(body);
    if ((organisation ? enterprise : team) === teamId) {
      await args.next();
      return;
    }
    deps.logger.warn(
      { team, enterprise },
      organisation
        ? 'refused a payload from another organisation'
        : 'refused a payload from another workspace',
    );
    if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
  };
}

/**
 * The Bolt app on the transport the configuration asks for: Socket Mode when an app-level token is set, otherwise
 * HTTP with `POST /slack/events` (Bolt verifies the signature and rejects requests older than five minutes).
 * Health endpoints are served on PORT in both modes; GET /metrics too where `metricsOnPort` says so.
 */
export function createSlackApp(
  config: Config,
  deps: SlackDeps,
  readiness: Readiness,
  metrics?: Metrics,
  /** Who the bot is, from the one auth.test the bot makes (see token-check): Bolt makes none of its own. */
  identity?: () => Promise<SlackIdentity>,
): SlackApp {
  const logger = toSlackLogger(deps.logger);
  const customRoutes = healthRoutes(readiness, metricsOnPort(config) ? metrics : undefined);
  let receiver: Receiver;
  let socket: SocketModeReceiver | undefined;
  let http: HTTPReceiver | undefined;

  if (config.slack.appToken) {
    socket = new SocketModeReceiver({
      appToken: config.slack.appToken,
      logger,
      customRoutes,
      installerOptions: { port: config.port },
    });
    // Bolt 5 does not pass client options to the Socket Mode client, so its apps.connections.open call would ignore
    // SLACK_API_URL (GovSlack, proxies). Give it a WebClient that honours it.
    Reflect.set(
      socket.client,
      'webClient',
      new WebClient(config.slack.appToken, {
        slackApiUrl: config.slack.apiUrl,
        logger,
        retryConfig: { retries: 100, factor: 1.3 },
      }),
    );
    readiness.socketConnected = false;
    socket.client.on('connected', () => {
      readiness.socketConnected = true;
    });
    socket.client.on('disconnected', () => {
      readiness.socketConnected = false;
    });
    receiver = socket;
  } else {
    http = new HTTPReceiver({
      signingSecret: config.slack.signingSecret ?? '',
      endpoints: '/slack/events',
      customRoutes,
      logger,
    });
    refuseFutureRequests(http, deps, metrics);
    receiver = http;
  }

  const app = new App({
    ...(identity
      ? {
          authorize: async () => {
            const me = await identity();
            return {
              botToken: me.botToken,
              ...(me.botId ? { botId: me.botId } : {}),
              ...(me.botUserId ? { botUserId: me.botUserId } : {}),
            };
          },
        }
      : { token: config.slack.botToken }),
    receiver,
    logger,
    clientOptions: { slackApiUrl: config.slack.apiUrl, logger },
  });

  app.error(async (error) => {
    // Bolt calls this for errors thrown by listeners; the request was already acked, so only the log remains.
    const e = error as Error & { code?: string; original?: unknown };
    deps.logger.error({ err: e.original ?? e, code: e.code }, 'a Slack listener failed');
  });

  if (metrics) app.use(countRequests(metrics));
  if (config.slackTeamId) app.use(onlyFromWorkspace(config.slackTeamId, deps));
  registerCommands(app, deps);
  registerActions(app, deps);
  registerEvents(app, deps);
  registerViews(app, deps);
  registerWorkflowSteps(app, deps);

  return {
    app,
    async start() {
      if (http) {
        const server = (await app.start(config.port)) as Server;
        return (server.address() as AddressInfo).port;
      }
      // The WebSocket is connected (and reconnected) in the background: /healthz answers at once, /readyz says
      // whether Slack is connected. Waiting here would keep the port shut while Slack cannot be reached.
      app.start().catch((error: unknown) => deps.logger.error({ err: error }, 'Socket Mode could not start'));
      const server = (socket as unknown as { httpServer?: Server } | undefined)?.httpServer;
      if (server && !server.listening) await once(server, 'listening');
      return config.port;
    },
    async stop() {
      await app.stop();
    },
  };
}
