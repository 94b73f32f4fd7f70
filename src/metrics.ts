import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The bot's Prometheus metrics, on a registry of its own (no global state, one per running bot). Labels are kinds
 * and outcomes, never user names, e-mails, key IDs or ARNs.
 */
/** What the metrics read from the database when scraped: every replica reports the shared truth. */
export interface MetricsReads {
  /** Messages waiting in the outbox, and the age of the oldest in ms. */
  outbox(now: number): Promise<{ depth: number; oldest: number | undefined }>;
  /** Rotation requests by state. */
  rotationsByState(): Promise<Readonly<Record<string, number>>>;
}

export function createMetrics(reads: MetricsReads) {
  const registry = new Registry();
  const slackRequests = new Counter({
    name: 'aws_mfa_bot_slack_requests_total',
    help: 'Slack payloads received, by type (command, block_actions, view_submission, event) and outcome.',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
  const ackSeconds = new Histogram({
    name: 'aws_mfa_bot_slack_ack_seconds',
    help: 'Time from receiving a Slack request (HTTP mode) to answering it.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers: [registry],
  });
  const jobRuns = new Counter({
    name: 'aws_mfa_bot_job_runs_total',
    help: 'Scheduled job runs on this replica, by job and outcome.',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  });
  const jobLastSuccess = new Gauge({
    name: 'aws_mfa_bot_job_last_success_timestamp_seconds',
    help: 'When each job last finished without error on this replica (Unix time).',
    labelNames: ['job'] as const,
    registers: [registry],
  });
  const awsCalls = new Counter({
    name: 'aws_mfa_bot_aws_calls_total',
    help: 'AWS API calls, by IAM-style operation and outcome (ok, or the fault kind: throttled, access_denied …).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  // Read from the database when scraped: every replica reports the shared truth.
  new Gauge({
    name: 'aws_mfa_bot_outbox_depth',
    help: 'Messages waiting in the outbox (all replicas).',
    registers: [registry],
    async collect() {
      this.set((await reads.outbox(Date.now())).depth);
    },
  });
  new Gauge({
    name: 'aws_mfa_bot_outbox_oldest_age_seconds',
    help: 'Age of the oldest message still waiting in the outbox; 0 when it is empty.',
    registers: [registry],
    async collect() {
      this.set(((await reads.outbox(Date.now())).oldest ?? 0) / 1000);
    },
  });
  new Gauge({
    name: 'aws_mfa_bot_rotations',
    help: 'Rotation requests by state (all replicas).',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const byState = await reads.rotationsByState();
      this.reset();
      for (const [state, n] of Object.entries(byState)) this.set({ state }, n);
    },
  });

  return {
    registry,
    slackRequest: (type: string, outcome: string) => slackRequests.inc({ type, outcome }),
    ackSeconds: (seconds: number) => ackSeconds.observe(seconds),
    awsCall: (operation: string, outcome: string) => awsCalls.inc({ operation, outcome }),
    /** Runs a job, counting it and its last success. */
    async job<T>(name: string, run: () => Promise<T>): Promise<T> {
      try {
        const result = await run();
        jobRuns.inc({ job: name, outcome: 'ok' });
        jobLastSuccess.set({ job: name }, Date.now() / 1000);
        return result;
      } catch (error) {
        jobRuns.inc({ job: name, outcome: 'error' });
        throw error;
      }
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** GET /metrics in Prometheus' text format. */
export function metricsHandler(metrics: Pick<Metrics, 'registry'>) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    metrics.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      },
      () => {
        res.writeHead(500);
        res.end();
      },
    );
  };
}

/** GET /metrics on a port of its own (METRICS_PORT), apart from the one Slack reaches; anything else is 404. */
export async function serveMetrics(
  metrics: Pick<Metrics, 'registry'>,
  port: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const handle = metricsHandler(metrics);
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') return handle(req, res);
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
