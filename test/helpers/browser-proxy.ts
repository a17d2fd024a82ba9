import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A forwarding HTTP proxy for a browser under test: every request (absolute-form, as browsers
 * send them to a proxy) goes to the app at `target` with its path and Host kept, so the app can be
 * reached at its PUBLIC_URL (e.g. http://openstay.test) while listening on a port the OS chose.
 */
export async function startBrowserProxy(target: { port: number }): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const upstream = http.request(
      { host: '127.0.0.1', port: target.port, method: req.method, path: `${url.pathname}${url.search}`, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502).end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
