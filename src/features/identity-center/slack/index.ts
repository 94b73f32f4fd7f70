/** Identity Center's Slack surfaces that other features show (the checklist's step 7). */
export { ssoBlocks } from './blocks.js';
