/** Shared by the block builders and the listeners, so a renamed button cannot silently stop working. */
export const ACTION = {
  recheck: 'checklist_recheck',
  showSession: 'checklist_show_session',
} as const;

export const VIEW = {
  checklist: 'aws_mfa_checklist',
  session: 'aws_mfa_session',
} as const;
