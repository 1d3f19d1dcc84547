/**
 * Serve mode's connection cap. Node's own (server.maxConnections) refuses every connection over the
 * cap, so slow clients holding the cap (slowloris: headers one byte at a time) would lock the owner
 * out until their timeouts ran out, and could do so again and again. Here a connection over the cap
 * displaces the oldest connection with no request in progress (still sending its headers, or idle
 * between requests); one being answered, or an event WebSocket (only open with the token), is never
 * displaced. When every connection is busy, the new one is dropped.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';

export interface ConnectionCap {
  /** A socket the server took over for a WebSocket: busy until it closes. */
  upgraded(socket: Duplex): void;
  /** Open connections now. */
  readonly size: number;
}

export function capConnections(server: http.Server, max: number): ConnectionCap {
  // Map order is connection order: the first idle entry is the oldest idle connection.
  const conns = new Map<Duplex, { busy: number }>();
  const drop = (socket: Duplex) => {
    conns.delete(socket);
    socket.destroy();
  };
  server.on('connection', (socket: Duplex) => {
    conns.set(socket, { busy: 0 });
    socket.once('close', () => conns.delete(socket));
    if (conns.size <= max) return;
    for (const [s, c] of conns) {
      if (c.busy === 0 && s !== socket) return drop(s);
    }
    drop(socket);
  });
  // Before the server's own handler, which may answer (and finish) at once.
  server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const c = conns.get(req.socket);
    if (!c) return;
    c.busy++;
    res.once('close', () => c.busy--);
  });
  return {
    upgraded(socket) {
      const c = conns.get(socket);
      if (c) c.busy++;
    },
    get size() {
      return conns.size;
    },
  };
}
