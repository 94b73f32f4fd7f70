/** The checklist's facts other features show (the MFA reset's expected device). */
export { expectedVirtualMfaArn } from './domain/checklist.js';
