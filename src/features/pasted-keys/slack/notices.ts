import { type NoticeRenderer, plainly, type Renderers } from '../../../kernel/slack/notices.js';
import type { PastedFloodNotice, PastedKeyNotice } from '../ports.js';
import { pastedAlertMessage, pastedFloodMessage, pastedOwnerMessage } from './blocks.js';

/** One thread per flood: its first message is posted, the rest reply in it. */
const flood: NoticeRenderer<PastedFloodNotice> = async (notice, m) => ({
  message: pastedFloodMessage(m, notice),
  thread: { key: notice.floodKey, starts: notice.kind === 'key_pasted_flood' },
});

export const pastedRenderers: Renderers = {
  key_pasted: plainly<PastedKeyNotice>(pastedOwnerMessage),
  key_pasted_alert: plainly<PastedKeyNotice>(pastedAlertMessage),
  key_pasted_flood: flood,
  key_pasted_flood_more: flood,
};
