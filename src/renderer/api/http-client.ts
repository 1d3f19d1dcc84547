/**
 * DistilleryApi over HTTP + WebSocket (serve mode): `POST /api/<group>.<method>` with the arguments
 * as a JSON array → `{ok: true, result}` | `{ok: false, error: WireError}`; job events arrive on
 * the WebSocket `/api/events`. Authentication is a cookie the server set in exchange for the token
 * of the first URL, so every request is same-origin with credentials.
 */
import type { ApiCall, BackupInfo, BackupReason, DistilleryApi, ExportedFile, ExportRequest, JobRequest, JobStatus, JournalSentinel, LabelEvent, ParseCorpusRequest, ParsedCorpus, ProjectMeta, SystemInfo } from '../../shared/api';
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

export class HttpApi implements DistilleryApi {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;
  private readonly WS?: typeof WebSocket;
  private readonly listeners = new Set<(s: JobStatus) => void>();
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
  }

  call<T>(name: ApiCall, args: unknown[]): Promise<T> {
    return this.post<T>(name, `/api/${name}`, 'application/json', JSON.stringify(args));
  }

  /**
   * Sends a file's bytes to POST /api/upload, which streams them to disk, and returns the upload's
   * id for `name` (corpus.parse, backups.save) to use: large files never travel inside JSON.
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
        ...(pageHidden() && typeof payload === 'string' && payload.length <= KEEPALIVE_MAX_CHARS ? { keepalive: true } : {}),
      });
    } catch (e) {
      throw new DistilleryError('INTERNAL', `the server did not answer (${name}): ${e instanceof Error ? e.message : String(e)}`, { call: name, offline: true });
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

  system = { info: () => this.call<SystemInfo>('system.info', []) };

  projects = {
    list: () => this.call<ProjectMeta[]>('projects.list', []),
    create: (p: Omit<ProjectMeta, 'id' | 'createdAt' | 'folder'>) => this.call<ProjectMeta>('projects.create', [p]),
    update: (p: ProjectMeta) => this.call<ProjectMeta>('projects.update', [p]),
  };

  corpus = {
    parse: async (r: ParseCorpusRequest) => {
      const { base64, ...rest } = r;
      const upload = await this.upload('corpus.parse', base64ToBytes(base64, atob));
      return this.call<ParsedCorpus>('corpus.parse', [{ ...rest, upload }]);
    },
  };

  jobs = {
    start: (r: JobRequest) => this.call<{ id: string }>('jobs.start', [r]),
    cancel: (id: string) => this.call<void>('jobs.cancel', [id]),
    status: (id: string) => this.call<JobStatus>('jobs.status', [id]),
    subscribe: (listener: (s: JobStatus) => void): (() => void) => {
      this.listeners.add(listener);
      this.connect();
      return () => {
        this.listeners.delete(listener);
        if (this.listeners.size === 0) this.disconnect();
      };
    },
  };

  journal = {
    append: (projectId: string, events: LabelEvent[]) => this.call<void>('journal.append', [projectId, events]),
    read: (projectId: string) => this.call<LabelEvent[]>('journal.read', [projectId]),
    sentinel: (projectId: string) => this.call<JournalSentinel | null>('journal.sentinel', [projectId]),
  };

  exports = {
    dataset: (r: ExportRequest) => this.call<{ file: string; downloadUrl?: string }>('exports.dataset', [r]),
    model: (projectId: string, modelVersion: string, format: 'onnx' | 'tfjs' | 'folder') =>
      this.call<{ file: string; downloadUrl?: string }>('exports.model', [projectId, modelVersion, format]),
    list: (projectId: string) => this.call<ExportedFile[]>('exports.list', [projectId]),
  };

  backups = {
    save: async (projectId: string, data: string, meta: { reason: BackupReason; docs: number; labeled: number }) => {
      const upload = await this.upload('backups.save', new Blob([data]));
      return this.call<BackupInfo>('backups.save', [projectId, { upload }, meta]);
    },
    list: (projectId: string) => this.call<BackupInfo[]>('backups.list', [projectId]),
    read: (projectId: string, name: string) => this.call<string>('backups.read', [projectId, name]),
  };

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
      let s: JobStatus;
      try {
        s = JSON.parse(typeof ev.data === 'string' ? ev.data : '') as JobStatus;
      } catch {
        return;
      }
      if (!s || typeof s.id !== 'string') return;
      for (const l of [...this.listeners]) {
        try {
          l(s);
        } catch (e) {
          console.error('job listener failed', e);
        }
      }
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = undefined;
      this.onConnection?.(false);
      if (this.listeners.size === 0) return;
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
