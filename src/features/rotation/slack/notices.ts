import type { NoticeRenderer, Renderers } from '../../../kernel/slack/notices.js';
import { ROTATION_NOTICE_KINDS, type RotationNotice } from '../domain.js';
import type { RotationStore } from '../ports.js';
import { type NoticeContext, noticeMessage } from './blocks.js';

/** Rotation DMs and alerts, drawn from the request as it is when sent (gone: nothing is sent). */
export function rotationRenderers(deps: {
  readonly requests: Pick<RotationStore, 'get'>;
  readonly context: Omit<NoticeContext, 'accountLabel'>;
  readonly accountLabel: (accountId: string) => Promise<string>;
}): Renderers {
  const render: NoticeRenderer<RotationNotice> = async (notice, m) => {
    const request = await deps.requests.get(notice.requestId);
    if (!request) return undefined;
    const accountLabel = await deps.accountLabel(request.accountId);
    return { message: noticeMessage(m, notice, request, { ...deps.context, accountLabel }) };
  };
  return Object.fromEntries(ROTATION_NOTICE_KINDS.map((kind) => [kind, render]));
}
