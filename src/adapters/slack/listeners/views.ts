import type { App } from '@slack/bolt';
import { createRetireConfirmSubmit } from '../../../features/key-retirement/slack/confirm-submit.js';
import {
  createLostDeviceSubmit,
  createResetConfirmSubmit,
  createResetDenySubmit,
} from '../../../features/mfa-reset/slack/listeners.js';
import { createRootDeleteDenySubmit } from '../../../features/root-credentials/slack/listeners.js';
import { createRotationDenySubmit } from '../../../features/rotation/slack/deny-submit.js';
import { createRotationRequestSubmit } from '../../../features/rotation/slack/request-submit.js';
import { VIEW } from '../../../kernel/slack/action-ids.js';
import type { SlackDeps } from '../deps.js';

export function register(app: App, deps: SlackDeps): void {
  app.view(VIEW.rotationRequest, createRotationRequestSubmit(deps));
  app.view(VIEW.rotationDeny, createRotationDenySubmit(deps));
  app.view(VIEW.retireConfirm, createRetireConfirmSubmit(deps));
  app.view(VIEW.lostDevice, createLostDeviceSubmit(deps));
  app.view(VIEW.resetConfirm, createResetConfirmSubmit(deps));
  app.view(VIEW.resetDeny, createResetDenySubmit(deps));
  app.view(VIEW.rootDeleteDeny, createRootDeleteDenySubmit(deps));
}
