import type { LightMyRequestResponse } from 'fastify';

/** The cookies a browser would keep from a series of responses (name -> value; cleared ones removed). */
export function cookieJar() {
  const cookies = new Map<string, string>();
  return {
    keep(res: LightMyRequestResponse) {
      const header = res.headers['set-cookie'];
      for (const line of Array.isArray(header) ? header : header ? [header] : []) {
        const [pair, ...attrs] = line.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
        if (expired || value === '') cookies.delete(name);
        else cookies.set(name, value);
      }
      return res;
    },
    get: (name: string) => cookies.get(name),
    set: (name: string, value: string) => cookies.set(name, value),
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
  };
}
