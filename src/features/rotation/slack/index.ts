/** The rotation modal, opened from other features' buttons (a nudge, a pasted key). */
export { openRotationModal } from './rotation-modal.js';
