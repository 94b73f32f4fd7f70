import type { KnownBlock } from '@slack/types';
import type { Messages } from '../../i18n/messages.js';
import type { Notice } from '../outbox/ports.js';

export interface SlackMessage {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

/**
 * A notice as it goes out. `thread` puts it in one thread per `key`: the message that `starts` it is posted and its ts
 * kept; the others reply in it (and wait in the outbox until it is posted).
 */
export interface Rendered {
  readonly message: SlackMessage;
  readonly thread?: { readonly key: string; readonly starts: boolean };
}

/**
 * How one kind of notice is shown, in the recipient's language (`m`: English for a channel). Undefined: nothing to
 * send (what it is about is gone). The feature that queues the notice provides its renderer.
 */
// biome-ignore lint/suspicious/noExplicitAny: each renderer narrows the notice of its own kind.
export type NoticeRenderer<N extends Notice = any> = (
  notice: N,
  m: Messages,
) => Promise<Rendered | undefined>;

/** Renderers by notice kind: every feature's, merged where the bot is composed. */
export type Renderers = Readonly<Record<string, NoticeRenderer>>;

/** A renderer that needs nothing but the notice. */
export const plainly =
  <N extends Notice>(render: (m: Messages, notice: N) => SlackMessage): NoticeRenderer<N> =>
  async (notice, m) => ({ message: render(m, notice) });

/** Merges the features' renderers; a kind claimed twice is a wiring bug, refused at start. */
export function mergeRenderers(...sets: readonly Renderers[]): Renderers {
  const all: Record<string, NoticeRenderer> = {};
  for (const set of sets)
    for (const [kind, render] of Object.entries(set)) {
      if (kind in all) throw new Error(`two renderers for the notice kind ${kind}`);
      all[kind] = render;
    }
  return all;
}
