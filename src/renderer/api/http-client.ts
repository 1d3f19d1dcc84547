/**
 * DistilleryApi over HTTP + WebSocket (serve mode): `POST /api/<group>.<method>` with the arguments
 * as a JSON array → `{ok: true, result}` | `{ok: false, error: WireError}`; job events and journal
 * news ({type: 'journal', …}) arrive on the WebSocket `/api/events`, which reconnects by itself. Authentication is a cookie the server set in exchange for the token
 * of the first URL, so every request is same-origin with credentials.
 */
import {
  API_TABLE,
  type ApiCall,
  type DistilleryApi,
  type JobStatus,
  type JournalNews,
  type TeamChanged,
  type UploadFact,
} from '../../shared/api';
import { API_CALLS, clientFor } from '../../shared/api-calls';
import { DistilleryError, fromWire, type WireError } from '../../shared/errors';
import { base64ToBytes } from '../db/logic';

/**
 * Keepalive requests share a 64 KiB budget per page (Fetch standard); a JSON body of at most this
 * many UTF-16 characters is at most 48 KiB of UTF-8.
 */
const KEEPALIVE_MAX_CHARS = 16 * 1024;

const pageHidden = (): boolean => typeof document !== 'undefined' && document.visibilityState === 'hidden';

type Reply<T> = { ok: true; result: T } | { ok: false; error: WireError };

export interface HttpApiOptions {
  /** Origin + path prefix of the server; '' = this page's origin. */
  base?: string;
  fetch?: typeof fetch;
  /** WebSocket constructor (tests inject one); default the browser's. */
  WebSocket?: typeof WebSocket;
  /** Reconnect delays of the event socket, ms (doubling up to the max). */
  reconnectMs?: { first: number; max: number };
}

/** HttpApi has every method of DistilleryApi: the constructor builds them from the call table. */
export interface HttpApi extends DistilleryApi {}

export class HttpApi {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;
  private readonly WS?: typeof WebSocket;
  private readonly listeners = new Set<(s: JobStatus) => void>();
  private readonly journalListeners = new Set<(n: JournalNews) => void>();
  private readonly teamListeners = new Set<(n: TeamChanged) => void>();
  private socket?: WebSocket;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private delay: number;
  private readonly reconnect: { first: number; max: number };
  /** Called when the event socket opens or closes (the UI shows a "reconnecting" hint). */
  onConnection?: (connected: boolean) => void;

  constructor(o: HttpApiOptions = {}) {
    this.base = o.base ?? '';
    this.fetchFn = o.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
    this.WS = o.WebSocket ?? (typeof WebSocket === 'undefined' ? undefined : WebSocket);
    this.reconnect = o.reconnectMs ?? { first: 500, max: 8000 };
    this.delay = this.reconnect.first;
    const api = clientFor(API_CALLS, (name, args) => this.send(name, args));
    Object.assign(this, api, {
      jobs: { ...api.jobs, subscribe: (l: (s: JobStatus) => void) => this.subscribe(this.listeners, l) },
      journal: { ...api.journal, subscribe: (l: (n: JournalNews) => void) => this.subscribe(this.journalListeners, l) },
      team: { ...api.team, subscribe: (l: (n: TeamChanged) => void) => this.subscribe(this.teamListeners, l) },
    });
  }

  call<T>(name: ApiCall, args: unknown[]): Promise<T> {
    return this.post<T>(name, `/api/${name}`, 'application/json', JSON.stringify(args));
  }

  /** One call; a file it carries (API_TABLE's `upload`) goes to /api/upload first. */
  private async send(name: ApiCall, args: unknown[]): Promise<unknown> {
    const fact: UploadFact | undefined = API_TABLE[name].upload;
    if (!fact) return this.call(name, args);
    const a = [...args];
    const arg = a[fact.arg];
    if (fact.base64Field) {
      const { [fact.base64Field]: base64, ...rest } = arg as Record<string, unknown>;
      a[fact.arg] = { ...rest, upload: await this.upload(name, base64ToBytes(String(base64 ?? ''), atob)) };
    } else {
      a[fact.arg] = { upload: await this.upload(name, new Blob([String(arg)])) };
    }
    return this.call(name, a);
  }

  /**
   * Sends a file's bytes to POST /api/upload, which streams them to disk, and returns the upload's
   * id for `name` (a call with an `upload` fact) to use: large files never travel inside JSON.
   */
  private async upload(name: ApiCall, body: Blob | Uint8Array<ArrayBuffer>): Promise<string> {
    return (await this.post<{ upload: string }>(name, '/api/upload', 'application/octet-stream', body)).upload;
  }

  private async post<T>(name: ApiCall, path: string, contentType: string, payload: BodyInit): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchFn(`${this.base}${path}`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: payload,
        credentials: 'same-origin',
        // A hidden page may be closing: a small request then goes as keepalive, which outlives the page.
        ...(pageHidden() && typeof payload === 'string' && payload.length <= KEEPALIVE_MAX_CHARS
          ? { keepalive: true }
          : {}),
      });
    } catch (e) {
      throw new DistilleryError(
        'INTERNAL',
        `the server did not answer (${name}): ${e instanceof Error ? e.message : String(e)}`,
        { call: name, offline: true },
      );
    }
    let reply: Reply<T> | undefined;
    try {
      reply = (await res.json()) as Reply<T>;
    } catch {
      reply = undefined;
    }
    if (!reply || typeof reply !== 'object' || !('ok' in reply)) {
      throw new DistilleryError('INTERNAL', `HTTP ${res.status} from ${name}`, { call: name, status: res.status });
    }
    if (!reply.ok) throw fromWire({ ...reply.error, details: { ...(reply.error.details ?? {}), status: res.status } });
    return reply.result;
  }

  private subscribe<T>(set: Set<(m: T) => void>, listener: (m: T) => void): () => void {
    set.add(listener);
    this.connect();
    return () => {
      set.delete(listener);
      if (!this.listening()) this.disconnect();
    };
  }

  private listening(): boolean {
    return this.listeners.size + this.journalListeners.size + this.teamListeners.size > 0;
  }

  private eventsUrl(): string {
    const u = new URL(`${this.base}/api/events`, typeof location === 'undefined' ? 'http://127.0.0.1/' : location.href);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    return u.toString();
  }

  private connect(): void {
    if (!this.WS || this.socket || this.reconnectTimer) return;
    const ws = new this.WS(this.eventsUrl());
    this.socket = ws;
    ws.onopen = () => {
      this.delay = this.reconnect.first;
      this.onConnection?.(true);
    };
    ws.onmessage = (ev: MessageEvent) => {
      let s: JobStatus | JournalNews | TeamChanged;
      try {
        s = JSON.parse(typeof ev.data === 'string' ? ev.data : '') as JobStatus | JournalNews | TeamChanged;
      } catch {
        return;
      }
      if (!s || typeof s !== 'object') return;
      if ('type' in s && s.type === 'journal') {
        if (typeof s.projectId === 'string' && typeof s.lastSeq === 'number') tell(this.journalListeners, s, 'journal');
      } else if ('type' in s && s.type === 'team') {
        tell<TeamChanged>(this.teamListeners, { type: 'team' }, 'team');
      } else if ('id' in s && typeof s.id === 'string') {
        tell(this.listeners, s, 'job');
      }
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = undefined;
      this.onConnection?.(false);
      if (!this.listening()) return;
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = undefined;
        this.connect();
      }, this.delay);
      this.delay = Math.min(this.reconnect.max, this.delay * 2);
    };
    ws.onerror = () => {
      // onclose follows and schedules the reconnect.
    };
  }

  private disconnect(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const ws = this.socket;
    this.socket = undefined;
    ws?.close();
  }
}

function tell<T>(listeners: ReadonlySet<(m: T) => void>, m: T, what: string): void {
  for (const l of [...listeners]) {
    try {
      l(m);
    } catch (e) {
      console.error(`${what} listener failed`, e);
    }
  }
}
