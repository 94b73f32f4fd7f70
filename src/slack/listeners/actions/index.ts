import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTION } from '../../action-ids.js';
import type { SlackDeps } from '../../deps.js';
import { createRecheck } from './recheck.js';
import { createShowSession } from './show-session.js';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(ACTION.recheck, createRecheck(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.showSession, createShowSession(deps));
}
