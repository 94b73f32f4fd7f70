/** IAM Identity Center (step 7): what other features may use of it. */
export { postureStage } from './domain.js';
export type { GetSsoFor, SsoStatus } from './get-sso-status.js';
