/**
 * How serve mode reads a request's target and writes a redirect back to it, so that neither can
 * leave this server: a target such as `//evil.example/` stays a path (WHATWG URL parsing against a
 * base would read it as another host), and a redirect always names a path of this origin (one
 * leading slash: `//x`, `/\x` and the like are "protocol-relative" URLs to a browser).
 */
import { DistilleryError } from '../../shared/errors';

/** The request target (origin-form, `/path?query`) as a URL of this server; a CONFIG error for any other form. */
export function requestUrl(target: string | undefined, port: number): URL {
  const t = target ?? '/';
  if (!t.startsWith('/'))
    throw new DistilleryError('CONFIG', 'the request target must be a path (/…)', { field: 'url', status: 400 });
  // Appending (not resolving against a base) keeps a leading `//` in the path.
  return new URL(`http://127.0.0.1:${port}${t}`);
}

/** A Location header that stays on this origin: the URL's path with one leading slash, and its query. */
export function sameOriginLocation(url: URL): string {
  return '/' + url.pathname.replace(/^[/\\]+/, '') + url.search;
}

/** decodeURIComponent, or a 400-worthy CONFIG error naming what was malformed. */
export function decodePathPart(s: string, what: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new DistilleryError('CONFIG', `${what} is not valid percent-encoding: ${JSON.stringify(s.slice(0, 200))}`, {
      field: 'url',
      status: 400,
    });
  }
}
