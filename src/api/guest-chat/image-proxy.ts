import { sniffImage } from '../../core/chat/attachments.js';
import type { OutboundClient } from '../../core/outbound/http-client.js';
import { AppError } from '../../core/shared/errors.js';

/*
 * Images a chat message links to elsewhere (a guest app may send any http(s) image URL) are
 * fetched by the server, never by the guest's browser: through the outbound client (its address
 * guard refuses private and reserved addresses at connect time, no redirects), at most
 * MAX_PROXIED_BYTES, and only when the bytes are an image. Answers are kept briefly in memory.
 */

export const MAX_PROXIED_BYTES = 5 * 1024 * 1024;
export const PROXY_TIMEOUT_MS = 10_000;
const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX_BYTES = 32 * 1024 * 1024;

export interface ProxiedImage {
  type: string;
  body: Buffer;
}

export function createImageProxy(outbound: OutboundClient, now: () => number = Date.now) {
  const cache = new Map<string, ProxiedImage & { at: number }>();
  let cached = 0;
  const remember = (url: string, image: ProxiedImage) => {
    cache.set(url, { ...image, at: now() });
    cached += image.body.length;
    // Oldest first out (a Map keeps insertion order).
    for (const [key, entry] of cache) {
      if (cached <= CACHE_MAX_BYTES) break;
      cache.delete(key);
      cached -= entry.body.length;
    }
  };

  return {
    async fetch(url: string): Promise<ProxiedImage> {
      const hit = cache.get(url);
      if (hit && now() - hit.at < CACHE_TTL_MS) return hit;
      if (hit) {
        cache.delete(url);
        cached -= hit.body.length;
      }
      let answer: Awaited<ReturnType<OutboundClient['get']>>;
      try {
        answer = await outbound.get(url, { accept: 'image/*' }, { maxBytes: MAX_PROXIED_BYTES, timeoutMs: PROXY_TIMEOUT_MS });
      } catch (err) {
        const refused =
          (err as { code?: string }).code === 'OPENSTAY_REFUSED_ADDRESS' || (err as { cause?: { code?: string } }).cause?.code === 'OPENSTAY_REFUSED_ADDRESS';
        if (refused) throw new AppError('refused_address', 403, 'the image is at a private or reserved address');
        throw new AppError('image_unavailable', 502, 'the image could not be fetched');
      }
      if (answer.status !== 200) throw new AppError('image_unavailable', 502, `the image's server answered ${answer.status}`);
      if (answer.tooLarge) throw new AppError('too_large', 413, `the image is larger than ${MAX_PROXIED_BYTES} bytes`);
      const type = sniffImage(answer.body);
      // HEIC is not shown by browsers from elsewhere; photos of ours are served from /g/media.
      if (!type || type === 'image/heic') throw new AppError('not_an_image', 415, 'the address does not hold a JPEG, PNG, GIF or WebP image');
      const image = { type, body: answer.body };
      remember(url, image);
      return image;
    },
  };
}

export type ImageProxy = ReturnType<typeof createImageProxy>;
