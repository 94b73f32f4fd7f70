/** The retire modal, opened from other features' buttons (a nudge, a pasted key). */
export { openRetireModal, refusalText } from './retire-modal.js';
