import { applyMove } from '../../kernel/workflow/move.js';
import { decide, type KeyRetirement, type RetirementEvent } from './domain.js';
import type { RetireDeps } from './ports.js';

/** Applies what the domain decides for `event`: the row as written, or undefined when it had moved on. */
export const applyRetirement = (
  deps: RetireDeps,
  row: KeyRetirement,
  event: RetirementEvent,
  actor: string,
) => applyMove(deps.retirements, row, decide(row, event, deps.config), actor, deps.config);
