/** The checklist's facts other features use (the MFA reset's expected device; step 6's look-back for the scan). */
export { expectedVirtualMfaArn, SESSION_TOKEN_LOOKBACK_DAYS } from './domain/checklist.js';
