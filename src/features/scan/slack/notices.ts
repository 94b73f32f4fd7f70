import { plainly, type Renderers } from '../../../kernel/slack/notices.js';
import type { DigestNotice, NotMineNotice, NudgeNotice, QuarantineNotice } from '../ports.js';
import {
  digestMessage,
  notMineMessage,
  nudgeMessage,
  nudgesMessage,
  quarantineAlertMessage,
} from './blocks.js';

export const scanRenderers: Renderers = {
  digest: plainly<DigestNotice>((m, n) => digestMessage(m, n.digest)),
  not_my_account: plainly<NotMineNotice>((m, n) => notMineMessage(m, n.reporterSlackId, n.iamUserArn)),
  nudge: plainly<Extract<NudgeNotice, { kind: 'nudge' }>>((m, n) => nudgeMessage(m, n.finding)),
  key_quarantined_alert: plainly<QuarantineNotice>((m, n) =>
    quarantineAlertMessage(m, n.finding, n.slackUserId, n.activity),
  ),
  nudges: plainly<Extract<NudgeNotice, { kind: 'nudges' }>>((m, n) => nudgesMessage(m, n.findings)),
};
