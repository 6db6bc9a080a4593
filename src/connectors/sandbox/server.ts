import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SourceRecord } from '../connector.js';
import { type Fault, FaultInjector, type FaultPlan, type FaultPlanInput } from './faults.js';
import { isSandboxDataType, SANDBOX_DATA_TYPES, type SandboxDataType, sandboxRecord } from './records.js';

// The sandbox as a real REST JSON API on loopback, for testing HTTP connectors end to end: every pagination
// style at once, several auth schemes (OAuth2 tokens that really expire), incremental filtering, records that
// change or disappear while a test runs, and the same fault plans as the in-process sandbox, as HTTP answers.
//
//   GET /{dataType}?page=&pageSize=   pages numbered from 1
//   GET /{dataType}?offset=&limit=
//   GET /{dataType}?cursor=           a token from an earlier answer's `nextCursor`
//   GET /{dataType}                   the first page; then follow `next` or the Link rel="next" header
//   …&modifiedSince=                  ISO-8601, or a unix time in seconds (< 1e11) or milliseconds
//   POST /oauth/token                 client credentials grant, with `auth: { type: 'oauth2ClientCredentials' }`
//
// A listing answers { results, totalResults, pageNumber, pageSize, nextCursor, next }, where results are the
// records' data. Without modifiedSince a page costs O(pageSize) whatever the volume (records are made on demand
// from their index); with it the server scans the data type once per filter and caches the matching indexes,
// which suits volumes up to ~100k.

export type SandboxApiAuth =
  | { type: 'none' }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'apiKey'; header: string; apiKey: string }
  /** Tokens from POST /oauth/token, valid for `tokenTtlSeconds` (default 3600). */
  | { type: 'oauth2ClientCredentials'; clientId: string; clientSecret: string; tokenTtlSeconds?: number };

export interface SandboxApiOptions {
  seed?: string;
  recordsPerDataType?: number;
  /** Page size when a request names none. Default 100. */
  defaultPageSize?: number;
  /** Larger requested page sizes are cut to this, as real APIs do. Default 1000. */
  maxPageSize?: number;
  /** Delay before every answer. */
  latencyMs?: number;
  auth?: SandboxApiAuth;
  faults?: FaultPlanInput;
}

export interface RequestLog {
  method: string;
  path: string;
  query: Record<string, string>;
  /** When the request arrived (ISO-8601). */
  time: string;
  /** 0 while unanswered, and for a request whose client hung up before the answer. */
  status: number;
  /** The kind of credentials the request carried. */
  auth: 'none' | 'bearer' | 'basic' | 'apiKey' | 'other';
}

export interface SandboxApi {
  /** e.g. http://127.0.0.1:43121 (no trailing slash). */
  readonly url: string;
  /** Every request so far, in arrival order. */
  readonly requests: RequestLog[];
  /** The fault plan in force. */
  readonly faults: FaultPlan;
  /** Replaces the fault plan; its `times` counters start afresh. */
  setFaults(plan: FaultPlanInput): void;
  /** Marks a record modified now, with `changes` merged into its data. Throws if there is no such record. */
  touch(dataType: SandboxDataType, id: string, changes?: Record<string, unknown>): SourceRecord;
  /** Deletes a record: it disappears from listings and totals. Throws if there is no such record. */
  remove(dataType: SandboxDataType, id: string): void;
  /** Creates a record (modified now) after the generated ones, with `data` merged in; returns it. */
  add(dataType: SandboxDataType, data?: Record<string, unknown>): SourceRecord;
  /** Invalidates every access token issued so far, as a server-side revocation would. */
  revokeTokens(): void;
  close(): Promise<void>;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** One data type's records: the generated ones by index, plus what tests changed, removed or added. */
class DataSet {
  readonly #changed = new Map<number, SourceRecord>();
  readonly #added: SourceRecord[] = [];
  readonly #removed = new Set<number>();
  #removedSorted: number[] = [];
  #version = 0;
  #filterCache: { key: string; indexes: number[] } | null = null;

  constructor(
    readonly seed: string,
    readonly dataType: SandboxDataType,
    readonly volume: number,
  ) {}

  get size(): number {
    return this.volume + this.#added.length;
  }

  get visibleCount(): number {
    return this.size - this.#removed.size;
  }

  recordAt(index: number): SourceRecord {
    return this.#changed.get(index) ?? (index < this.volume ? sandboxRecord(this.seed, this.dataType, index, this.volume) : this.#added[index - this.volume]!);
  }

  /** Up to `count` visible records from the `position`-th visible one on: O(count + removed records). */
  slice(position: number, count: number): SourceRecord[] {
    let index = position;
    for (const removed of this.#removedSorted) {
      if (removed <= index) index++;
      else break;
    }
    const records: SourceRecord[] = [];
    for (; index < this.size && records.length < count; index++) {
      if (!this.#removed.has(index)) records.push(this.recordAt(index));
    }
    return records;
  }

  /** The indexes of visible records modified at or after `sinceMs`, by one scan, cached until a change. */
  modifiedSince(sinceMs: number): number[] {
    const key = `${this.#version}/${sinceMs}`;
    if (this.#filterCache?.key === key) return this.#filterCache.indexes;
    const indexes: number[] = [];
    for (let index = 0; index < this.size; index++) {
      if (this.#removed.has(index)) continue;
      const modified = this.recordAt(index).modifiedDate;
      if (modified !== null && Date.parse(modified) >= sinceMs) indexes.push(index);
    }
    this.#filterCache = { key, indexes };
    return indexes;
  }

  indexOf(id: string): number {
    for (const [index, record] of this.#changed) if (record.id === id) return this.#removed.has(index) ? -1 : index;
    const added = this.#added.findIndex((r) => r.id === id);
    if (added >= 0) return this.#removed.has(this.volume + added) ? -1 : this.volume + added;
    // Most generated ids end in their index ("inv-000042"); try that before scanning.
    const guess = Number(/(\d+)$/.exec(id)?.[1] ?? Number.NaN);
    if (Number.isSafeInteger(guess) && guess < this.volume && this.recordAt(guess).id === id) return this.#removed.has(guess) ? -1 : guess;
    for (let index = 0; index < this.volume; index++) {
      if (this.recordAt(index).id === id) return this.#removed.has(index) ? -1 : index;
    }
    return -1;
  }

  touch(id: string, changes: Record<string, unknown>): SourceRecord {
    const index = this.#find(id);
    const now = new Date().toISOString();
    const record = this.recordAt(index);
    const touched = { id, modifiedDate: now, data: { ...record.data, ...changes, id, modifiedDate: now, sourceModifiedDate: now } };
    this.#changed.set(index, touched);
    this.#version++;
    return touched;
  }

  remove(id: string): void {
    const index = this.#find(id);
    this.#removed.add(index);
    this.#removedSorted = [...this.#removed].sort((a, b) => a - b);
    this.#version++;
  }

  add(data: Record<string, unknown>): SourceRecord {
    const index = this.size;
    const now = new Date().toISOString();
    const made = sandboxRecord(this.seed, this.dataType, index, this.volume);
    const id = typeof data.id === 'string' && data.id !== '' ? data.id : made.id;
    const record = { id, modifiedDate: now, data: { ...made.data, ...data, id, modifiedDate: now, sourceModifiedDate: now } };
    this.#added.push(record);
    this.#version++;
    return record;
  }

  #find(id: string): number {
    const index = this.indexOf(id);
    if (index < 0) throw new Error(`The sandbox API has no ${this.dataType} record ${id}`);
    return index;
  }
}

interface CursorToken {
  /** Offset of the next page among the (filtered) records. */
  o: number;
  /** Page size. */
  n: number;
  /** modifiedSince, in ms, when the listing was filtered. */
  s?: number;
}

const encodeToken = (token: CursorToken) => Buffer.from(JSON.stringify(token)).toString('base64url');

function decodeToken(text: string): CursorToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString()) as CursorToken;
    if (Number.isSafeInteger(token.o) && token.o >= 0 && Number.isSafeInteger(token.n) && token.n > 0 && (token.s === undefined || Number.isFinite(token.s))) return token;
  } catch {
    // fall through
  }
  throw new HttpProblem(400, 'cursor is not a token this API issued');
}

function intParam(query: URLSearchParams, name: string, min: number): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < min) throw new HttpProblem(400, `${name} must be an integer of at least ${min}`);
  return value;
}

function parseSince(text: string): number {
  const number = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  const ms = Number.isFinite(number) ? (number < 1e11 ? number * 1000 : number) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new HttpProblem(400, 'modifiedSince must be an ISO-8601 date-time or a unix time');
  return ms;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();
const same = (a: string, b: string) => timingSafeEqual(sha256(a), sha256(b));

/** Starts the sandbox API on 127.0.0.1 at a free port. */
export async function startSandboxApi(options: SandboxApiOptions = {}): Promise<SandboxApi> {
  const seed = options.seed ?? 'sandbox';
  const volume = options.recordsPerDataType ?? 250;
  const defaultPageSize = options.defaultPageSize ?? 100;
  const maxPageSize = options.maxPageSize ?? 1000;
  const auth: SandboxApiAuth = options.auth ?? { type: 'none' };
  const injector = new FaultInjector(options.faults ?? []);
  const dataSets = new Map(SANDBOX_DATA_TYPES.map((t) => [t, new DataSet(seed, t, volume)]));
  const requests: RequestLog[] = [];
  const tokens = new Map<string, number>(); // access token → expiry (ms)
  const inFlight = new Set<AbortController>();
  let baseUrl = '';

  const authKind = (req: IncomingMessage): RequestLog['auth'] => {
    const header = req.headers.authorization ?? '';
    if (/^bearer /i.test(header)) return 'bearer';
    if (/^basic /i.test(header)) return 'basic';
    if (header) return 'other';
    return auth.type === 'apiKey' && req.headers[auth.header.toLowerCase()] !== undefined ? 'apiKey' : 'none';
  };

  const basicCredentials = (req: IncomingMessage): [string, string] | null => {
    const match = /^basic (.+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return null;
    const decoded = Buffer.from(match[1]!, 'base64').toString();
    const colon = decoded.indexOf(':');
    return colon < 0 ? null : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  };

  /** Null when the request may proceed, otherwise why not (for WWW-Authenticate). */
  const authProblem = (req: IncomingMessage): string | null => {
    const bearer = /^bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    switch (auth.type) {
      case 'none':
        return null;
      case 'bearer':
        return bearer !== undefined && same(bearer, auth.token) ? null : 'Bearer realm="sandbox"';
      case 'basic': {
        const credentials = basicCredentials(req);
        return credentials && same(credentials[0], auth.username) && same(credentials[1], auth.password) ? null : 'Basic realm="sandbox"';
      }
      case 'apiKey': {
        const key = req.headers[auth.header.toLowerCase()];
        return typeof key === 'string' && same(key, auth.apiKey) ? null : `ApiKey header="${auth.header}"`;
      }
      case 'oauth2ClientCredentials': {
        if (bearer === undefined) return 'Bearer realm="sandbox"';
        const expiry = tokens.get(bearer);
        if (expiry === undefined) return 'Bearer realm="sandbox", error="invalid_token", error_description="Unknown access token"';
        return expiry > Date.now() ? null : 'Bearer realm="sandbox", error="invalid_token", error_description="The access token expired"';
      }
    }
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  const problem = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
    send(res, status, { error: STATUS_CODES[status] ?? 'Error', message }, headers);

  async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > 64 * 1024) throw new HttpProblem(413, 'request body too large');
      chunks.push(chunk);
    }
    if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) throw new HttpProblem(400, 'the token request must be form-encoded');
    return new URLSearchParams(Buffer.concat(chunks).toString());
  }

  async function issueToken(req: IncomingMessage, res: ServerResponse, auth: Extract<SandboxApiAuth, { type: 'oauth2ClientCredentials' }>): Promise<void> {
    if (req.method !== 'POST') return problem(res, 405, 'use POST', { allow: 'POST' });
    const form = await readForm(req);
    const oauthError = (status: number, error: string, description: string) =>
      send(res, status, { error, error_description: description }, status === 401 ? { 'www-authenticate': 'Basic realm="sandbox"' } : {});
    if (form.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 'only client_credentials is supported');
    // RFC 6749 §2.3.1: in the Basic header, the client id and secret are form-encoded first.
    const formDecode = (text: string) => {
      try {
        return decodeURIComponent(text.replace(/\+/g, ' '));
      } catch {
        return text;
      }
    };
    const basic = basicCredentials(req);
    const credentials = basic ? basic.map(formDecode) : [form.get('client_id') ?? '', form.get('client_secret') ?? ''];
    if (!same(credentials[0]!, auth.clientId) || !same(credentials[1]!, auth.clientSecret)) return oauthError(401, 'invalid_client', 'client authentication failed');
    const ttl = auth.tokenTtlSeconds ?? 3600;
    const now = Date.now();
    for (const [token, expiry] of tokens) if (expiry <= now) tokens.delete(token);
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, now + ttl * 1000);
    send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: ttl }, { 'cache-control': 'no-store' });
  }

  function listing(dataType: SandboxDataType, url: URL) {
    const query = url.searchParams;
    const set = dataSets.get(dataType)!;
    const token = query.has('cursor') ? decodeToken(query.get('cursor')!) : undefined;
    const style = token ? 'cursor' : query.has('offset') || query.has('limit') ? 'offset' : 'page';
    let size = intParam(query, 'pageSize', 1) ?? intParam(query, 'limit', 1) ?? token?.n ?? defaultPageSize;
    size = Math.min(size, maxPageSize);
    const page = intParam(query, 'page', 1) ?? 1;
    const offset = token ? token.o : style === 'offset' ? (intParam(query, 'offset', 0) ?? 0) : (page - 1) * size;
    const since = query.has('modifiedSince') ? parseSince(query.get('modifiedSince')!) : token?.s;

    let records: SourceRecord[];
    let total: number;
    if (since === undefined) {
      records = set.slice(offset, size);
      total = set.visibleCount;
    } else {
      const indexes = set.modifiedSince(since);
      records = indexes.slice(offset, offset + size).map((i) => set.recordAt(i));
      total = indexes.length;
    }
    const nextOffset = offset + records.length;
    const more = records.length > 0 && nextOffset < total;
    const nextCursor = more ? encodeToken({ o: nextOffset, n: size, ...(since === undefined ? {} : { s: since }) }) : null;
    let next: string | null = null;
    if (more) {
      const nextQuery = new URLSearchParams(query);
      if (style === 'cursor') nextQuery.set('cursor', nextCursor!);
      else if (style === 'offset') {
        nextQuery.set('offset', String(nextOffset));
        nextQuery.set('limit', String(size));
      } else {
        nextQuery.set('page', String(page + 1));
        nextQuery.set('pageSize', String(size));
      }
      next = `${baseUrl}${url.pathname}?${nextQuery}`;
    }
    return {
      pageIndex: Math.floor(offset / size),
      body: { results: records.map((r) => r.data), totalResults: total, pageNumber: Math.floor(offset / size) + 1, pageSize: size, nextCursor, next },
      headers: (next ? { link: `<${next}>; rel="next"` } : {}) as Record<string, string>,
    };
  }

  async function inflict(fault: Fault, res: ServerResponse, body: unknown, headers: Record<string, string>, signal: AbortSignal): Promise<void> {
    switch (fault.kind) {
      case 'rateLimited':
        return problem(res, 429, fault.message ?? 'rate limit exceeded', { 'retry-after': String(fault.retryAfterSeconds) });
      case 'serverError':
        return problem(res, fault.status, fault.message ?? 'the server could not answer');
      case 'auth':
        return problem(res, 401, fault.message ?? 'the credentials were revoked', { 'www-authenticate': 'Bearer realm="sandbox", error="invalid_token"' });
      case 'permission':
        return problem(res, 403, fault.message ?? 'these credentials may not read this resource');
      case 'malformed': {
        const text = JSON.stringify(body);
        return send(res, 200, text.slice(0, Math.max(1, Math.floor(text.length / 2))), headers);
      }
      case 'timeout':
        await sleep(fault.delayMs, undefined, { signal });
        return send(res, 200, body, headers);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    if (url.pathname === '/oauth/token' && auth.type === 'oauth2ClientCredentials') return issueToken(req, res, auth);
    const refusal = authProblem(req);
    if (refusal) return problem(res, 401, 'missing or invalid credentials', { 'www-authenticate': refusal });
    const dataType = url.pathname.slice(1);
    if (!isSandboxDataType(dataType)) return problem(res, 404, `no such resource: ${url.pathname}`);
    if (req.method !== 'GET') return problem(res, 405, 'use GET', { allow: 'GET' });
    const { pageIndex, body, headers } = listing(dataType, url);
    if (options.latencyMs) await sleep(options.latencyMs, undefined, { signal });
    const fault = injector.next(dataType, pageIndex);
    if (fault) return inflict(fault, res, body, headers, signal);
    send(res, 200, body, headers);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const entry: RequestLog = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      time: new Date().toISOString(),
      status: 0,
      auth: authKind(req),
    };
    requests.push(entry);
    const abort = new AbortController();
    inFlight.add(abort);
    res.on('finish', () => (entry.status = res.statusCode));
    res.on('close', () => {
      inFlight.delete(abort);
      abort.abort();
    });
    handle(req, res, abort.signal).catch((error: unknown) => {
      if (res.headersSent || abort.signal.aborted) return res.destroy();
      if (error instanceof HttpProblem) problem(res, error.status, error.message);
      else problem(res, 500, error instanceof Error ? error.message : String(error));
    });
  });
  server.keepAliveTimeout = 1_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    requests,
    get faults() {
      return injector.plan;
    },
    setFaults: (plan) => injector.setPlan(plan),
    touch: (dataType, id, changes = {}) => dataSets.get(dataType)!.touch(id, changes),
    remove: (dataType, id) => dataSets.get(dataType)!.remove(id),
    add: (dataType, data = {}) => dataSets.get(dataType)!.add(data),
    revokeTokens: () => tokens.clear(),
    close: async () => {
      if (!server.listening) return;
      for (const abort of inFlight) abort.abort();
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      server.closeAllConnections();
      await closed;
    },
  };
}
