import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import { FactError } from '../../../errors.js';
import { mfaStatus } from '../../../features/checklist/domain/status.js';
import { LOST_DEVICE_WHAT, type LostDeviceWhat, NOTE_MAX } from '../../../features/mfa-reset/domain.js';
import { requestReset } from '../../../features/mfa-reset/request-reset.js';
import { requestRotation } from '../../../features/rotation/request-rotation.js';
import { type Messages, messagesFor } from '../../../i18n/messages.js';
import type { MappingTrust } from '../../../kernel/domain/identity.js';
import { distrustText } from '../../../kernel/slack/caller.js';
import type { SlackDeps } from '../deps.js';

type StepArgs = SlackEventMiddlewareArgs<'function_executed'> & AllMiddlewareArgs;

/** The custom steps the manifests declare (`functions`), by callback_id: each one is registered here. */
export const WORKFLOW_STEPS = ['check_mfa_status', 'request_key_rotation', 'report_lost_mfa_device'] as const;

/** Workflow Builder shows the error to whoever built the workflow: plain text, in English (like a channel). */
const m: Messages = messagesFor('en');
const plain = (text: string) =>
  text
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<#([A-Z0-9]+)(\|[^>]*)?>/g, '#$1')
    .replace(/[*`]/g, '');

/** The person `check_mfa_status` reads about: a `slack#/types/user_id` input (any person; it only reads). */
function personOf(input: unknown): string {
  return typeof input === 'string' ? input : '';
}

/**
 * The person an acting step acts for: only a `slack#/types/user_context` input, which Slack fills with whoever runs
 * the workflow. A user ID would let a workflow's builder ask for a rotation or a reset in someone else's name.
 */
function runnerOf(input: unknown): string | undefined {
  const id = typeof input === 'object' && input !== null ? (input as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

const untrusted = (trust: MappingTrust) =>
  m.workflowSteps.untrusted(plain(distrustText(m, trust) ?? m.retire.refused.untrusted));

/**
 * `check_mfa_status`: a person's checklist as outputs a workflow can branch on (what `/aws-mfa` shows them). Reading
 * only; a step that could not be checked fails the step rather than answering a guess.
 */
function checkMfaStatus(deps: SlackDeps) {
  return async ({ inputs, complete, fail }: StepArgs): Promise<void> => {
    const slackUserId = personOf(inputs.user_id);
    const found = await deps.findIamUser(slackUserId);
    if (found.kind !== 'found') {
      await fail({ error: refusedPerson(slackUserId, found) });
      return;
    }
    const lists = await Promise.all(found.users.map((o) => deps.getChecklist(o.user, { refresh: true })));
    const status = mfaStatus(lists);
    if ('fault' in status) {
      await fail({ error: m.workflowSteps.couldNotCheck(m.fault(status.fault)) });
      return;
    }
    await complete({ outputs: { ...status } });
  };
}

/**
 * `request_key_rotation`: what `/aws-mfa rotate` does for the person running the workflow — their oldest active key,
 * the same request, the same approval path, the same refusals (unmapped, an untrusted mapping, an open request).
 */
function requestKeyRotation(deps: SlackDeps) {
  return async ({ inputs, complete, fail }: StepArgs): Promise<void> => {
    const slackUserId = runnerOf(inputs.user);
    if (!slackUserId) {
      await fail({ error: m.workflowSteps.notRunner });
      return;
    }
    const reason = String(inputs.reason ?? '').trim() || m.workflowSteps.defaultReason;
    // Their oldest active key, chosen by the request itself (one read of their keys).
    const result = await requestRotation(deps.rotation, { slackUserId, reason });
    if (result.kind === 'created') {
      await complete({ outputs: { request_id: result.requestId, state: 'requested' } });
      return;
    }
    await fail({
      error:
        result.kind === 'untrusted'
          ? untrusted(result.trust)
          : result.kind === 'failed'
            ? m.workflowSteps.failed(m.fault(result.reason))
            : result.kind === 'unmapped'
              ? plain(m.workflowSteps.unmapped(`@${slackUserId}`))
              : result.problem === 'open_request'
                ? m.workflowSteps.openRotation
                : result.problem === 'reason_too_long'
                  ? m.workflowSteps.reasonTooLong
                  : m.workflowSteps.noActiveKey,
    });
  };
}

/**
 * `report_lost_mfa_device`: what `/aws-mfa lost-device` does for the person running the workflow — their one MFA
 * device (several: they choose in the modal), approvers who verify them outside Slack, the same refusals.
 */
function reportLostDevice(deps: SlackDeps) {
  return async ({ inputs, complete, fail }: StepArgs): Promise<void> => {
    const slackUserId = runnerOf(inputs.user);
    if (!slackUserId) {
      await fail({ error: m.workflowSteps.notRunner });
      return;
    }
    const what = String(inputs.what ?? '')
      .trim()
      .toLowerCase();
    const note = String(inputs.note ?? '').trim();
    if (!LOST_DEVICE_WHAT.includes(what as LostDeviceWhat)) {
      await fail({ error: m.workflowSteps.what });
      return;
    }
    if (!note || note.length > NOTE_MAX) {
      await fail({ error: note ? m.workflowSteps.noteTooLong : m.workflowSteps.noteRequired });
      return;
    }
    // Their one device, chosen by the request itself (one read of their devices).
    const result = await requestReset(deps.mfaReset, { slackUserId, what: what as LostDeviceWhat, note });
    if (result.kind === 'created') {
      await complete({ outputs: { reset_id: result.resetId, state: 'requested' } });
      return;
    }
    await fail({
      error:
        result.kind === 'untrusted'
          ? untrusted(result.trust)
          : result.kind === 'failed'
            ? m.workflowSteps.failed(m.fault(result.reason))
            : result.kind === 'unmapped'
              ? plain(m.workflowSteps.unmapped(`@${slackUserId}`))
              : result.problem === 'open_request'
                ? m.workflowSteps.openReset
                : result.problem === 'note_too_long'
                  ? m.workflowSteps.noteTooLong
                  : result.problem === 'several_devices'
                    ? m.workflowSteps.severalDevices(result.devices ?? 2)
                    : m.workflowSteps.noDevice,
    });
  };
}

function refusedPerson(
  slackUserId: string,
  found: { readonly kind: 'unmapped' } | { readonly kind: 'failed'; readonly reason: FactError['reason'] },
): string {
  return found.kind === 'failed'
    ? m.workflowSteps.lookupFailed(m.fault(found.reason))
    : plain(m.workflowSteps.unmapped(`@${slackUserId}`));
}

/** A step that throws still ends: Workflow Builder is told, and the error is logged once. */
function ending(deps: SlackDeps, callbackId: string, step: (args: StepArgs) => Promise<void>) {
  return async (args: StepArgs): Promise<void> => {
    try {
      await step(args);
    } catch (error) {
      deps.logger.error({ err: error, step: callbackId }, 'workflow step failed');
      const reason = error instanceof FactError ? m.fault(error.reason) : 'an unexpected error';
      if (!args.complete.hasBeenCalled() && !args.fail.hasBeenCalled())
        await args.fail({ error: m.workflowSteps.couldNotCheck(reason) }).catch(() => undefined);
    }
  };
}

export function register(app: App, deps: SlackDeps): void {
  const steps: Record<(typeof WORKFLOW_STEPS)[number], (d: SlackDeps) => (args: StepArgs) => Promise<void>> =
    {
      check_mfa_status: checkMfaStatus,
      request_key_rotation: requestKeyRotation,
      report_lost_mfa_device: reportLostDevice,
    };
  for (const id of WORKFLOW_STEPS) app.function(id, ending(deps, id, steps[id](deps)));
}
