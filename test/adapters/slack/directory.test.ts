import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackDirectory } from '../../../src/adapters/slack/directory.js';
import { FakeSlackWebApi } from '../../fakes/slack-web-api.js';

describe('the Slack directory', () => {
  const fake = new FakeSlackWebApi();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  const clock = { now: () => new Date() };
  const directory = () =>
    createSlackDirectory(new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl }), { clock });
  const person = (id: string, teams?: string[]) => ({
    id,
    name: id.toLowerCase(),
    profile: { email: `${id.toLowerCase()}@example.com` },
    ...(teams ? { teams } : {}),
  });

  it("an org-wide install lists each of the organisation's workspaces (users.list needs team_id), everyone once", async () => {
    fake.enterpriseId = 'E0ORG';
    fake.workspaces = [
      { id: 'T0EAST', name: 'East' },
      { id: 'T0WEST', name: 'West' },
    ];
    fake.members = [
      person('U0EAST', ['T0EAST']),
      person('U0WEST', ['T0WEST']),
      person('U0BOTH', ['T0EAST', 'T0WEST']),
    ];
    fake.calls.length = 0;
    const index = await directory().index();
    for (const id of ['U0EAST', 'U0WEST', 'U0BOTH'])
      expect(index.byEmail(`${id.toLowerCase()}@example.com`)?.id).toBe(id);
    const lists = fake.callsTo('users.list');
    expect(lists.map((c) => [c.ok, c.args.team_id])).toEqual([
      [true, 'T0EAST'],
      [true, 'T0WEST'],
    ]);
    expect(fake.callsTo('auth.teams.list')).toHaveLength(1);
  });

  it('a workspace install lists its one workspace, without team_id', async () => {
    fake.enterpriseId = undefined;
    fake.members = [person('U0ONE')];
    fake.calls.length = 0;
    expect((await directory().index()).byEmail('u0one@example.com')?.id).toBe('U0ONE');
    expect(fake.callsTo('users.list').map((c) => c.args.team_id)).toEqual([undefined]);
    expect(fake.callsTo('auth.teams.list')).toHaveLength(0);
  });
});
