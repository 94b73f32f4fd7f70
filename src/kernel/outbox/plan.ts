import type { PlannedStep } from '../plan.js';
import type { OutboxStore } from './ports.js';

/** DMs and posts due now that a dry run lists one by one; past this the rest are counted. */
const OUTBOX_SHOWN = 500;

/** What the deliverer would send now, read only. */
export async function planOutbox(outbox: Pick<OutboxStore, 'peekDue'>, now: number): Promise<PlannedStep[]> {
  const due = await outbox.peekDue(now, OUTBOX_SHOWN + 1);
  const steps: PlannedStep[] = due.slice(0, OUTBOX_SHOWN).map((m) => ({
    job: 'outbox',
    action: /^[CG]/.test(m.channel) ? 'post queued message' : 'send queued DM',
    subject: m.channel,
    detail: m.notice.kind,
  }));
  if (due.length > OUTBOX_SHOWN)
    steps.push({ job: 'outbox', action: 'and more queued messages', subject: `over ${OUTBOX_SHOWN}` });
  return steps;
}
