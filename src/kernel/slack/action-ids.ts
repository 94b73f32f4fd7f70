/** Shared by the block builders and the listeners, so a renamed button cannot silently stop working. */
export const ACTION = {
  recheck: 'checklist_recheck',
  checklistAccount: 'checklist_pick_account',
  showSession: 'checklist_show_session',
  requestRotation: 'checklist_request_rotation',
  approve: 'rotation_approve',
  deny: 'rotation_deny',
  deactivateOld: 'rotation_deactivate_old',
  reactivateOld: 'rotation_reactivate_old',
  nudgeRotate: 'nudge_request_rotation',
  nudgeChecklist: 'nudge_open_checklist',
  nudgeSnooze: 'nudge_snooze',
  nudgeNotMine: 'nudge_not_mine',
  nudgeRetire: 'nudge_deactivate_key',
  retireOpen: 'checklist_deactivate_key',
  retireReactivate: 'retired_key_reactivate',
  pastedDeactivate: 'pasted_key_deactivate',
  pastedRotate: 'pasted_key_rotate',
  lostDeviceOpen: 'checklist_lost_device',
  resetApprove: 'mfa_reset_approve',
  resetDeny: 'mfa_reset_deny',
  rootDeleteRequest: 'root_delete_request',
  rootDeleteApprove: 'root_delete_approve',
  rootDeleteDeny: 'root_delete_deny',
} as const;

export const VIEW = {
  checklist: 'aws_mfa_checklist',
  session: 'aws_mfa_session',
  rotationRequest: 'rotation_request',
  rotationDeny: 'rotation_deny_reason',
  retireConfirm: 'retire_key_confirm',
  lostDevice: 'mfa_lost_device',
  resetConfirm: 'mfa_reset_confirm',
  resetDeny: 'mfa_reset_deny_reason',
  rootDeleteDeny: 'root_delete_deny_reason',
} as const;

/** Block and action IDs of the rotation modals' inputs. */
export const INPUT = {
  key: 'key',
  reason: 'reason',
  denyReason: 'deny_reason',
  device: 'device',
  what: 'what',
  note: 'note',
  verified: 'verified',
} as const;
