import type { StepStatus } from '../domain/types.js';

export const ICON: Record<StepStatus, string> = {
  done: ':white_check_mark:',
  todo: ':large_orange_circle:',
  warn: ':warning:',
  unknown: ':grey_question:',
  failed: ':x:',
};
