/** The scan's nudge rules, shared with the CloudTrail signals (one policy for when a person is told). */

export { alertQuarantine } from './alert-quarantine.js';
export { decideNudge } from './domain/nudge-policy.js';
export type { QuarantineEvidencePort, ScanStore } from './ports.js';
export { createQuarantineEvidence } from './quarantine-evidence.js';
export { queueNudges } from './queue-nudge.js';
