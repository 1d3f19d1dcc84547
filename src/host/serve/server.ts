/**
 * `distillery serve`: the workbench UI (the built renderer, `out/renderer`) and the DistilleryApi
 * over HTTP/WebSocket, for a browser.
 *
 * Wire format
 *   POST /api/<group>.<method>   body: JSON array of the call's arguments (Content-Type: application/json)
 *        → {"ok":true,"result":…}            (a void result is null)
 *        → {"ok":false,"error":WireError}     (src/shared/errors.ts; rebuild it with fromWire)
 *        HTTP status: 200 ok; 400 bad input/config; 404 NOT_FOUND or unknown call; 503 WORKER_CRASH;
 *        507 DISK_FULL; 500 INTERNAL; 401/403/413/415 from the checks below (also JSON, ok:false).
 *   POST /api/upload             body: a file's bytes (Content-Type: application/octet-stream), streamed
 *        to disk → {"ok":true,"result":{"upload":"<id>","bytes":n}}. A call that takes a file (an
 *        `upload` fact in API_TABLE, src/shared/api.ts) then names {upload} in place of the file
 *        (corpus.parse: {fileName, upload, …} in place of base64; backups.save: {upload} in place of
 *        its data): large files never sit in memory in a JSON body. Each upload is used once (Uploads).
 *   GET  /api/events             WebSocket; server → client text frames, one JSON object each:
 *        {"type":"hello","version","mode":"serve"} once (it has no `id`), then a bare JobStatus
 *        ({id, kind, state, progress?, result?, error?}) for every job that is queued/running at
 *        connect time and for every later change; and after every journal append that wrote events
 *        (anyone's), {"type":"journal","projectId","lastSeq"} (JournalNews: a replica behind lastSeq
 *        pulls journal.since); after every change to the team, {"type":"team"} (TeamChanged: the
 *        Annotate view reads team.names again). Clients send nothing.
 *   GET  /api/download/<projectId>/<file>   a file of the project's exports/ (the `downloadUrl`s)
 *   GET  anything else           the renderer's static files (index.html for app routes)
 *
 * Security (as a Jupyter server): binds 127.0.0.1 unless told otherwise; every request and every
 * WebSocket upgrade must carry a Host of 127.0.0.1 / localhost / [::1] (or the --host given) with
 * this server's port, and an Origin, when present, of exactly http(s)://<such a host>:<port> — else
 * 403 (DNS rebinding, `localhost.evil.com`, other local ports); `allowOrigins` adds to that list.
 * Then a member's token (≥ 256 random bits; the owner's printed once in the URL, others made by
 * team.invite: team.ts) is required: `?token=` (exchanged on a page load for an HttpOnly,
 * SameSite=Strict cookie and a redirect that drops it from the address bar), the cookie, or
 * `Authorization: token <t>`; looked up by its hash; never logged. Unknown or revoked: 401 (HTTP and
 * WebSocket upgrade; a revoked member's open WebSockets are closed). A call beyond the member's role
 * (API_TABLE's `role`): 403 naming the call and the role. The member is passed to dispatch, which
 * stamps their name on the label events they append (auth.ts, ../call-context.ts). With `tls`, the
 * same over HTTPS/WSS.
 */
import { MIME } from '../mime';
import { realPathInside } from '../real-path';
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  API_TABLE,
  type ApiCall,
  type JobStatus,
  type JournalNews,
  type TeamChanged,
  type UploadCall,
} from '../../shared/api';
import { isApiCall, methodOf } from '../../shared/api-calls';
import { formatBytes } from '../../shared/bytes';
import { toWire, type ErrorCode, type WireError } from '../../shared/errors';
import { PROJECT_LAYOUT } from '../../shared/worker-protocol';
import { dispatch, VERSION, type Backend } from '../api-backend';
import type { CallContext } from '../call-context';
import { localUserName } from '../call-context';
import { checkRole, parseAllowOrigins, presentedToken } from './auth';
import { TeamStore } from './team';
import { capConnections } from './connection-cap';
import { decodePathPart, requestUrl, sameOriginLocation } from './request-url';
import { UploadRefused, Uploads } from './uploads';

export interface ServerOptions {
  backend: Backend;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** The built renderer (index.html + assets). */
  rendererDir: string;
  /** Where uploads are kept until used (default: a new folder in the system's temporary folder). */
  uploadsParent?: string;
  /** Slow-client and size limits; the defaults are SERVE_LIMITS (tests pass small ones). */
  limits?: Partial<ServeLimits>;
  /** The members and their tokens (default: in memory, the owner alone). */
  team?: TeamStore;
  /** The owner whose new token the URL carries (default: this machine's user name). */
  owner?: string;
  /** More Host/Origin values to accept: host names or origins (`--allow-origin`, auth.ts). */
  allowOrigins?: string[];
  /** Serve HTTPS and WSS with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  log?(message: string): void;
}

/** What serve mode allows a client (README, "Serve mode"). */
export interface ServeLimits {
  /** From connecting to the end of the request headers (slowloris). */
  headersTimeoutMs: number;
  /** From connecting to the end of the request body (slow uploads). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection between requests. */
  keepAliveTimeoutMs: number;
  /** How often the two request timeouts are checked (Node's default, 30 s, lets them run late by that much). */
  checkIntervalMs: number;
  /** Open connections (WebSockets included); one more displaces the oldest idle one (connection-cap.ts). */
  maxConnections: number;
  /** JSON body of every API call whose body cap (API_TABLE) is 'json'. */
  maxJsonBytes: number;
  /** JSON body of the calls whose body cap is 'bulk' (arguments that grow with the corpus). */
  maxBulkBytes: number;
  /** A file sent to POST /api/upload (streamed to disk). */
  maxUploadBytes: number;
  /** Uploads received and not yet used by a call. */
  maxPendingUploads: number;
  /** An unused upload is deleted after this long. */
  uploadTtlMs: number;
}

export const SERVE_LIMITS: ServeLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
  maxConnections: 256,
  maxJsonBytes: 8 * 1024 * 1024,
  maxBulkBytes: 256 * 1024 * 1024,
  maxUploadBytes: 512 * 1024 * 1024,
  maxPendingUploads: 8,
  uploadTtlMs: 10 * 60_000,
};

/** The JSON body cap of a call, from its `body` fact in API_TABLE. */
const BODY_CAP = { json: 'maxJsonBytes', bulk: 'maxBulkBytes' } as const satisfies Record<
  (typeof API_TABLE)[ApiCall]['body'],
  keyof ServeLimits
>;
/** How long a refused request's body is still read (and dropped) before its connection closes. */
const BODY_LINGER_MS = 2_000;

export interface RunningServer {
  /** The URL to open, with the owner's token. */
  url: string;
  team: TeamStore;
  port: number;
  host: string;
  close(): Promise<void>;
}

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);

/** The relative URL that downloads `<project>/exports/<name>` (what exports return as downloadUrl). */
export function downloadPath(projectId: string, name: string): string {
  return `/api/download/${encodeURIComponent(projectId)}/${encodeURIComponent(name)}`;
}

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  INTERNAL: 500,
  NOT_FOUND: 404,
  WORKER_CRASH: 503,
  DISK_FULL: 507,
};

function hostKey(h: string): string {
  const l = h.toLowerCase();
  return l.includes(':') && !l.startsWith('[') ? `[${l}]` : l;
}

function allowedHosts(listenHost: string): Set<string> {
  const s = new Set(LOOPBACK);
  if (WILDCARD.has(listenHost)) {
    for (const addrs of Object.values(os.networkInterfaces()))
      for (const a of addrs ?? []) s.add(hostKey(a.address.replace(/%.*$/, '')));
  } else {
    s.add(hostKey(listenHost));
  }
  return s;
}

function errorBody(status: number, message: string, code: ErrorCode = 'CONFIG'): string {
  const error: WireError = {
    name: status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'HttpError',
    code,
    message,
    details: { status },
  };
  return JSON.stringify({ ok: false, error });
}

export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const listenHost = o.host ?? '127.0.0.1';
  const team = o.team ?? TeamStore.inMemory();
  const token = await team.ownerToken(o.owner ?? localUserName());
  const scheme = o.tls ? 'https' : 'http';
  const extra = parseAllowOrigins(o.allowOrigins ?? []);
  const extraOrigins = new Set(extra.origins);
  const extraHostHeaders = new Set(extra.origins.map((u) => new URL(u).host));
  const limits: ServeLimits = { ...SERVE_LIMITS, ...o.limits };
  const uploads = new Uploads({
    maxBytes: limits.maxUploadBytes,
    maxPending: limits.maxPendingUploads,
    ttlMs: limits.uploadTtlMs,
    parent: o.uploadsParent,
  });
  const hosts = allowedHosts(listenHost);
  for (const h of extra.hostnames) hosts.add(h);
  let port = 0;
  let closing = false;
  const cookieName = () => `distillery-token-${port}`;

  /** Host and Origin: undefined when fine, else why not (403). */
  const foreign = (req: http.IncomingMessage): string | undefined => {
    const host = req.headers.host;
    if (!host || (!extraHostHeaders.has(host.toLowerCase()) && !sameServer(`${scheme}://${host}`, false)))
      return 'Host header not allowed';
    const origin = req.headers.origin;
    if (origin !== undefined && !extraOrigins.has(origin.toLowerCase()) && !sameServer(origin, true))
      return 'cross-origin request refused';
    return undefined;
  };
  const sameServer = (u: string, requireBare: boolean): boolean => {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      return false;
    }
    if (url.protocol !== `${scheme}:` || url.username || url.password) return false;
    if (requireBare && u.replace(/\/$/, '') !== `${url.protocol}//${url.host}`) return false;
    if (!requireBare && (url.pathname !== '/' || url.search || url.hash)) return false;
    return hosts.has(url.hostname.toLowerCase()) && url.port === String(port);
  };

  const setSecurityHeaders = (res: http.ServerResponse) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  };

  const sendJson = (res: http.ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(body);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  /** Open event sockets and whose they are (a revoked member's are closed). */
  const sockets = new Map<WebSocket, string>();
  const stopRevokes = team.onRevoke((name) => {
    for (const [ws, who] of sockets) if (who === name) ws.close(4401, 'token revoked');
  });
  // Another process serving the same folder may change team.json (a revoke there cuts the member off here).
  const stopWatch = team.watch(1000, (e) => o.log?.(`team file not re-read: ${(e as Error).message}`));
  // Every browser re-routes at once when the team changes (TeamChanged), not at its next poll.
  const stopTeamNews = team.onChange(() => {
    const news = JSON.stringify({ type: 'team' } satisfies TeamChanged);
    for (const ws of sockets.keys()) if (ws.readyState === ws.OPEN) ws.send(news);
  });

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    setSecurityHeaders(res);
    handle(req, res).catch((e) => {
      const w = toWire(e);
      if (w.code === 'INTERNAL') o.log?.(`request failed: ${w.message}`);
      const status = STATUS_OF[w.code] ?? 400;
      if (!res.headersSent)
        sendJson(res, status, errorBody(status, w.code === 'INTERNAL' ? 'internal error' : w.message, w.code));
      else res.destroy();
    });
  };
  const serverOptions = { connectionsCheckingInterval: limits.checkIntervalMs };
  // An https.Server is a tls.Server, not an http.Server, to the types; it serves the same requests.
  const server = (
    o.tls
      ? https.createServer({ ...serverOptions, cert: o.tls.cert, key: o.tls.key }, onRequest)
      : http.createServer(serverOptions, onRequest)
  ) as http.Server;
  // Node answers 408 and closes a connection whose headers or body arrive too slowly; an API call
  // that takes long to answer is not affected (the timeouts end with the request's last byte).
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  const cap = capConnections(server, limits.maxConnections);

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const why = foreign(req);
    if (why) return sendJson(res, 403, errorBody(403, why));
    // Browsers mark where a request comes from; only a navigation may come from another site or port.
    const site = req.headers['sec-fetch-site'];
    if ((site === 'cross-site' || site === 'same-site') && req.headers['sec-fetch-mode'] !== 'navigate') {
      return sendJson(res, 403, errorBody(403, 'cross-site request refused'));
    }
    const url = requestUrl(req.url, port);
    const { token: given, fromQuery } = presentedToken(req, url, cookieName());
    const principal = team.resolve(given);
    if (!principal) {
      if (url.pathname.startsWith('/api/'))
        return sendJson(
          res,
          401,
          errorBody(
            401,
            'missing, wrong or revoked token: open the URL that `distillery serve` printed, or your invite link',
          ),
        );
      res.writeHead(401, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(
        page(
          'Distillery: token required',
          '<p>This Distillery server needs a member’s token: open the URL that <code>distillery serve</code> printed in its terminal, or the invite link the server’s owner sent you (it ends with <code>?token=…</code>). A revoked link no longer opens it.</p>',
        ),
      );
      return;
    }
    if (fromQuery && (req.method === 'GET' || req.method === 'HEAD') && !url.pathname.startsWith('/api/')) {
      // Exchange the token for a cookie, and take it out of the address bar and history.
      url.searchParams.delete('token');
      res.setHeader(
        'Set-Cookie',
        `${cookieName()}=${given}; HttpOnly; SameSite=Strict; Path=/${o.tls ? '; Secure' : ''}`,
      );
      res.writeHead(302, { Location: sameOriginLocation(url), 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    if (url.pathname.startsWith('/api/download/')) return download(req, res, url);
    if (url.pathname === '/api/events') return sendJson(res, 426, errorBody(426, 'use a WebSocket for /api/events'));
    if (url.pathname === '/api/upload') return upload(req, res);
    if (url.pathname.startsWith('/api/'))
      return apiCall(req, res, url, { principal, team, baseUrl: `${scheme}://${req.headers.host}` });
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, errorBody(405, 'method not allowed'));
    return staticFile(req, res, url);
  }

  async function apiCall(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    ctx: CallContext,
  ): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendJson(res, 405, errorBody(405, 'API calls are POST requests'));
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
      return sendJson(res, 415, errorBody(415, 'API calls take Content-Type: application/json'));
    const call = decodePathPart(url.pathname.slice('/api/'.length), 'the call name');
    const refuseBody = (status: number, message: string, code: ErrorCode = 'CONFIG') =>
      refuseAndClose(req, res, status, errorBody(status, message, code));
    if (!isApiCall(call)) return refuseBody(404, `unknown call "${call.slice(0, 100)}"`, 'NOT_FOUND');
    const spec = API_TABLE[call];
    const max = limits[BODY_CAP[spec.body]];
    let body: Buffer;
    try {
      body = await readBody(req, max);
    } catch (e) {
      if ((e as Error).message !== 'too large') return refuseBody(400, 'request body not received');
      const hint = spec.upload ? ' (send the file to POST /api/upload and name the upload instead)' : '';
      return refuseBody(
        413,
        `${call}: the request body is larger than ${formatBytes(max)}, the most this call takes${hint}`,
      );
    }
    let args: unknown;
    try {
      args = body.length ? JSON.parse(body.toString('utf8')) : [];
    } catch {
      return sendJson(res, 400, errorBody(400, 'the request body is not valid JSON'));
    }
    try {
      checkRole(call, args, ctx.principal);
      const result = await callWithUploads(call, args, ctx);
      sendJson(res, 200, JSON.stringify({ ok: true, result: result ?? null }));
    } catch (e) {
      const w = toWire(e);
      if (w.code === 'INTERNAL' && !closing) o.log?.(`${call} failed: ${w.stack ?? w.message}`);
      delete w.stack;
      const status = w.details?.status === 403 ? 403 : (STATUS_OF[w.code] ?? 400);
      if (status === 403) w.name = 'Forbidden';
      sendJson(res, status, JSON.stringify({ ok: false, error: w }));
    }
  }

  /** POST /api/upload: the body (any bytes) streamed to disk → {ok, result: {upload, bytes}}. */
  async function upload(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendJson(res, 405, errorBody(405, 'uploads are POST requests'));
    }
    if (!/^application\/octet-stream\b/i.test(req.headers['content-type'] ?? ''))
      return sendJson(res, 415, errorBody(415, 'uploads take Content-Type: application/octet-stream'));
    try {
      sendJson(res, 200, JSON.stringify({ ok: true, result: await uploads.receive(req) }));
    } catch (e) {
      if (!(e instanceof UploadRefused)) throw e;
      refuseAndClose(req, res, e.status, errorBody(e.status, e.message));
    }
  }

  /** dispatch, except that a call that takes a file (API_TABLE's `upload`) may name an upload instead of carrying it. */
  async function callWithUploads(call: ApiCall, args: unknown, ctx: CallContext): Promise<unknown> {
    const spec = API_TABLE[call];
    const at = spec.upload?.arg ?? -1;
    const arg = Array.isArray(args) && at >= 0 ? (args[at] as unknown) : undefined;
    if (!arg || typeof arg !== 'object' || !('upload' in arg)) return dispatch(o.backend, call, args, ctx);
    const file = uploads.take(arg.upload);
    try {
      return await methodOf(o.backend.fromFile, call as UploadCall)(args, file);
    } finally {
      await uploads.release(file);
    }
  }

  /**
   * Answers a request whose body is not wanted, and closes the connection. What the client still
   * sends is read and dropped for up to BODY_LINGER_MS first: closing at once would reset the
   * connection under a client that is still sending, and it would see that instead of the answer.
   */
  function refuseAndClose(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: string): void {
    res.setHeader('Connection', 'close');
    req.resume();
    res.once('finish', () => setTimeout(() => req.socket.destroy(), BODY_LINGER_MS).unref());
    sendJson(res, status, body);
  }

  async function download(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, errorBody(405, 'method not allowed'));
    const parts = url.pathname.slice('/api/download/'.length).split('/');
    const [projectId, name] = parts.map((p) => decodePathPart(p, 'the download path')) as [string, string];
    if (parts.length !== 2 || !/^[\w][\w.-]*$/.test(name) || name.includes('..'))
      return sendJson(res, 404, errorBody(404, 'no such export', 'NOT_FOUND'));
    let exportsDir: string;
    try {
      exportsDir = path.join(await o.backend.store.folder(projectId), PROJECT_LAYOUT.exports);
    } catch (e) {
      const w = toWire(e);
      return sendJson(res, STATUS_OF[w.code] ?? 400, JSON.stringify({ ok: false, error: { ...w, stack: undefined } }));
    }
    // The real path: a link in exports/ to a file elsewhere is no export.
    const file = await realPathInside(exportsDir, path.join(exportsDir, name));
    const st = file ? await stat(file).catch(() => undefined) : undefined;
    if (!file || !st?.isFile()) return sendJson(res, 404, errorBody(404, `no export "${name}"`, 'NOT_FOUND'));
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': st.size,
      'Content-Disposition': `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  const csp = (req: http.IncomingMessage) =>
    [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      `connect-src 'self' ${o.tls ? 'wss' : 'ws'}://${req.headers.host}`,
      "worker-src 'self' blob:",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; ');

  async function staticFile(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const root = path.resolve(o.rendererDir);
    const index = path.join(root, 'index.html');
    if (!existsSync(index)) {
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': csp(req),
      });
      res.end(
        page(
          'Distillery: the UI is not built',
          `<p>The Distillery server is running and its API answers at <code>/api</code>, but the workbench UI has not been built: <code>${escapeHtml(index)}</code> is missing.</p>` +
            '<p>Build it with <code>npx electron-vite build</code> in the repository, then reload this page.</p>',
        ),
      );
      return;
    }
    const rel = decodePathPart(url.pathname, 'the path');
    let file = path.resolve(root, '.' + path.posix.normalize('/' + rel));
    if (file !== root && !file.startsWith(root + path.sep))
      return sendJson(res, 404, errorBody(404, 'not found', 'NOT_FOUND'));
    let st = await stat(file).catch(() => undefined);
    if (st?.isDirectory()) {
      file = path.join(file, 'index.html');
      st = await stat(file).catch(() => undefined);
    }
    if (!st?.isFile()) {
      // App routes (no extension) get the app; missing assets are 404.
      if (path.extname(rel)) return sendJson(res, 404, errorBody(404, 'not found', 'NOT_FOUND'));
      file = index;
    }
    // Served by its real path, which must lie in the renderer folder: a link out of it serves nothing.
    const real = await realPathInside(root, file);
    st = real ? await stat(real).catch(() => undefined) : undefined;
    if (!real || !st?.isFile()) return sendJson(res, 404, errorBody(404, 'not found', 'NOT_FOUND'));
    file = real;
    const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': type,
      'Content-Length': st.size,
      'Cache-Control': 'no-cache',
    };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = csp(req);
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, text: string) => {
      const body = errorBody(status, text);
      socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    socket.on('error', () => {});
    const why = foreign(req);
    if (why) return refuse(403, why);
    let url: URL;
    try {
      url = requestUrl(req.url, port);
    } catch (e) {
      return refuse(400, (e as Error).message);
    }
    if (url.pathname !== '/api/events') return refuse(404, 'no WebSocket here');
    const principal = team.resolve(presentedToken(req, url, cookieName()).token);
    if (!principal) return refuse(401, 'missing, wrong or revoked token');
    wss.handleUpgrade(req, socket, head, (ws) => {
      cap.upgraded(socket);
      sockets.set(ws, principal.name);
      wss.emit('connection', ws, req);
    });
  });

  wss.on('connection', (ws: WebSocket) => {
    let alive = true;
    const send = (s: JobStatus | JournalNews) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(s));
    };
    ws.send(JSON.stringify({ type: 'hello', version: VERSION, mode: 'serve' }));
    for (const s of o.backend.router.active()) send(s);
    const unsubscribe = o.backend.subscribe(send);
    const unsubscribeJournal = o.backend.subscribeJournal(send);
    const ping = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, 30_000);
    ping.unref();
    ws.on('pong', () => (alive = true));
    ws.on('message', () => {}); // nothing to say to us (yet)
    ws.on('error', () => {});
    ws.on('close', () => {
      clearInterval(ping);
      unsubscribe();
      unsubscribeJournal();
      sockets.delete(ws);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = WILDCARD.has(listenHost) ? '127.0.0.1' : hostKey(listenHost);
  return {
    url: `${scheme}://${urlHost}:${port}/?token=${token}`,
    port,
    host: listenHost,
    team,
    close: async () => {
      closing = true;
      stopRevokes();
      stopTeamNews();
      stopWatch();
      await uploads.close();
      for (const ws of sockets.keys()) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) {
      req.resume();
      return reject(new Error('too large'));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners('data');
        chunks.length = 0;
        req.resume();
        reject(new Error('too large'));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#222}code{background:#f3f3f3;padding:0 .2em}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}
