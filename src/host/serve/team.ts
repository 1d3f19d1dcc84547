/**
 * The team of a serve data directory (issue #10 item 2): `<projects>/team.json`, members
 * {name, role, tokenSha256, createdAt, revokedAt?}. Tokens are 256 random bits, returned once when
 * made; only their SHA-256 is kept, so the file grants nothing to whoever reads it. Written
 * atomically (fs-util); a change that cannot be written is not made.
 *
 * `TeamStore.inMemory()` keeps the same members without a file (`distillery serve --no-team`, tests):
 * its tokens die with the process.
 *
 * More than one process may serve one folder (two `distillery serve`, or serve beside the desktop app
 * sharing it): a change re-reads the file first, so no process writes over another's invite, and
 * `watch()` re-reads it when another process changed it, so a revoke made there cuts the member off
 * here too (within the polling interval).
 */
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { DistilleryError } from '../../shared/errors';
import { isRole, type MemberInfo, type Principal, type Role } from '../../shared/roles';
import { isErrno, nodeFs, writeFileAtomic, type HostFs } from '../fs-util';

export const TEAM_FILE = 'team.json';

interface MemberRecord extends MemberInfo {
  tokenSha256: string;
}

interface TeamFileShape {
  version: 1;
  members: MemberRecord[];
}

/** A new token: 256 random bits, hex (what `?token=` carries). */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

const sha256 = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Names are shown in the UI and stamped on every label: printable, trimmed, at most 64 characters. */
export function checkMemberName(name: unknown): string {
  const n = typeof name === 'string' ? name.trim() : '';
  // eslint-disable-next-line no-control-regex
  if (!n || n.length > 64 || /[\u0000-\u001f\u007f]/.test(n)) {
    throw new DistilleryError('CONFIG', 'a member name is 1 to 64 printable characters', { field: 'name' });
  }
  return n;
}

export class TeamStore {
  private members: MemberRecord[] = [];
  /** tokenSha256 → member, for the lookup of every request. */
  private byHash = new Map<string, MemberRecord>();
  private readonly revokeListeners = new Set<(name: string) => void>();
  private readonly changeListeners = new Set<() => void>();
  private queue: Promise<unknown> = Promise.resolve();
  /** The file's size and mtime when this store last read or wrote it (undefined: no file). */
  private stamp: string | undefined;

  private constructor(
    /** Undefined: kept in memory only. */
    readonly file: string | undefined,
    private readonly fs: HostFs,
  ) {}

  static inMemory(): TeamStore {
    return new TeamStore(undefined, nodeFs);
  }

  /** Reads `file` (a missing file is an empty team); a damaged one is a CONFIG error naming it. */
  static async open(file: string, fs: HostFs = nodeFs): Promise<TeamStore> {
    const t = new TeamStore(file, fs);
    await t.reloadIfChanged(true);
    return t;
  }

  /**
   * Reads the file again if another process changed it since this store last read or wrote it; tells
   * the listeners (onRevoke for members revoked or removed there, onChange). A damaged file is a
   * CONFIG error and the members stay as they were. Returns whether anything was read.
   */
  refresh(): Promise<boolean> {
    const run = this.queue.then(() => this.reloadIfChanged(false));
    this.queue = run.catch(() => {});
    return run;
  }

  /** Calls refresh() every `ms` (unref'd); returns the function that stops it. In-memory stores have nothing to watch. */
  watch(ms = 1000, onError: (e: unknown) => void = () => {}): () => void {
    if (!this.file) return () => {};
    const timer = setInterval(() => void this.refresh().catch(onError), ms);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async fileStamp(): Promise<string | undefined> {
    try {
      const s = await this.fs.stat(this.file!);
      return `${s.size}:${s.mtimeMs ?? ''}`;
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return undefined;
      throw e;
    }
  }

  private async reloadIfChanged(first: boolean): Promise<boolean> {
    if (!this.file) return false;
    const stamp = await this.fileStamp();
    if (!first && stamp === this.stamp) return false;
    let members: MemberRecord[] = [];
    if (stamp !== undefined) {
      let text: string;
      try {
        text = await this.fs.readFile(this.file, 'utf8');
      } catch (e) {
        if (!isErrno(e, 'ENOENT')) throw e;
        text = '{"version":1,"members":[]}';
      }
      members = parseTeamFile(text, this.file);
    }
    this.stamp = stamp;
    const before = this.members;
    this.set(members);
    if (first) return true;
    const active = (ms: MemberRecord[]) => new Set(ms.filter((m) => !m.revokedAt).map((m) => m.name));
    const now = active(members);
    for (const name of active(before)) if (!now.has(name)) for (const l of this.revokeListeners) l(name);
    for (const l of this.changeListeners) l();
    return true;
  }

  /** The member holding `token`, unless unknown or revoked. */
  resolve(token: string | undefined | null): Principal | undefined {
    // Looked up by the token's hash: the lookup's timing tells nothing about the token itself.
    const m = token ? this.byHash.get(sha256(token)) : undefined;
    return m && !m.revokedAt ? { name: m.name, role: m.role } : undefined;
  }

  /** The active members, name and role only (what any member may see: routing needs the team). */
  names(): Principal[] {
    return this.members.filter((m) => !m.revokedAt).map((m) => ({ name: m.name, role: m.role }));
  }

  list(): MemberInfo[] {
    return this.members.map(({ tokenSha256: _hash, ...m }) => ({ ...m }));
  }

  /**
   * A new token for the owner `name` (who starts the server): printed at start-up, it replaces the
   * owner's previous one. A member of that name with another role is refused (no silent promotion).
   */
  async ownerToken(name: string): Promise<string> {
    const n = checkMemberName(name);
    return this.issue(n, 'owner', (m) => {
      if (m && m.role !== 'owner')
        throw new DistilleryError(
          'CONFIG',
          `"${n}" is a member with the role ${m.role}, not an owner: start the server with another --owner name`,
          { field: 'owner' },
        );
    });
  }

  /** A new member, or a revoked one back (with a new token). */
  async invite(name: unknown, role: unknown): Promise<string> {
    const n = checkMemberName(name);
    if (!isRole(role))
      throw new DistilleryError(
        'CONFIG',
        `the role must be annotator, reviewer or owner, not ${JSON.stringify(role)}`,
        { field: 'role' },
      );
    return this.issue(n, role, (m) => {
      if (m && !m.revokedAt)
        throw new DistilleryError(
          'CONFIG',
          `"${n}" is already a member: revoke the old token first to issue a new one`,
          { field: 'name' },
        );
    });
  }

  /** Locks `name` out; their open connections are closed by whoever listens (onRevoke). */
  async revoke(name: unknown, by?: string): Promise<void> {
    const n = checkMemberName(name);
    await this.change(async (members) => {
      const m = members.find((x) => x.name === n);
      if (!m) throw new DistilleryError('NOT_FOUND', `no member named "${n}"`, { field: 'name' });
      if (n === by) throw new DistilleryError('CONFIG', 'you cannot revoke your own token', { field: 'name' });
      if (m.revokedAt) return members;
      return members.map((x) => (x === m ? { ...x, revokedAt: new Date().toISOString() } : x));
    });
    for (const l of this.revokeListeners) l(n);
  }

  onRevoke(listener: (name: string) => void): () => void {
    this.revokeListeners.add(listener);
    return () => this.revokeListeners.delete(listener);
  }

  /** Hears of every change written (an invite, a revoke, a new token); not of a refused one. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** A new token for `name` (`guard` sees the member of that name, if any, and may refuse). */
  private async issue(name: string, role: Role, guard: (existing: MemberRecord | undefined) => void): Promise<string> {
    const token = newToken();
    await this.change(async (members) => {
      guard(members.find((m) => m.name === name));
      const rec: MemberRecord = { name, role, tokenSha256: sha256(token), createdAt: new Date().toISOString() };
      const i = members.findIndex((m) => m.name === name);
      return i < 0 ? [...members, rec] : members.map((m, j) => (j === i ? rec : m));
    });
    return token;
  }

  /** Changes run one at a time; the new list is written before it is used. */
  private change(fn: (members: MemberRecord[]) => Promise<MemberRecord[]>): Promise<void> {
    const run = this.queue.then(async () => {
      // Another process's change first, so this one does not write over it.
      await this.reloadIfChanged(false);
      const next = await fn(this.members);
      if (next === this.members) return;
      if (this.file) await this.fs.mkdir(path.dirname(this.file), { recursive: true });
      if (this.file)
        await writeFileAtomic(
          this.fs,
          this.file,
          JSON.stringify({ version: 1, members: next } satisfies TeamFileShape, null, 2) + '\n',
          'the team',
        );
      if (this.file) this.stamp = await this.fileStamp();
      this.set(next);
      for (const l of this.changeListeners) l();
    });
    this.queue = run.catch(() => {});
    return run;
  }

  private set(members: MemberRecord[]): void {
    this.members = members;
    this.byHash = new Map(members.map((m) => [m.tokenSha256, m]));
  }
}

/** team.json's members, checked; a bad one is named by its index and field. */
function parseTeamFile(text: string, file: string): MemberRecord[] {
  const bad = (what: string, field?: string) =>
    new DistilleryError('CONFIG', `${file}: ${what} (fix or delete the file; deleting it removes every member)`, {
      file,
      ...(field ? { field } : {}),
    });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw bad(`not valid JSON (${(e as Error).message})`);
  }
  const members = (data as Partial<TeamFileShape> | null)?.members;
  if (!Array.isArray(members)) throw bad('no "members" list');
  const seen = new Set<string>();
  return members.map((m: Partial<MemberRecord>, i) => {
    const at = `members[${i}]`;
    if (typeof m?.name !== 'string' || !m.name.trim()) throw bad(`${at}.name is missing`, `${at}.name`);
    if (seen.has(m.name)) throw bad(`${at}.name "${m.name}" appears twice`, `${at}.name`);
    seen.add(m.name);
    if (!isRole(m.role)) throw bad(`${at}.role must be annotator, reviewer or owner`, `${at}.role`);
    if (typeof m.tokenSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.tokenSha256))
      throw bad(`${at}.tokenSha256 must be 64 hex digits`, `${at}.tokenSha256`);
    if (typeof m.createdAt !== 'string') throw bad(`${at}.createdAt is missing`, `${at}.createdAt`);
    if (m.revokedAt !== undefined && typeof m.revokedAt !== 'string')
      throw bad(`${at}.revokedAt must be a date`, `${at}.revokedAt`);
    return {
      name: m.name,
      role: m.role,
      tokenSha256: m.tokenSha256,
      createdAt: m.createdAt,
      ...(m.revokedAt ? { revokedAt: m.revokedAt } : {}),
    };
  });
}
