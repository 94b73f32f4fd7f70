import { plainly, type Renderers } from '../../../kernel/slack/notices.js';
import type { DigestNotice, NotMineNotice, NudgeNotice } from '../ports.js';
import { digestMessage, notMineMessage, nudgeMessage, nudgesMessage } from './blocks.js';

export const scanRenderers: Renderers = {
  digest: plainly<DigestNotice>((m, n) => digestMessage(m, n.digest)),
  not_my_account: plainly<NotMineNotice>((m, n) => notMineMessage(m, n.reporterSlackId, n.iamUserArn)),
  nudge: plainly<Extract<NudgeNotice, { kind: 'nudge' }>>((m, n) => nudgeMessage(m, n.finding)),
  nudges: plainly<Extract<NudgeNotice, { kind: 'nudges' }>>((m, n) => nudgesMessage(m, n.findings)),
};
