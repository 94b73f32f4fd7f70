import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient, ListAccountAliasesCommand } from '@aws-sdk/client-iam';
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { cached, cachedBy } from '../../kernel/cached.js';
import { HOUR_MS } from '../../kernel/domain/time.js';
import type { Clock } from '../../kernel/domain/types.js';
import type { Logger } from '../../logger.js';
import { awsCall } from './errors.js';

export interface AccountSettings {
  readonly mode: 'own' | 'list' | 'organization';
  readonly ids: readonly string[];
  readonly exclude: readonly string[];
  readonly roleName: string;
  readonly externalId: string | undefined;
}

/** The SDK clients of one account: its own credentials, or the role the bot assumes there. */
export interface AccountClients {
  readonly accountId: string | undefined;
  readonly iam: IAMClient;
  /** CreateAccessKey only: no SDK retry (a retried call whose answer was lost makes a second key). */
  readonly create: IAMClient;
  readonly secrets: SecretsManagerClient;
  readonly sts: STSClient;
  /** us-east-1 (IAM, STS and sign-in events) and the bot's region. */
  readonly trail: readonly { readonly region: string; readonly client: CloudTrailClient }[];
}

export interface OwnIdentity {
  readonly accountId: string;
  readonly arn: string;
  readonly partition: string;
}

/** The accounts the bot looks after and a way into each. */
export interface Accounts {
  /** The bot's own identity (asked once; again after a failure). */
  own(): Promise<OwnIdentity>;
  /** Every account to look after, the bot's own first (unless excluded), without duplicates. */
  list(): Promise<string[]>;
  /** The clients for `accountId` (unset or the bot's own: its own credentials; another: the assumed role). */
  clients(accountId?: string): Promise<AccountClients>;
  /** The account's alias (`iam:ListAccountAliases`), for people to read next to the ID; undefined when none. */
  alias(accountId: string): Promise<string | undefined>;
  /** `123456789012 (prod)`, or the ID alone. */
  label(accountId: string): Promise<string>;
  destroy(): void;
}

const ORG_REFRESH_MS = HOUR_MS;
/** Attempts of IAM calls in member accounts (the SDK's default is 3). */
const MEMBER_ATTEMPTS = 6;
/** Names the bot in the member account's CloudTrail: every call it makes there is signed by this session. */
export const ROLE_SESSION_NAME = 'aws-mfa-bot';

type Provider = ReturnType<typeof fromTemporaryCredentials>;
/** Credentials are fetched again this long before they expire. */
const REFRESH_BEFORE_MS = 5 * 60_000;

/**
 * One set of temporary credentials for all of an account's clients: each SDK client memoizes its own provider, so
 * without this every client (IAM, Secrets Manager, STS, CloudTrail …) would assume the role once. Single-flight, and
 * fetched again shortly before expiry (or after a failure).
 */
function shared(provider: Provider): Provider {
  let current: Promise<Awaited<ReturnType<Provider>>> | undefined;
  return async (options) => {
    // Real time, not the bot's clock: the credentials expire by AWS's clock.
    const now = Date.now();
    if (current) {
      const held = await current.catch(() => undefined);
      const expires = held?.expiration?.getTime();
      if (held && (expires === undefined || expires - REFRESH_BEFORE_MS > now)) return held;
    }
    current = provider(options);
    return current;
  };
}

export function roleArn(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/**
 * Accounts from `AWS_ACCOUNTS`: unset → the bot's own; a list → those and its own; `organization` → every ACTIVE
 * account of `organizations:ListAccounts`, refreshed hourly — minus `AWS_ACCOUNTS_EXCLUDE`. In every account but its
 * own the bot assumes `AWS_ROLE_NAME` (with `AWS_EXTERNAL_ID` when set) through the SDK's own temporary-credentials
 * provider, which caches the credentials and refreshes them before they expire: one AssumeRole per account per
 * credential lifetime, shared by all of that account's clients.
 */
export function createAccounts(deps: {
  readonly settings: AccountSettings;
  readonly region: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called once for every client made (metrics); `accountId` unset for the bot's own account's clients. */
  readonly onClient?: (
    client: { middlewareStack: unknown },
    service: string,
    accountId: string | undefined,
  ) => void;
}): Accounts {
  const made: { destroy(): void }[] = [];
  const watch = <T extends { middlewareStack: unknown; destroy(): void }>(
    client: T,
    service: string,
    accountId?: string,
  ): T => {
    deps.onClient?.(client, service, accountId);
    made.push(client);
    return client;
  };
  const build = (
    accountId: string | undefined,
    credentials?: ReturnType<typeof fromTemporaryCredentials>,
  ): AccountClients => {
    const base = { region: deps.region, ...(credentials ? { credentials } : {}) };
    return {
      accountId,
      // Many accounts read at once meet IAM's throttling more often: the SDK's standard retry, with more attempts.
      iam: watch(
        new IAMClient(credentials ? { ...base, maxAttempts: MEMBER_ATTEMPTS } : base),
        'iam',
        accountId,
      ),
      create: watch(new IAMClient({ ...base, maxAttempts: 1 }), 'iam', accountId),
      secrets: watch(new SecretsManagerClient(base), 'secretsmanager', accountId),
      sts: watch(new STSClient(base), 'sts', accountId),
      trail: [...new Set(['us-east-1', deps.region])].map((region) => ({
        region,
        client: watch(new CloudTrailClient({ ...base, region }), 'cloudtrail', accountId),
      })),
    };
  };
  const ownClients = build(undefined);

  let identity: Promise<OwnIdentity> | undefined;
  const own = () => {
    identity ??= awsCall('sts:GetCallerIdentity', () =>
      ownClients.sts.send(new GetCallerIdentityCommand({})),
    ).then((r) => ({
      accountId: r.Account ?? '',
      arn: r.Arn ?? '',
      partition: (r.Arn ?? 'arn:aws').split(':')[1] ?? 'aws',
    }));
    return identity.catch((error) => {
      identity = undefined;
      throw error;
    });
  };

  const roles = new Map<string, AccountClients>();
  async function clients(accountId?: string): Promise<AccountClients> {
    if (accountId === undefined) return ownClients;
    const me = await own();
    if (accountId === me.accountId) return ownClients;
    let c = roles.get(accountId);
    if (!c) {
      const credentials = shared(
        fromTemporaryCredentials({
          params: {
            RoleArn: roleArn(me.partition, accountId, deps.settings.roleName),
            RoleSessionName: ROLE_SESSION_NAME,
            ...(deps.settings.externalId ? { ExternalId: deps.settings.externalId } : {}),
          },
          clientConfig: { region: deps.region },
        }),
      );
      c = build(accountId, credentials);
      roles.set(accountId, c);
    }
    return c;
  }

  const organization = cached(
    async () => {
      const org = watch(new OrganizationsClient({ region: deps.region }), 'organizations');
      const ids: string[] = [];
      await awsCall('organizations:ListAccounts', async () => {
        for await (const page of paginateListAccounts({ client: org }, {}))
          for (const a of page.Accounts ?? [])
            if (a.Id && (a.Status ?? 'ACTIVE') === 'ACTIVE') ids.push(a.Id);
      });
      return ids;
    },
    { ttlMs: ORG_REFRESH_MS, clock: deps.clock },
  );

  const aliases = cachedBy(
    async (accountId: string) => {
      const c = await clients(accountId);
      const r = await awsCall('iam:ListAccountAliases', () => c.iam.send(new ListAccountAliasesCommand({})));
      return r.AccountAliases?.[0] ?? '';
    },
    { ttlMs: ORG_REFRESH_MS, clock: deps.clock },
  );

  const alias = async (accountId: string) => {
    try {
      return (await aliases.get(accountId)) || undefined;
    } catch (error) {
      deps.logger.debug({ err: error, accountId }, 'no account alias');
      return undefined;
    }
  };

  return {
    own,
    async list() {
      const me = (await own()).accountId;
      const others =
        deps.settings.mode === 'organization'
          ? await organization.get()
          : deps.settings.mode === 'list'
            ? deps.settings.ids
            : [];
      const excluded = new Set(deps.settings.exclude);
      return [...new Set([me, ...others])].filter((id) => !excluded.has(id));
    },
    clients,
    alias,
    async label(accountId) {
      const name = await alias(accountId);
      return name ? `${accountId} (${name})` : accountId;
    },
    destroy() {
      for (const c of made) c.destroy();
    },
  };
}
