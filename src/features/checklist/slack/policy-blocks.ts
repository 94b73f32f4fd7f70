import type { KnownBlock } from '@slack/types';
import type { Messages } from '../../../i18n/messages.js';
import { codeBlock, header, section } from '../../../kernel/slack/mrkdwn.js';
import { GUIDE_POLICY, type PolicyVerdict, SELF_SERVICE_POLICY } from '../domain/mfa-policy.js';
import { policySourceText, policyVerdictText } from './blocks.js';

/** `/aws-mfa policy`: whether the policy reaches the caller and through which policy, then both policies. */
export function policyBlocks(
  m: Messages,
  verdict: PolicyVerdict | undefined,
  faultText?: string,
): KnownBlock[] {
  let status: string;
  if (faultText) status = m.couldNotCheck(faultText);
  else if (verdict?.kind === 'enforced')
    status = m.policyApplies(verdict.via.map((s) => policySourceText(m, s)).join(', '));
  else if (verdict === undefined || verdict.kind === 'absent') status = m.policyNotApplies;
  else
    status = `${verdict.kind === 'undecided' ? ':grey_question:' : ':warning:'} ${policyVerdictText(m, verdict)}`;
  return [
    header(m.policyTitle),
    section(status),
    section(`${m.policyGuide}\n${codeBlock(JSON.stringify(GUIDE_POLICY, null, 2))}`),
    section(`${m.policySelfService}\n${codeBlock(JSON.stringify(SELF_SERVICE_POLICY, null, 1))}`),
  ];
}
