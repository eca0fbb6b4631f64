import { isSecurityRisk } from './security-risk.js';

/**
 * Upstream `action_from_dict` compatibility rules, applied to a copy of a client-sent `args`:
 * drop `timestamp`; rename `is_confirmed` → `confirmation_state` and `images_urls` → `image_urls`;
 * drop the deprecated `keep_prompt` and `task_completed`; drop a `security_risk` that is not one of
 * -1, 0, 1, 2 (null included, which upstream omits when serializing). The input is never mutated.
 */
export function upgradeLegacyActionArgs(
  args: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const upgraded: Record<string, unknown> = { ...args };
  delete upgraded.timestamp;

  if ('is_confirmed' in upgraded) {
    const isConfirmed = upgraded.is_confirmed;
    delete upgraded.is_confirmed;
    if (isConfirmed !== null && isConfirmed !== undefined) {
      upgraded.confirmation_state = isConfirmed;
    }
  }

  if ('images_urls' in upgraded) {
    upgraded.image_urls = upgraded.images_urls;
    delete upgraded.images_urls;
  }

  if ('security_risk' in upgraded && !isSecurityRisk(upgraded.security_risk)) {
    delete upgraded.security_risk;
  }

  delete upgraded.keep_prompt;
  delete upgraded.task_completed;
  return upgraded;
}
