/** The scan's nudge rules, shared with the CloudTrail signals (one policy for when a person is told). */
export { decideNudge } from './domain/nudge-policy.js';
export type { ScanStore } from './ports.js';
export { queueNudges } from './queue-nudge.js';
