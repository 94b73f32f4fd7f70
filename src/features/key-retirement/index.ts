/** Switching off keys their owners (or approvers, for a pasted key) retire: what other features may use. */
export type { RetireRefusal } from './domain.js';
export type { RetireDeps } from './ports.js';
export { keyOfUser, ownedKey, retireKey } from './retire-key.js';
