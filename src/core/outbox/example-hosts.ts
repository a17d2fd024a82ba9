import type { Db } from '../../db/database.js';
import { getAccount } from '../accounts/accounts.js';
import { DEMO_SLUG } from '../accounts/demo-slug.js';

/*
 * The demo account is built from the vendors' documents, so its stays, webhooks and callbacks
 * carry the documents' example URLs (the Loopon stay example registers a callback to
 * www.wowsify.com). Those hosts are real and belong to others: the demo never sends them guest
 * data. A delivery of the demo account to one of them is recorded as `held` instead of sent.
 */

/** The domains the product documents use in their examples (specs 000-004), with their subdomains. */
export const DOCUMENT_EXAMPLE_DOMAINS = [
  'wowsify.com',
  'blazeloop.net',
  'blazeloop.com',
  'benbria.com',
  'loopon.com',
  'abc.com',
  'customia.com',
  'prioticketapis.com',
  'prioticket.com',
] as const;

/** Whether the URL's host is one of the documents' example domains or below one. */
export function isDocumentExampleHost(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return isDocumentExampleDomain(host);
}

/** Whether a host name (or an e-mail address's domain) is one of the documents' example domains or below one. */
export function isDocumentExampleDomain(name: string): boolean {
  const host = name.toLowerCase().replace(/\.$/, '');
  return DOCUMENT_EXAMPLE_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`));
}

/**
 * Why an e-mail to `address` is held rather than sent, or undefined when it may go: the demo
 * account's guests carry the documents' example addresses (rs@abc.com), which are real domains.
 */
export async function heldEmailReason(db: Db, accountId: number, address: string): Promise<string | undefined> {
  const domain = address.slice(address.lastIndexOf('@') + 1);
  if (!isDocumentExampleDomain(domain)) return undefined;
  const account = await getAccount(db, accountId);
  if (account.slug !== DEMO_SLUG) return undefined;
  return `held: the demo account sends no guest data to ${domain}, an example domain of the product documents`;
}

/**
 * Why a delivery to `url` is held rather than sent, or undefined when it may go: only the demo
 * account's deliveries to the documents' example hosts are held (the account is read only then).
 */
export async function heldDeliveryReason(db: Db, accountId: number, url: string): Promise<string | undefined> {
  if (!isDocumentExampleHost(url)) return undefined;
  const account = await getAccount(db, accountId);
  if (account.slug !== DEMO_SLUG) return undefined;
  return `held: the demo account sends no guest data to ${new URL(url).hostname}, an example host of the product documents`;
}
