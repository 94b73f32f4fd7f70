import type { App } from '@slack/bolt';
import { VIEW } from '../../action-ids.js';
import type { SlackDeps } from '../../deps.js';
import { createLostDeviceSubmit, createResetConfirmSubmit, createResetDenySubmit } from '../mfa-reset.js';
import { createRetireConfirmSubmit } from './retire-confirm.js';
import { createRotationDenySubmit } from './rotation-deny.js';
import { createRotationRequestSubmit } from './rotation-request.js';

export function register(app: App, deps: SlackDeps): void {
  app.view(VIEW.rotationRequest, createRotationRequestSubmit(deps));
  app.view(VIEW.rotationDeny, createRotationDenySubmit(deps));
  app.view(VIEW.retireConfirm, createRetireConfirmSubmit(deps));
  app.view(VIEW.lostDevice, createLostDeviceSubmit(deps));
  app.view(VIEW.resetConfirm, createResetConfirmSubmit(deps));
  app.view(VIEW.resetDeny, createResetDenySubmit(deps));
}
