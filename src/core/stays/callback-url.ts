// The callback URL check moved to core/shared (webhook subscriptions and the outbound client use it too).
export { checkCallbackUrl, isPrivateHost, type CallbackUrlProblem } from '../shared/callback-url.js';
