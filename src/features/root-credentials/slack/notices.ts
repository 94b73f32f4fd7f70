import type { NoticeRenderer, Renderers } from '../../../kernel/slack/notices.js';
import type { RootDeletionNotice, RootDeletionStore } from '../ports.js';
import { rootDeletionNoticeMessage } from './blocks.js';

/** Root deletion DMs and posts, drawn from the request as it is when sent. */
export function rootDeletionRenderers(deps: {
  readonly deletions: Pick<RootDeletionStore, 'get'>;
  readonly accountLabel: (accountId: string) => Promise<string>;
}): Renderers {
  const render: NoticeRenderer<RootDeletionNotice> = async (notice, m) => {
    const d = await deps.deletions.get(notice.deletionId);
    return d
      ? { message: rootDeletionNoticeMessage(m, notice, d, await deps.accountLabel(d.accountId)) }
      : undefined;
  };
  return { root_deletion_decided: render, root_deletion_done: render };
}
