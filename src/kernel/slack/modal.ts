import type { KnownBlock, ModalView } from '@slack/types';
import type { Messages } from '../../i18n/messages.js';
import { VIEW } from './action-ids.js';
import { clamp, LIMITS } from './mrkdwn.js';

const title = (text: string) => ({ type: 'plain_text' as const, text: clamp(text, LIMITS.modalTitle) });

export function modal(
  m: Messages,
  blocks: KnownBlock[],
  options: { callbackId?: string; title?: string } = {},
): ModalView {
  return {
    type: 'modal',
    callback_id: options.callbackId ?? VIEW.checklist,
    title: title(options.title ?? m.appTitle),
    close: { type: 'plain_text', text: m.close },
    blocks: blocks.slice(0, LIMITS.modalBlocks),
  };
}
