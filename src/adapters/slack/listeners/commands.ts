import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { createAwsMfaCommand } from './aws-mfa-command.js';

export function register(app: App, deps: SlackDeps): void {
  app.command('/aws-mfa', createAwsMfaCommand(deps));
}
