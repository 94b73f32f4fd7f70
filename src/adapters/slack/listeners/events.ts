import type { App } from '@slack/bolt';
import { createAppHomeOpened } from '../../../features/checklist/slack/app-home-opened.js';
import { createMessageListener } from '../../../features/pasted-keys/slack/message-listener.js';
import type { SlackDeps } from '../deps.js';

export function register(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', createAppHomeOpened(deps));
  app.event('message', createMessageListener(deps));
}
