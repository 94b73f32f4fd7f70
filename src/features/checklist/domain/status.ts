import type { FaultReason } from '../../../kernel/domain/types.js';
import type { Checklist, StepId } from './checklist.js';

/** A person's checklist as a Workflow Builder step's outputs: flat values a workflow can branch on. */
export interface MfaStatusOutputs {
  readonly mfa_enabled: boolean;
  readonly active_keys: number;
  readonly oldest_key_age_days: number;
  readonly all_steps_done: boolean;
  readonly mfa_done: boolean;
  readonly app_done: boolean;
  readonly keys_done: boolean;
  readonly cli_done: boolean;
  readonly policy_done: boolean;
  readonly session_done: boolean;
}

const STEPS: readonly StepId[] = ['mfa', 'app', 'keys', 'cli', 'policy', 'session'];

/**
 * The outputs for a person with one IAM user per account (their checklists): a step is done when it is done for every
 * one of them, keys are counted across them. A step that could not be checked makes the answer a fault: a workflow
 * must not branch on a guess.
 */
export function mfaStatus(lists: readonly Checklist[]): MfaStatusOutputs | { readonly fault: FaultReason } {
  const steps = lists.flatMap((l) => l.steps);
  const fault = steps.find((s) => s.fault)?.fault;
  if (fault) return { fault };
  const done = (id: StepId) => lists.every((l) => l.steps.some((s) => s.id === id && s.status === 'done'));
  const keys = steps.flatMap((s) => (s.id === 'keys' ? s.keys.filter((k) => k.active) : []));
  const mfa = steps.filter((s) => s.id === 'mfa');
  return {
    mfa_enabled: mfa.length > 0 && mfa.every((s) => s.id === 'mfa' && s.devices.length > 0),
    active_keys: keys.length,
    oldest_key_age_days: Math.max(0, ...keys.map((k) => k.ageDays)),
    all_steps_done: STEPS.every(done),
    mfa_done: done('mfa'),
    app_done: done('app'),
    keys_done: done('keys'),
    cli_done: done('cli'),
    policy_done: done('policy'),
    session_done: done('session'),
  };
}
