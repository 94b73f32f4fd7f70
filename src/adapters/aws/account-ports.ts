import type { PolicySimulatorPort, TrailPort } from '../../features/checklist/ports.js';
import type { SsoTrailPort } from '../../features/identity-center/ports.js';
import type { MfaAdminPort } from '../../features/mfa-reset/ports.js';
import type { KeyLookupPort } from '../../features/pasted-keys/ports.js';
import type { SecretsPort } from '../../features/rotation/ports-aws.js';
import type { LoginTrailPort } from '../../features/scan/ports.js';
import type { IamPort, KeyAdminPort, KeyTrailPort, RootAccessPort } from '../../kernel/aws-ports.js';
import { everyAccount } from '../../kernel/concurrency.js';
import type { ReportRow } from '../../kernel/domain/findings.js';
import type { Logger } from '../../logger.js';
import { createKeyAdminAdapter } from './access-keys.js';
import type { Accounts } from './accounts.js';
import { createReportAdapter } from './credential-report.js';
import { createIamAdapter, createPolicySimulator } from './iam.js';
import { createKeyLookupAdapter } from './key-lookup.js';
import { createMfaAdminAdapter } from './mfa-devices.js';
import { createRateLimiter } from './rate-limit.js';
import { createRootAccessAdapter } from './root-access.js';
import { createSecretsAdapter } from './secrets.js';
import { getCallerIdentity } from './sts.js';
import {
  createKeyTrailAdapter,
  createLoginTrailAdapter,
  createSignalsTrailAdapter,
  createSsoTrailAdapter,
  createTrailAdapter,
} from './trail.js';

/** Every adapter of one account, made once, on first use. */
export interface AccountPorts {
  readonly iam: IamPort;
  readonly simulator: PolicySimulatorPort;
  readonly keys: KeyAdminPort;
  readonly secrets: SecretsPort;
  readonly devices: MfaAdminPort;
  readonly lookup: KeyLookupPort;
  readonly reports: {
    read(now: Date): Promise<{ rows: ReportRow[]; rootMfaEnabled: boolean; rootAccessKeysPresent: boolean }>;
  };
  /** CloudTrail, with the account's own budgets: LookupEvents allows 2 a second per account and region. */
  readonly keyTrail: KeyTrailPort;
  readonly sessionTrail: TrailPort;
  readonly ssoTrail: ReturnType<typeof createSsoTrailAdapter>;
  readonly loginTrail: ReturnType<typeof createLoginTrailAdapter>;
  readonly signals: ReturnType<typeof createSignalsTrailAdapter>;
  readonly rootAccess: RootAccessPort;
}

/**
 * The AWS ports every service uses, routed by account: each call goes to the adapter of the account named by its
 * `accountId` (unset: the bot's own). Adapters are made per account on first use, with that account's clients.
 * `listUsers` without an account reads every account the bot looks after, `concurrency` at a time; an account that
 * cannot be read is logged and left out, unless none can be read.
 */
export function createAccountPorts(deps: {
  readonly accounts: Accounts;
  readonly concurrency: number;
  readonly logger: Logger;
  readonly sleep: (ms: number) => Promise<void>;
  readonly kmsKeyId: string | undefined;
  readonly now?: () => number;
}) {
  const made = new Map<string, Promise<AccountPorts>>();
  /**
   * One adapter set per account: the bot's own account is the same set whether a call names it or not, so its
   * CloudTrail budgets (2 LookupEvents a second per account) are not counted twice.
   */
  const portsOf = async (accountId?: string): Promise<AccountPorts> => {
    const own = accountId === undefined || accountId === (await deps.accounts.own()).accountId;
    const key = own ? '' : accountId;
    let ports = made.get(key);
    if (!ports) {
      ports = build(own ? undefined : accountId);
      made.set(key, ports);
      ports.catch(() => made.delete(key));
    }
    return ports;
  };

  async function build(accountId?: string): Promise<AccountPorts> {
    const c = await deps.accounts.clients(accountId);
    // The principal the bot is in this account (its own, already known; or the assumed role, asked once): the only
    // one its secrets' policies allow.
    let caller: Promise<string> | undefined;
    const callerArn = () => {
      if (accountId === undefined) return deps.accounts.own().then((me) => me.arn);
      caller ??= getCallerIdentity(c.sts).then((id) => id.arn);
      return caller.catch((error) => {
        caller = undefined;
        throw error;
      });
    };
    const jobsTrail = { clients: c.trail, limiter: createRateLimiter(1) };
    const peopleTrail = createRateLimiter(1);
    return {
      iam: createIamAdapter(c.iam),
      simulator: createPolicySimulator(c.iam),
      keys: createKeyAdminAdapter(c.iam, c.create),
      secrets: createSecretsAdapter(c.secrets, callerArn, { kmsKeyId: deps.kmsKeyId }),
      devices: createMfaAdminAdapter(c.iam),
      lookup: createKeyLookupAdapter(c.iam, c.sts),
      reports: createReportAdapter(c.iam, deps.sleep),
      keyTrail: createKeyTrailAdapter(jobsTrail),
      // People's checklists wait at most 5 s for a place, then see "couldn't check"; the jobs have their own budget.
      sessionTrail: createTrailAdapter(
        { clients: c.trail, limiter: peopleTrail, maxWaitMs: 5_000 },
        deps.now,
      ),
      ssoTrail: createSsoTrailAdapter({ clients: c.trail, limiter: peopleTrail, maxWaitMs: 5_000 }),
      loginTrail: createLoginTrailAdapter(jobsTrail),
      signals: createSignalsTrailAdapter(jobsTrail),
      rootAccess: createRootAccessAdapter(c.iam),
    };
  }

  const iam: IamPort = {
    async listUsers(accountId) {
      if (accountId !== undefined) return (await portsOf(accountId)).iam.listUsers();
      const { values } = await everyAccount(
        await deps.accounts.list(),
        { concurrency: deps.concurrency, logger: deps.logger, what: 'the IAM users' },
        async (id) => (await portsOf(id)).iam.listUsers(),
      );
      return values.flat();
    },
    listMfaDevices: async (u, a) => (await portsOf(a)).iam.listMfaDevices(u),
    listAccessKeys: async (u, a) => (await portsOf(a)).iam.listAccessKeys(u),
    listPolicies: async (u, a) => (await portsOf(a)).iam.listPolicies(u),
    listRoles: async (a) => (await portsOf(a)).iam.listRoles(),
  };
  const simulator: PolicySimulatorPort = {
    simulate: async (p, actions, mfa, a) => (await portsOf(a)).simulator.simulate(p, actions, mfa),
  };
  const keys: KeyAdminPort = {
    listAccessKeys: async (u, a) => (await portsOf(a)).keys.listAccessKeys(u),
    createAccessKey: async (u, a) => (await portsOf(a)).keys.createAccessKey(u),
    setAccessKeyStatus: async (u, k, s, a) => (await portsOf(a)).keys.setAccessKeyStatus(u, k, s),
    deleteAccessKey: async (u, k, a) => (await portsOf(a)).keys.deleteAccessKey(u, k),
    lastUsed: async (k, a) => (await portsOf(a)).keys.lastUsed(k),
  };
  const secrets: SecretsPort = {
    storeAccessKey: async (input) => (await portsOf(input.accountId)).secrets.storeAccessKey(input),
    hasVersion: async (n, r, a) => (await portsOf(a)).secrets.hasVersion(n, r),
    secure: async (n, r, o, a) => (await portsOf(a)).secrets.secure(n, r, o),
  };
  const devices: MfaAdminPort = {
    deactivate: async (u, s, a) => (await portsOf(a)).devices.deactivate(u, s),
    deleteVirtual: async (s, a) => (await portsOf(a)).devices.deleteVirtual(s),
  };
  const lookup: KeyLookupPort = {
    // GetAccessKeyInfo answers for any key, whichever account asks.
    accountOf: async (k) => (await portsOf()).lookup.accountOf(k),
    userOf: async (k, a) => (await portsOf(a)).lookup.userOf(k),
  };
  const keyTrail: KeyTrailPort = {
    recentUseOfKey: async (k, since, limit, a) => (await portsOf(a)).keyTrail.recentUseOfKey(k, since, limit),
  };
  const ssoTrail: SsoTrailPort = {
    latestSession: async (names, since, a) => (await portsOf(a)).ssoTrail.latestSession(names, since),
  };
  const loginTrail: LoginTrailPort = {
    usersSince: async (since, a) => (await portsOf(a)).loginTrail.usersSince(since),
  };
  const sessionTrail: TrailPort = {
    findSessionTokenUse: async (u, since, a, o) =>
      (await portsOf(a)).sessionTrail.findSessionTokenUse(u, since, a, o),
  };
  return {
    portsOf,
    iam,
    simulator,
    keys,
    secrets,
    devices,
    lookup,
    keyTrail,
    sessionTrail,
    ssoTrail,
    loginTrail,
    reports: { read: async (now: Date, accountId?: string) => (await portsOf(accountId)).reports.read(now) },
    signals: async (accountId?: string) => (await portsOf(accountId)).signals,
    /** Centralised root access, as the bot's own account (the management account or delegated admin) sees it. */
    rootAccess: { features: async () => (await portsOf()).rootAccess.features() } satisfies RootAccessPort,
    /** CloudTrail events of every account, oldest first; an account that cannot be read is logged and left out. */
    events: {
      async eventsBetween(since: Date, until: Date) {
        const { values } = await everyAccount(
          await deps.accounts.list(),
          { concurrency: deps.concurrency, logger: deps.logger, what: 'CloudTrail' },
          async (id) => (await portsOf(id)).signals.eventsBetween(since, until),
        );
        return values.flat().sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime());
      },
    },
  };
}
