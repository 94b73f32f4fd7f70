import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { createRecheck } from '../../../features/checklist/slack/recheck.js';
import { createShowSession } from '../../../features/checklist/slack/show-session.js';
import {
  createRetireOpenButton,
  createRetireReactivateButton,
} from '../../../features/key-retirement/slack/buttons.js';
import {
  createLostDeviceButton,
  createResetApproveButton,
  createResetDenyButton,
} from '../../../features/mfa-reset/slack/listeners.js';
import {
  createPastedDeactivateButton,
  createPastedRotateButton,
} from '../../../features/pasted-keys/slack/buttons.js';
import {
  createRootDeleteApproveButton,
  createRootDeleteDenyButton,
  createRootDeleteRequestButton,
} from '../../../features/root-credentials/slack/listeners.js';
import {
  createApproveButton,
  createDeactivateOldButton,
  createDenyButton,
  createReactivateOldButton,
  createRequestRotationButton,
} from '../../../features/rotation/slack/buttons.js';
import { createNudgeButtons } from '../../../features/scan/slack/nudge-buttons.js';
import { ACTION } from '../../../kernel/slack/action-ids.js';
import type { SlackDeps } from '../deps.js';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(ACTION.recheck, createRecheck(deps));
  app.action<BlockAction>(ACTION.checklistAccount, createRecheck(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.showSession, createShowSession(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.requestRotation, createRequestRotationButton(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.approve, createApproveButton(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.deny, createDenyButton(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.deactivateOld, createDeactivateOldButton(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.reactivateOld, createReactivateOldButton(deps));
  const nudge = createNudgeButtons(deps);
  app.action<BlockAction<ButtonAction>>(ACTION.nudgeRotate, nudge.rotate);
  app.action<BlockAction<ButtonAction>>(ACTION.nudgeChecklist, nudge.checklist);
  app.action<BlockAction<ButtonAction>>(ACTION.nudgeSnooze, nudge.snooze);
  app.action<BlockAction<ButtonAction>>(ACTION.nudgeNotMine, nudge.notMine);
  app.action<BlockAction<ButtonAction>>(ACTION.nudgeRetire, nudge.retire);
  // One button per unused key, each with its own action_id (IDs must differ within a block).
  app.action<BlockAction<ButtonAction>>(
    new RegExp(`^${ACTION.retireOpen}(:|$)`),
    createRetireOpenButton(deps),
  );
  app.action<BlockAction<ButtonAction>>(ACTION.retireReactivate, createRetireReactivateButton(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.pastedDeactivate, createPastedDeactivateButton(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.pastedRotate, createPastedRotateButton(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.lostDeviceOpen, createLostDeviceButton(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.resetApprove, createResetApproveButton(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.resetDeny, createResetDenyButton(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.rootDeleteRequest, createRootDeleteRequestButton(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.rootDeleteApprove, createRootDeleteApproveButton(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.rootDeleteDeny, createRootDeleteDenyButton(deps));
}
