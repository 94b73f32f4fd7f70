import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { createAppHomeOpened } from './app-home-opened.js';
import { createMessageListener } from './message.js';

export function register(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', createAppHomeOpened(deps));
  app.event('message', createMessageListener(deps));
}
