import type { WebClient } from '@slack/web-api';
import { cached } from '../../kernel/cached.js';
import type { DirectoryIndex, SlackPerson } from '../../kernel/domain/identity.js';
import type { Clock } from '../../kernel/domain/types.js';
import type { SlackDirectoryPort } from '../../kernel/people/ports.js';

interface SlackMember {
  id?: string;
  deleted?: boolean;
  is_bot?: boolean;
  locale?: string;
  tz?: string;
  profile?: { email?: string };
}

function toPerson(m: SlackMember): SlackPerson | undefined {
  if (!m.id) return undefined;
  return {
    id: m.id,
    email: m.profile?.email?.toLowerCase(),
    locale: m.locale,
    tz: m.tz,
    deleted: m.deleted === true,
    isBot: m.is_bot === true || m.id === 'USLACKBOT',
  };
}

interface Snapshot extends DirectoryIndex {
  byId(id: string): SlackPerson | undefined;
}

function snapshot(people: SlackPerson[]): Snapshot {
  const byEmail = new Map<string, SlackPerson>();
  const byId = new Map<string, SlackPerson>();
  for (const p of people) {
    byId.set(p.id, p);
    // An address can stay on a deactivated account; the active person keeps it.
    if (p.email && (!byEmail.has(p.email) || !p.deleted)) byEmail.set(p.email, p);
  }
  return { byEmail: (email) => byEmail.get(email.toLowerCase()), byId: (id) => byId.get(id) };
}

/**
 * The workspaces whose people the directory lists: the token's own (undefined: `users.list` as it is), or, for an
 * org-wide install in an Enterprise organisation, every workspace the app is installed in (`auth.teams.list`) —
 * `users.list` needs a `team_id` with an org token.
 */
async function workspaces(client: WebClient): Promise<(string | undefined)[]> {
  const me = await client.auth.test();
  if (!me.is_enterprise_install) return [undefined];
  const teams: string[] = [];
  for await (const page of client.paginate('auth.teams.list', { limit: 1000 }))
    for (const t of (page as { teams?: { id?: string }[] }).teams ?? []) if (t.id) teams.push(t.id);
  return teams;
}

/**
 * The workspace directory from `users.list` in pages of 1000 (Tier 2, one call per thousand people) instead of a
 * Tier 3 `users.lookupByEmail` per person. Needs `users:read` and `users:read.email`.
 */
export function createSlackDirectory(
  client: WebClient,
  options: { clock: Clock; ttlMs?: number },
): SlackDirectoryPort {
  const extra = new Map<string, SlackPerson>();
  const directory = cached(
    async () => {
      // Someone in several of the organisation's workspaces is listed in each: kept once.
      const people = new Map<string, SlackPerson>();
      for (const team of await workspaces(client))
        for await (const page of client.paginate('users.list', {
          limit: 1000,
          include_locale: true,
          ...(team ? { team_id: team } : {}),
        })) {
          for (const m of (page as { members?: SlackMember[] }).members ?? []) {
            const p = toPerson(m);
            if (p && !people.has(p.id)) people.set(p.id, p);
          }
        }
      extra.clear();
      return snapshot([...people.values()]);
    },
    { ttlMs: options.ttlMs ?? 15 * 60_000, minRefreshMs: 60_000, clock: options.clock },
  );

  return {
    index: (o) => directory.get(o),
    peek: (id) => directory.peek()?.byId(id) ?? extra.get(id),
    async person(id) {
      const known = (await directory.get()).byId(id) ?? extra.get(id);
      if (known) return known;
      const r = await client.users.info({ user: id, include_locale: true });
      const p = r.user ? toPerson(r.user as SlackMember) : undefined;
      if (p) extra.set(id, p);
      return p;
    },
  };
}
