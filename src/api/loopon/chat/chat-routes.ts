import type { FastifyInstance } from 'fastify';
import type { LooponDeps } from '../context.js';
import { openGuestChat, type GuestSocketRequest } from './guest-socket.js';

/**
 * The guest chat WebSocket: /loopon/chat/public/<lang>/<sessionId> (Loopon's .../public/<lang>/<id>
 * form, the wssUrl of a Stay's chatSession), and the earlier /loopon/chat/<lang>/<sessionId> as an
 * alias for URLs handed out before. A plain GET (no upgrade) is a 404.
 */
export async function chatSocketRoutes(face: FastifyInstance, deps: LooponDeps): Promise<void> {
  // Unknown session keys count as failed credential checks (per address and per key), as page links do.
  const failures = deps.credentialLimits.failuresOf('chat-session');
  const handler = (socket: import('@fastify/websocket').WebSocket, request: GuestSocketRequest) => openGuestChat(deps, failures, socket, request);
  face.get('/chat/public/:lang/:sessionId', { websocket: true }, handler as never);
  face.get('/chat/:lang/:sessionId', { websocket: true }, handler as never);
}
