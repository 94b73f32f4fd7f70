import { type NoticeRenderer, plainly, type Renderers } from '../../../kernel/slack/notices.js';
import type { KeyNotice } from '../domain.js';
import type { RetirementStore } from '../ports.js';
import { retiredAlertMessage, retiredDeletedMessage, retiredMessage } from './blocks.js';

/** Retired-key DMs and alerts, drawn from the retirement as it is when sent. */
export function retirementRenderers(deps: { readonly retirements: Pick<RetirementStore, 'get'> }): Renderers {
  const alert: NoticeRenderer<KeyNotice> = async (notice, m) => {
    const r = await deps.retirements.get(notice.keyId);
    return r ? { message: retiredAlertMessage(m, notice, r) } : undefined;
  };
  return {
    key_retired: async (notice: KeyNotice, m) => {
      const r = await deps.retirements.get(notice.keyId);
      return r ? { message: retiredMessage(m, r) } : undefined;
    },
    key_retired_alert: alert,
    key_retired_reactivated: alert,
    key_retired_deleted: plainly<KeyNotice>((m, n) => retiredDeletedMessage(m, n.keyId)),
  };
}
