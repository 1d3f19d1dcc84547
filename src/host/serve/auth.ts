/**
 * Who a serve-mode request comes from, and what it may reach (issue #10 item 2): the token it
 * presents (query, cookie or Authorization header) names a member of the team (team.ts); a call
 * needs the role API_TABLE gives it (shared/call-roles.ts); `--allow-origin` adds Host/Origin
 * values to the built-in allowlist.
 */
import type http from 'node:http';
import type { ApiCall } from '../../shared/api';
import { requiredRole } from '../../shared/call-roles';
import { DistilleryError } from '../../shared/errors';
import { roleAtLeast, type Principal } from '../../shared/roles';
import { forbidden } from '../call-context';

/** The token a request carries: `?token=` (exchanged for a cookie on a page load), `Authorization: token|bearer`, or the cookie. */
export function presentedToken(
  req: http.IncomingMessage,
  url: URL,
  cookieName: string,
): { token?: string; fromQuery: boolean } {
  const q = url.searchParams.get('token');
  if (q) return { token: q, fromQuery: true };
  const auth = req.headers.authorization;
  const m = auth ? /^(?:token|bearer)\s+(\S+)$/i.exec(auth) : null;
  if (m) return { token: m[1], fromQuery: false };
  return { token: readCookie(req.headers.cookie, cookieName), fromQuery: false };
}

/** Refuses (403) a call the principal's role does not reach; the message names the call and the role. */
export function checkRole(call: ApiCall, args: unknown, p: Principal): void {
  const need = requiredRole(call, args);
  if (roleAtLeast(p.role, need)) return;
  const what = call === 'jobs.start' ? `${call} (a '${String((args as { kind?: unknown }[])[0]?.kind)}' job)` : call;
  throw forbidden(what, need, p);
}

/** What `--allow-origin a,b` adds: bare host names (any scheme, this server's port) and full origins. */
export interface ExtraOrigins {
  /** Host names allowed in Host and Origin with this server's own port, e.g. a machine's DNS name. */
  hostnames: string[];
  /** Exact origins (scheme://host[:port]), e.g. a reverse proxy's; their host[:port] is allowed as Host. */
  origins: string[];
}

export function parseAllowOrigins(entries: readonly string[]): ExtraOrigins {
  const out: ExtraOrigins = { hostnames: [], origins: [] };
  for (const raw of entries.map((e) => e.trim()).filter(Boolean)) {
    if (raw.includes('://')) {
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        throw badOrigin(raw);
      }
      if (
        (u.protocol !== 'http:' && u.protocol !== 'https:') ||
        u.username ||
        u.password ||
        (u.pathname !== '/' && u.pathname !== '') ||
        u.search ||
        u.hash
      )
        throw badOrigin(raw);
      out.origins.push(u.origin);
    } else {
      if (!/^(?:[a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/i.test(raw)) throw badOrigin(raw);
      out.hostnames.push(raw.toLowerCase());
    }
  }
  return out;
}

function badOrigin(raw: string): DistilleryError {
  return new DistilleryError(
    'CONFIG',
    `--allow-origin: "${raw.slice(0, 100)}" is neither a host name (labels.example.org) nor an origin (https://labels.example.org:8443)`,
    { field: 'allow-origin' },
  );
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}
