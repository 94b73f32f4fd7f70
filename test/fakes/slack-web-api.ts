import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { parse } from 'yaml';
import { checkMessage, checkView } from './block-kit-limits.js';

type Json = Record<string, unknown>;

export interface RecordedCall {
  readonly method: string;
  readonly args: Json;
  readonly ok: boolean;
  readonly error?: string;
  readonly at: number;
  /** What the fake answered (a view's ID, a message's ts …). */
  readonly result?: Json;
}

export interface FakeMember {
  id: string;
  name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  locale?: string;
  tz?: string;
  profile: { email?: string; real_name?: string };
  /** With `enterpriseId`: the workspaces of the organisation this member is in (unset: every one). */
  teams?: string[];
}

/** Slack's documented lifetime of a trigger_id. */
const TRIGGER_TTL_MS = 3000;

/** The bot scopes manifest.yml asks for. */
function manifestScopes(): string[] {
  const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as {
    oauth_config: { scopes: { bot: string[] } };
  };
  return [...manifest.oauth_config.scopes.bot];
}
const JSON_ARGS = new Set(['view', 'blocks', 'attachments']);

/**
 * A stand-in for Slack's Web API (`SLACK_API_URL`) and for response_url, on a loopback port. It records every call,
 * checks tokens, enforces what a real workspace enforces (a trigger_id is valid for 3 s and opens one view; Block
 * Kit sizes) and can answer 429 with Retry-After or slowly, on demand.
 */
export class FakeSlackWebApi {
  readonly calls: RecordedCall[] = [];
  /** Messages posted to response_url paths: `{ path, body }`. */
  readonly responses: { path: string; body: Json }[] = [];
  members: FakeMember[] = [];
  private readonly heldPosts = new Map<string, (args: Json) => void>();
  /** User group ID → member user IDs, for usergroups.users.list. */
  usergroups = new Map<string, string[]>();
  /** The scopes the bot token was granted, sent as Slack does in `x-oauth-scopes` (default: manifest.yml's). */
  grantedScopes: string[] = manifestScopes();
  /** Files of the external upload flow, by file ID: what getUploadURLExternal announced, the bytes, where shared. */
  readonly uploads = new Map<
    string,
    {
      filename: string;
      length: number;
      altText?: string;
      bytes?: Buffer;
      channel?: string;
      title?: string;
      comment?: string;
    }
  >();
  /** Channels the bot is not a member of (conversations.history answers not_in_channel); every other one it is. */
  readonly notIn = new Set<string>();
  readonly botToken: string;
  private server: Server | undefined;
  private baseUrl = '';
  private readonly triggers = new Map<string, { issuedAt: number; used: boolean }>();
  private readonly views = new Map<string, Json>();
  private readonly rateLimits = new Map<string, { remaining: number; retryAfter: number }>();
  /** Set: the token is an org-wide install's, in this Enterprise organisation (what auth.test then says). */
  enterpriseId: string | undefined;
  /** With `enterpriseId`: the organisation's workspaces the app is installed in (auth.teams.list). */
  workspaces: { id: string; name: string }[] = [{ id: 'T0FAKE', name: 'Fake' }];
  /** Slack's chat.postMessage pace, when enforced: the last post to each channel (real time). */
  private postPaceMs: number | undefined;
  private readonly lastPostTo = new Map<string, number>();
  /** A workspace-wide budget of posts a minute, when enforced, and when each accepted post of the last minute came. */
  private workspacePostsPerMinute: number | undefined;
  private readonly recentPosts: number[] = [];
  private readonly delays = new Map<string, number>();
  private readonly functionExecutions = new Map<
    string,
    { token: string; completed: { outputs?: Json; error?: string } | undefined }
  >();
  /** Channel → until when chat.postMessage to it answers HTTP 500. */
  private readonly brokenChannels = new Map<string, number>();
  private appToken: string | undefined;
  private sockets: WebSocketServer | undefined;
  private readonly acks = new Map<string, (payload: Json) => void>();

  constructor(options: { botToken?: string } = {}) {
    this.botToken = options.botToken ?? 'xoxb-test-fake-token';
  }

  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  responseUrl(id = randomUUID()): string {
    return `${this.baseUrl}/response/${id}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        res.writeHead(500);
        res.end(String(error));
      });
    });
    if (this.appToken) {
      this.sockets = new WebSocketServer({ server: this.server, path: '/socket' });
      this.sockets.on('connection', (ws: WebSocket) => {
        ws.on('message', (data) => {
          const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: Json };
          const resolve = msg.envelope_id ? this.acks.get(msg.envelope_id) : undefined;
          if (resolve && msg.envelope_id) {
            this.acks.delete(msg.envelope_id);
            resolve(msg.payload ?? {});
          }
        });
        ws.send(
          JSON.stringify({
            type: 'hello',
            num_connections: 1,
            debug_info: { host: 'fake' },
            connection_info: { app_id: 'A0FAKE' },
          }),
        );
      });
    }
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const client of this.sockets?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (this.sockets ? this.sockets.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /**
   * Socket Mode: `apps.connections.open` (with the app-level token) hands out a WebSocket URL on this server, which
   * greets with `hello` like Slack does. Call before `start()`.
   */
  enableSocketMode(appToken = 'xapp-test-fake-app-token'): string {
    this.appToken = appToken;
    return appToken;
  }

  /** Sends an envelope over every open socket; resolves with the payload the app acked it with. */
  sendEnvelope(type: 'slash_commands' | 'interactive' | 'events_api', payload: Json): Promise<Json> {
    const envelopeId = randomUUID();
    const acked = new Promise<Json>((resolve) => this.acks.set(envelopeId, resolve));
    const message = JSON.stringify({
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      retry_attempt: 0,
      retry_reason: '',
    });
    for (const client of this.sockets?.clients ?? []) client.send(message);
    return acked;
  }

  get socketConnections(): number {
    return this.sockets?.clients.size ?? 0;
  }

  /** A trigger_id as Slack would put in an interaction: valid for 3 s, for one view. */
  issueTriggerId(): string {
    const id = `${Date.now()}.${Math.floor(Math.random() * 1e9)}.${randomUUID().slice(0, 8)}`;
    this.triggers.set(id, { issuedAt: Date.now(), used: false });
    return id;
  }

  /**
   * Enforces Slack's documented pace for chat.postMessage: a post to a channel within `ms` of the last one to it
   * answers HTTP 429 with `Retry-After: 1`, as Slack does past one message a second per conversation.
   */
  enforcePostPace(ms = 1_000): void {
    this.postPaceMs = ms;
  }

  /**
   * A workspace-wide limit on chat.postMessage besides the per-conversation one: Slack keeps one but does not publish
   * its size, so a benchmark sets it. Past `perMinute` accepted posts in the last minute, a post answers HTTP 429 with
   * the seconds until the oldest leaves the window.
   */
  enforceWorkspacePosts(perMinute: number): void {
    this.workspacePostsPerMinute = perMinute;
  }

  /**
   * A workflow step starting: its execution ID and the short-lived token Slack gives the app for it (`xwfp-…`), which
   * `functions.completeSuccess` / `completeError` must carry. Each execution may be completed once.
   */
  issueFunctionExecution(): { executionId: string; token: string } {
    const executionId = `Fx${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
    const token = `xwfp-fake-${randomUUID()}`;
    this.functionExecutions.set(executionId, { token, completed: undefined });
    return { executionId, token };
  }

  /** How a step execution ended: its outputs, or the error sentence shown in Workflow Builder. */
  functionResult(executionId: string): { outputs?: Json; error?: string } | undefined {
    return this.functionExecutions.get(executionId)?.completed;
  }

  private completeFunction(method: string, auth: string, args: Json): Json {
    const id = String(args.function_execution_id ?? '');
    const execution = this.functionExecutions.get(id);
    if (!execution) return { ok: false, error: 'function_execution_not_found' };
    if (auth !== `Bearer ${execution.token}`) return { ok: false, error: 'invalid_auth' };
    if (execution.completed) return { ok: false, error: 'already_completed' };
    if (method === 'functions.completeSuccess') {
      const outputs = typeof args.outputs === 'string' ? JSON.parse(args.outputs) : args.outputs;
      if (!outputs || typeof outputs !== 'object') return { ok: false, error: 'invalid_arguments' };
      execution.completed = { outputs: outputs as Json };
    } else {
      if (typeof args.error !== 'string' || !args.error) return { ok: false, error: 'invalid_arguments' };
      execution.completed = { error: args.error };
    }
    return { ok: true };
  }

  /** The next `times` calls to `method` answer HTTP 429 with `Retry-After: retryAfter`. */
  rateLimit(method: string, times = 1, retryAfter = 1): void {
    this.rateLimits.set(method, { remaining: times, retryAfter });
  }

  /** chat.postMessage to `channel` answers HTTP 500 (Slack having trouble with that one DM) for `ms`. */
  failPostsTo(channel: string, ms: number): void {
    this.brokenChannels.set(channel, Date.now() + ms);
  }

  /**
   * The next chat.postMessage to `channel` is held unanswered, as if Slack had it but never replied (the caller is
   * killed meanwhile); resolves with its arguments when it arrives. It is not recorded: Slack never said ok.
   */
  holdNextPostTo(channel: string): Promise<Json> {
    return new Promise((resolve) => this.heldPosts.set(channel, resolve));
  }

  /** Every call to `method` takes `ms` longer. */
  delay(method: string, ms: number): void {
    this.delays.set(method, ms);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  view(id: string): Json | undefined {
    return this.views.get(id);
  }

  /** Resolves once `test` holds (polled: it may look at more than this fake); rejects after `timeoutMs`. */
  async waitFor(test: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for a condition on the fake Slack API');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const bytes = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
    });
    const raw = bytes.toString('utf8');
    const path = new URL(req.url ?? '/', 'http://x').pathname;

    // The upload URL files.getUploadURLExternal handed out: the file's bytes, as Slack's upload service takes them.
    if (path.startsWith('/upload/')) {
      const file = this.uploads.get(path.slice('/upload/'.length));
      const fits = file && !file.bytes && bytes.length === file.length;
      if (file && fits) file.bytes = bytes;
      res.writeHead(fits ? 200 : 400, { 'content-type': 'text/plain' });
      res.end(fits ? `OK - ${bytes.length}` : 'upload refused');
      return;
    }

    if (path.startsWith('/response/')) {
      const body = JSON.parse(raw || '{}') as Json;
      const errors = checkMessage(body);
      this.responses.push({ path, body });
      res.writeHead(errors.length ? 400 : 200, { 'content-type': 'text/plain' });
      res.end(errors.length ? errors.join('; ') : 'ok');
      return;
    }

    const method = path.replace(/^\/api\//, '');
    const args = this.parseArgs(raw, req.headers['content-type'] ?? '');
    const auth = req.headers.authorization ?? (typeof args.token === 'string' ? `Bearer ${args.token}` : '');

    const delay = this.delays.get(method);
    if (delay) await new Promise((r) => setTimeout(r, delay));

    const held = method === 'chat.postMessage' ? this.heldPosts.get(String(args.channel ?? '')) : undefined;
    if (held) {
      this.heldPosts.delete(String(args.channel ?? ''));
      held(args);
      // Never answered: the socket closes when the caller dies (or after a minute, so nothing hangs at teardown).
      setTimeout(() => res.destroy(), 60_000).unref();
      return;
    }

    const brokenUntil = this.brokenChannels.get(String(args.channel ?? ''));
    if (method === 'chat.postMessage' && brokenUntil !== undefined && Date.now() < brokenUntil) {
      this.record(method, args, { ok: false, error: 'internal_error' });
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
      return;
    }

    if (method === 'chat.postMessage' && this.postPaceMs !== undefined) {
      const channel = String(args.channel ?? '');
      const last = this.lastPostTo.get(channel);
      if (last !== undefined && Date.now() - last < this.postPaceMs) {
        this.record(method, args, { ok: false, error: 'ratelimited' });
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      this.lastPostTo.set(channel, Date.now());
    }

    if (method === 'chat.postMessage' && this.workspacePostsPerMinute !== undefined) {
      const now = Date.now();
      while (this.recentPosts.length && now - (this.recentPosts[0] as number) >= 60_000)
        this.recentPosts.shift();
      if (this.recentPosts.length >= this.workspacePostsPerMinute) {
        const retryAfter = Math.max(1, Math.ceil((60_000 - (now - (this.recentPosts[0] as number))) / 1000));
        this.record(method, args, { ok: false, error: 'ratelimited' });
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfter) });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      this.recentPosts.push(now);
    }

    const limit = this.rateLimits.get(method);
    if (limit && limit.remaining > 0) {
      limit.remaining -= 1;
      this.record(method, args, { ok: false, error: 'ratelimited' });
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(limit.retryAfter) });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }

    let result: Json;
    if (method === 'apps.connections.open') {
      result =
        this.appToken && auth === `Bearer ${this.appToken}`
          ? { ok: true, url: `${this.baseUrl.replace(/^http/, 'ws')}/socket` }
          : { ok: false, error: 'invalid_auth' };
    } else if (method === 'functions.completeSuccess' || method === 'functions.completeError') {
      result = this.completeFunction(method, auth, args);
    } else {
      result =
        auth === `Bearer ${this.botToken}` ? this.answer(method, args) : { ok: false, error: 'invalid_auth' };
    }
    this.record(method, args, result);
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-oauth-scopes': this.grantedScopes.join(','),
    });
    res.end(JSON.stringify(result));
  }

  private parseArgs(raw: string, contentType: string): Json {
    if (contentType.includes('application/json')) return JSON.parse(raw || '{}') as Json;
    const args: Json = {};
    for (const [k, v] of new URLSearchParams(raw)) args[k] = JSON_ARGS.has(k) ? JSON.parse(v) : v;
    return args;
  }

  private record(method: string, args: Json, result: Json) {
    const { token: _token, ...rest } = args;
    this.calls.push({
      method,
      args: rest,
      ok: result.ok === true,
      result,
      ...(typeof result.error === 'string' ? { error: result.error } : {}),
      at: Date.now(),
    });
  }

  private invalid(errors: string[]): Json {
    return {
      ok: false,
      error: 'invalid_arguments',
      response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
    };
  }

  private useTrigger(triggerId: unknown): string | undefined {
    const t = typeof triggerId === 'string' ? this.triggers.get(triggerId) : undefined;
    if (!t) return 'invalid_trigger_id';
    if (t.used || Date.now() - t.issuedAt > TRIGGER_TTL_MS) return 'expired_trigger_id';
    t.used = true;
    return undefined;
  }

  private storeView(view: Json, id = `V${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`): Json {
    const stored = { ...view, id, hash: randomUUID() };
    this.views.set(id, stored);
    return stored;
  }

  private answer(method: string, args: Json): Json {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake',
          user: 'aws-mfa-bot',
          team_id: 'T0FAKE',
          user_id: 'UBOT0001',
          bot_id: 'BBOT0001',
          ...(this.enterpriseId ? { enterprise_id: this.enterpriseId, is_enterprise_install: true } : {}),
        };
      case 'auth.teams.list': {
        if (!this.enterpriseId) return { ok: true, teams: [{ id: 'T0FAKE', name: 'Fake' }] };
        return { ok: true, teams: this.workspaces, response_metadata: { next_cursor: '' } };
      }
      case 'users.list': {
        // An org-wide install's token must name the workspace: "team_id … required if org token is used".
        if (this.enterpriseId && !args.team_id) return { ok: false, error: 'missing_argument' };
        const members = this.enterpriseId
          ? this.members.filter((m) => !m.teams || m.teams.includes(String(args.team_id)))
          : this.members;
        const limit = Math.min(Number(args.limit ?? 0) || 1000, 1000);
        const start = Number(args.cursor ? Buffer.from(String(args.cursor), 'base64').toString() : 0);
        const page = members.slice(start, start + limit);
        const next =
          start + limit < members.length ? Buffer.from(String(start + limit)).toString('base64') : '';
        return { ok: true, members: page, response_metadata: { next_cursor: next } };
      }
      case 'files.getUploadURLExternal': {
        const length = Number(args.length);
        if (!args.filename || !Number.isInteger(length) || length <= 0)
          return { ok: false, error: 'missing_argument' };
        if (typeof args.alt_txt === 'string' && args.alt_txt.length > 1000)
          return { ok: false, error: 'alt_txt_too_large' };
        const id = `F${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
        this.uploads.set(id, {
          filename: String(args.filename),
          length,
          ...(typeof args.alt_txt === 'string' ? { altText: args.alt_txt } : {}),
        });
        return { ok: true, upload_url: `${this.baseUrl}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const files = (typeof args.files === 'string' ? JSON.parse(args.files) : args.files) as {
          id: string;
          title?: string;
        }[];
        const file = files?.[0] && this.uploads.get(files[0].id);
        // Slack refuses to complete a file whose bytes never arrived.
        if (!file?.bytes) return { ok: false, error: 'file_not_found' };
        file.channel = String(args.channel_id ?? '');
        if (files[0]?.title) file.title = files[0].title;
        if (typeof args.initial_comment === 'string') file.comment = args.initial_comment;
        return { ok: true, files: [{ id: files[0]?.id, title: file.title }] };
      }
      case 'conversations.history': {
        const channel = String(args.channel ?? '');
        if (!/^[CGD][A-Z0-9]+$/.test(channel)) return { ok: false, error: 'channel_not_found' };
        if (this.notIn.has(channel))
          return { ok: false, error: channel.startsWith('G') ? 'channel_not_found' : 'not_in_channel' };
        return { ok: true, messages: [], has_more: false };
      }
      case 'usergroups.users.list': {
        const users = this.usergroups.get(String(args.usergroup));
        return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
      }
      case 'chat.update': {
        const errors = checkMessage(args);
        if (!args.ts) errors.push('ts is required');
        if (errors.length) return this.invalid(errors);
        return { ok: true, channel: args.channel, ts: args.ts };
      }
      case 'users.info': {
        const user = this.members.find((m) => m.id === args.user);
        return user ? { ok: true, user } : { ok: false, error: 'user_not_found' };
      }
      case 'views.open':
      case 'views.push': {
        const bad = this.useTrigger(args.trigger_id);
        if (bad) return { ok: false, error: bad };
        const errors = checkView(args.view);
        if (errors.length) return this.invalid(errors);
        return { ok: true, view: this.storeView(args.view as Json) };
      }
      case 'views.update': {
        const id = String(args.view_id ?? '');
        const current = this.views.get(id);
        if (!current) return { ok: false, error: 'not_found' };
        if (args.hash !== undefined && args.hash !== current.hash)
          return { ok: false, error: 'hash_conflict' };
        const errors = checkView(args.view);
        if (errors.length) return this.invalid(errors);
        return { ok: true, view: this.storeView(args.view as Json, id) };
      }
      case 'views.publish': {
        const errors = checkView(args.view);
        if ((args.view as Json | undefined)?.type !== 'home') errors.push('views.publish takes a home view');
        if (errors.length) return this.invalid(errors);
        return { ok: true, view: this.storeView(args.view as Json, `HOME-${String(args.user_id)}`) };
      }
      case 'chat.getPermalink': {
        if (!args.channel || !args.message_ts) return { ok: false, error: 'invalid_arguments' };
        const ts = String(args.message_ts).replace('.', '');
        return {
          ok: true,
          channel: args.channel,
          permalink: `https://fake.slack.com/archives/${String(args.channel)}/p${ts}`,
        };
      }
      case 'chat.postMessage':
      case 'chat.postEphemeral': {
        const errors = checkMessage(args);
        if (errors.length) return this.invalid(errors);
        return {
          ok: true,
          channel: args.channel,
          ts: `${Date.now() / 1000}`,
          message_ts: `${Date.now() / 1000}`,
        };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}
