/**
 * The slug of the account `openstay demo` builds. It lives here, not in core/demo, because modules
 * the demo itself uses (the outbox holds the demo's deliveries to the documents' example hosts)
 * must name the demo account without importing the demo.
 */
export const DEMO_SLUG = 'demo';
