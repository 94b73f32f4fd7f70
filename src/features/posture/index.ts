/** The weekly posture: what the scan records for it. */
export { postureCounts, sumPostureCounts } from './domain.js';
export type { PostureStore } from './ports.js';
