import { readFileSync } from 'node:fs';
import type { WebClient } from '@slack/web-api';
import { parse } from 'yaml';
import type { Config } from '../config.js';
import { type CheckResult, describeError, fail, pass, warn } from './check.js';

/** The bot scopes the app's manifest asks for: what the installed app should have been granted. */
export function manifestScopes(): string[] {
  const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as {
    oauth_config?: { scopes?: { bot?: string[] } };
  };
  return manifest.oauth_config?.scopes?.bot ?? [];
}

const slackError = (error: unknown) => (error as { data?: { error?: string } })?.data?.error;

/**
 * Slack as the bot sees it, read-only: the token (`auth.test`) and its scopes against manifest.yml's, membership of
 * the approvals and security channels, the approvers, and Socket Mode's connection when SLACK_APP_TOKEN is set.
 */
export async function slackChecks(
  config: Config,
  client: WebClient,
  appClient: WebClient | undefined,
): Promise<CheckResult[]> {
  const title = 'Slack bot token (auth.test)';
  let auth: Awaited<ReturnType<WebClient['auth']['test']>>;
  try {
    auth = await client.auth.test();
  } catch (error) {
    // Slack answered and refused, or Slack was not reached at all: two different fixes.
    if (!slackError(error))
      return [
        fail(
          'slack.auth',
          title,
          `cannot reach ${config.slack.apiUrl} (${describeError(error)})`,
          'check SLACK_API_URL and the network path to Slack (a proxy, a firewall, DNS)',
        ),
      ];
    return [
      fail(
        'slack.auth',
        title,
        describeError(error),
        'copy the Bot User OAuth Token (xoxb-…) of the installed app into SLACK_BOT_TOKEN; reinstall the app if it was revoked',
      ),
    ];
  }
  const results: CheckResult[] = [];
  const organisation = config.slackTeamId?.startsWith('E') ?? false;
  const installedIn = organisation ? auth.enterprise_id : auth.team_id;
  if (config.slackTeamId && installedIn !== config.slackTeamId)
    results.push(
      fail(
        'slack.auth',
        title,
        organisation
          ? `the token belongs to ${auth.enterprise_id ? `organisation ${auth.enterprise_id}` : `workspace ${auth.team_id}, not an organisation`}, not SLACK_TEAM_ID ${config.slackTeamId}`
          : `the token belongs to workspace ${auth.team_id}, not SLACK_TEAM_ID ${config.slackTeamId}`,
        organisation
          ? 'set SLACK_TEAM_ID to the organisation the app is installed across (E…), or to the workspace (T…) for a single-workspace install'
          : 'set SLACK_TEAM_ID to the workspace the app is installed in, or use that workspace’s token',
      ),
    );
  else results.push(pass('slack.auth', title, `workspace ${auth.team} (${auth.team_id}), bot @${auth.user}`));

  const granted = auth.response_metadata?.scopes;
  const wanted = manifestScopes();
  if (!granted)
    results.push(
      warn(
        'slack.scopes',
        'Slack scopes',
        'Slack did not say which scopes the token has',
        'compare OAuth & Permissions → Scopes with manifest.yml by hand',
      ),
    );
  else {
    const missing = wanted.filter((s) => !granted.includes(s));
    results.push(
      missing.length === 0
        ? pass('slack.scopes', 'Slack scopes', `all ${wanted.length} of manifest.yml granted`)
        : fail(
            'slack.scopes',
            'Slack scopes',
            `missing ${missing.join(', ')}`,
            'add them under OAuth & Permissions (or update the app from manifest.yml) and reinstall the app to the workspace',
          ),
    );
  }

  const channels: [string, string][] = [['APPROVAL_CHANNEL', config.rotation.approvalChannel]];
  if (config.securityChannel) channels.push(['SECURITY_CHANNEL', config.securityChannel]);
  for (const [name, channel] of channels) {
    const id = `slack.channel.${name.toLowerCase()}`;
    const heading = `${name} ${channel}`;
    try {
      // Only members may read a channel's history: one message at most, and nothing of it is kept or printed.
      await client.conversations.history({ channel, limit: 1 });
      results.push(pass(id, heading, 'the bot is a member'));
    } catch (error) {
      const code = slackError(error);
      results.push(
        code === 'not_in_channel'
          ? fail(id, heading, 'the bot is not a member', `invite it: /invite @${auth.user} in that channel`)
          : code === 'channel_not_found'
            ? fail(
                id,
                heading,
                'no such channel that the bot can see',
                `check ${name} (channel details → copy channel ID); a private channel must invite @${auth.user} first`,
              )
            : fail(id, heading, describeError(error), 'check the channel ID and the app’s scopes'),
      );
    }
  }

  const people = new Set<string>();
  const problems: string[] = [];
  for (const approver of config.rotation.approvers) {
    try {
      if (approver.startsWith('S')) {
        const group = await client.usergroups.users.list({ usergroup: approver });
        if (!group.users?.length) problems.push(`group ${approver} has no members`);
        for (const u of group.users ?? []) people.add(u);
      } else {
        const { user } = await client.users.info({ user: approver });
        if (!user || user.deleted) problems.push(`${approver} is deactivated`);
        else if (user.is_bot) problems.push(`${approver} is a bot`);
        else people.add(approver);
      }
    } catch (error) {
      problems.push(`${approver}: ${slackError(error) ?? describeError(error)}`);
    }
  }
  results.push(
    problems.length === 0
      ? pass('slack.approvers', 'APPROVERS', `${people.size} people (groups expanded)`)
      : fail(
          'slack.approvers',
          'APPROVERS',
          problems.join('; '),
          'list active people (U…/W…) or user groups with members (S…), copied from their Slack profiles',
        ),
  );

  if (appClient) {
    try {
      await appClient.apps.connections.open();
      results.push(pass('slack.socket', 'Socket Mode (SLACK_APP_TOKEN)', 'Slack hands out a connection'));
    } catch (error) {
      results.push(
        fail(
          'slack.socket',
          'Socket Mode (SLACK_APP_TOKEN)',
          describeError(error),
          'create an app-level token with connections:write (Basic Information → App-Level Tokens) and enable Socket Mode',
        ),
      );
    }
  }
  return results;
}
