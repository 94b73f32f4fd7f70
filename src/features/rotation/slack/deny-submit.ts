import type { SlackDeps } from '../../../adapters/slack/deps.js';
import { createDenySubmit } from '../../../kernel/slack/approval-blocks.js';
import { denyRotation } from '../decide-rotation.js';
import { refusalText } from './buttons.js';

/** The deny modal of a rotation: the kernel's form, the rotation's decision. */
export const createRotationDenySubmit = (deps: SlackDeps) =>
  createDenySubmit(deps, async (id, approver, reason, m) => {
    const result = await denyRotation(deps.rotation, id, approver, reason);
    return result.kind === 'refused' ? refusalText(m, result.why) : undefined;
  });
