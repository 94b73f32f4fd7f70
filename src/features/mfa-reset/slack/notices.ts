import type { NoticeRenderer, Renderers } from '../../../kernel/slack/notices.js';
import type { MfaResetNotice } from '../domain.js';
import type { MfaResetStore } from '../ports.js';
import { resetNoticeMessage } from './blocks.js';

/** MFA reset DMs and alerts, drawn from the reset as it is when sent. */
export function resetRenderers(deps: { readonly resets: Pick<MfaResetStore, 'get'> }): Renderers {
  const render: NoticeRenderer<MfaResetNotice> = async (notice, m) => {
    const reset = await deps.resets.get(notice.resetId);
    return reset ? { message: resetNoticeMessage(m, notice, reset) } : undefined;
  };
  return {
    mfa_reset_decided: render,
    mfa_reset_done: render,
    mfa_reenrol_overdue: render,
    mfa_reenrol_overdue_alert: render,
  };
}
