import { existsSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const SCHEMA = '../shared/slack/manifest.schema.1.0.0.json';
interface Manifest {
  features: { slash_commands: unknown[]; app_home: { home_tab_enabled: boolean } };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { is_enabled: boolean };
    socket_mode_enabled: boolean;
    event_subscriptions: { bot_events: string[] };
  };
}
const manifest = parse(readFileSync('manifest.yml', 'utf8')) as Manifest;

describe('manifest.yml', () => {
  // The schema is reference data beside the repository; a clone without it skips this one check, CI has it.
  it.skipIf(!existsSync(SCHEMA) && process.env.CI !== 'true')(
    "validates against Slack's published manifest schema",
    () => {
      const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
      const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
      const valid = validate(manifest);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    },
  );

  it('declares what the bot uses: /aws-mfa, the Home tab, interactivity, Socket Mode, its events and scopes', () => {
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({ command: '/aws-mfa', usage_hint: expect.any(String) }),
    ]);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    // Message events (and the history scopes they need) are for pasted AWS keys; nothing more is read.
    expect(manifest.settings.event_subscriptions.bot_events).toEqual([
      'app_home_opened',
      'message.channels',
      'message.groups',
      'message.im',
      // Workflow Builder custom steps (app.function).
      'function_executed',
    ]);
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(
      [
        'chat:write',
        'commands',
        'im:write',
        'usergroups:read',
        'users:read',
        'users:read.email',
        'channels:history',
        'groups:history',
        'im:history',
        'files:write',
      ].sort(),
    );
  });
});

describe('manifest.http.yml (HTTP mode)', () => {
  const http = parse(readFileSync('manifest.http.yml', 'utf8')) as Manifest & {
    features: { slash_commands: { url?: string }[] };
    settings: { interactivity: { request_url?: string }; event_subscriptions: { request_url?: string } };
  };

  it.skipIf(!existsSync(SCHEMA) && process.env.CI !== 'true')(
    "validates against Slack's published manifest schema",
    () => {
      const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
      const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
      validate(http);
      expect(validate.errors ?? []).toEqual([]);
    },
  );

  it('is the Socket Mode manifest with Slack sending to /slack/events instead', () => {
    const manifest = parse(readFileSync('manifest.yml', 'utf8')) as Manifest;
    const url = 'https://aws-mfa-bot.example.com/slack/events';
    expect(http.settings.socket_mode_enabled).toBe(false);
    expect(http.features.slash_commands[0]?.url).toBe(url);
    expect(http.settings.interactivity.request_url).toBe(url);
    expect(http.settings.event_subscriptions.request_url).toBe(url);
    // Everything else — scopes, events, the command and its usage hint — is the same app.
    const { url: _u, ...command } = http.features.slash_commands[0] ?? {};
    expect(command).toEqual(manifest.features.slash_commands[0]);
    expect(http.oauth_config).toEqual(manifest.oauth_config);
    expect(http.settings.event_subscriptions.bot_events).toEqual(
      manifest.settings.event_subscriptions.bot_events,
    );
    expect(http.features.app_home).toEqual(manifest.features.app_home);
  });

  it('declares the Workflow Builder steps the app registers, in both manifests, on an org-ready app', async () => {
    const { WORKFLOW_STEPS } = await import('../src/adapters/slack/listeners/workflow-steps.js');
    const both = [manifest, http] as unknown as {
      settings: { org_deploy_enabled: boolean; function_runtime: string };
      functions: Record<string, { input_parameters: object; output_parameters: Record<string, unknown> }>;
    }[];
    for (const m of both) {
      expect(Object.keys(m.functions).sort()).toEqual([...WORKFLOW_STEPS].sort());
      expect(m.settings.org_deploy_enabled).toBe(true);
      expect(m.settings.function_runtime).toBe('remote');
    }
    expect(both[0]?.functions).toEqual(both[1]?.functions);
    // check_mfa_status answers every output it declares (the domain's outputs, field for field).
    const { mfaStatus } = await import('../src/features/checklist/domain/status.js');
    const outputs = mfaStatus([]);
    expect(Object.keys(both[0]?.functions.check_mfa_status?.output_parameters ?? {}).sort()).toEqual(
      Object.keys(outputs).sort(),
    );
  });

  it('lists every subcommand in the usage hint', () => {
    const hint = String((manifest.features.slash_commands[0] as { usage_hint: string }).usage_hint);
    for (const sub of ['setup', 'session', 'policy', 'login', 'sso', 'rotate', 'lost-device', 'help'])
      expect(hint).toContain(sub);
  });
});
