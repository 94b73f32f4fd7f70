import { plainly, type Renderers } from '../../../kernel/slack/notices.js';
import type { TrailNotice } from '../ports.js';
import { trailMessage } from './blocks.js';

export const trailRenderers: Renderers = {
  root_activity: plainly<TrailNotice>(trailMessage),
  key_created_outside: plainly<TrailNotice>(trailMessage),
};
