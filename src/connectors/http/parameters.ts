import { z } from 'zod';
import { DATA_TYPES } from '../../domain/index.js';
import { upstreamLimitsSchema } from '../limits.js';

// A connection's parameters for the generic REST JSON connector: where the source is, how each data type is
// listed, how it pages, how it authenticates. Secret values sit under key names that the API's redaction of
// echoed parameters masks (token, password, apiKey, clientSecret); see README "HTTP connector".

/** A path into a JSON value, like `data.items` or `meta.total`; '' is the value itself. */
const dotPath = z
  .string()
  .max(200)
  .regex(/^$|^[^.]+(\.[^.]+)*$/, 'must be a dot path like "data.items", or "" for the body itself');
const requiredDotPath = dotPath.min(1);
const paramName = z.string().min(1).max(100);
const pageSize = z.number().int().min(1).max(10_000);
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).refine((text) => {
  const url = new URL(text);
  return url.username === '' && url.password === '';
}, 'must not carry credentials: put them in `auth`');

/** Where the page size goes, for styles whose page size is optional: both or neither. */
const optionalPageSize = {
  pageSizeParam: paramName.optional(),
  pageSize: pageSize.optional(),
};
const bothOrNeither = (p: { pageSizeParam?: string | undefined; pageSize?: number | undefined }) => (p.pageSizeParam === undefined) === (p.pageSize === undefined);
const bothOrNeitherMessage = { message: 'set pageSizeParam and pageSize together', path: ['pageSize'] };

export const paginationSchema = z.discriminatedUnion('type', [
  /** ?page=1&pageSize=100, then page=2… */
  z
    .object({
      type: z.literal('page'),
      pageParam: paramName.default('page'),
      pageSizeParam: paramName.default('pageSize'),
      pageSize: pageSize.default(100),
      firstPage: z.number().int().min(0).max(1).default(1),
    })
    .strict(),
  /** ?offset=0&limit=100, then offset=100… */
  z
    .object({ type: z.literal('offset'), offsetParam: paramName.default('offset'), limitParam: paramName.default('limit'), limit: pageSize.default(100) })
    .strict(),
  /** The body carries the next page's token at `nextCursorPath`, sent back as `cursorParam`; none on the last page. */
  z
    .object({ type: z.literal('cursor'), cursorParam: paramName.default('cursor'), nextCursorPath: requiredDotPath.default('nextCursor'), ...optionalPageSize })
    .strict()
    .refine(bothOrNeither, bothOrNeitherMessage),
  /** The body carries the next page's URL at `nextUrlPath` (absolute, or relative to the request). */
  z
    .object({ type: z.literal('nextUrl'), nextUrlPath: requiredDotPath.default('next'), ...optionalPageSize })
    .strict()
    .refine(bothOrNeither, bothOrNeitherMessage),
  /** The next page's URL is in the `Link` header, rel="next" (RFC 8288). */
  z
    .object({ type: z.literal('linkHeader'), ...optionalPageSize })
    .strict()
    .refine(bothOrNeither, bothOrNeitherMessage),
  /** One request returns everything. */
  z.object({ type: z.literal('none') }).strict(),
]);

export const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  /** Authorization: Bearer <token> */
  z.object({ type: z.literal('bearer'), token: z.string().min(1).max(8_192) }).strict(),
  /** Authorization: Basic base64(username:password) */
  z.object({ type: z.literal('basic'), username: z.string().min(1).max(1_000), password: z.string().max(1_000) }).strict(),
  /** <header>: <apiKey> */
  z.object({ type: z.literal('apiKey'), header: headerName.default('X-API-Key'), apiKey: z.string().min(1).max(8_192) }).strict(),
  /** OAuth 2.0 client credentials grant (RFC 6749 §4.4): tokens fetched from `tokenUrl`, cached until they expire. */
  z
    .object({
      type: z.literal('oauth2ClientCredentials'),
      tokenUrl: httpUrl,
      clientId: z.string().min(1).max(1_000),
      clientSecret: z.string().min(1).max(8_192),
      scope: z.string().max(2_000).optional(),
      /** Some providers (Auth0 and the like) want the API's identifier. */
      audience: z.string().max(2_000).optional(),
      /** How the client authenticates to the token endpoint: HTTP Basic (the spec's preference) or form fields. */
      clientAuthentication: z.enum(['basic', 'body']).default('basic'),
    })
    .strict(),
]);

const queryValues = z.record(z.string().min(1).max(100), z.string().max(2_000));

export const dataTypeEndpointSchema = z
  .object({
    /** Appended to `baseUrl`, e.g. "/invoices". */
    path: z.string().min(1).max(1_000),
    /** Where the list of records is in the body; '' when the body is the list. */
    recordsPath: dotPath.default(''),
    /** Where each record's id is. */
    idField: requiredDotPath.default('id'),
    /** Where each record's last-modified time is (ISO-8601, or unix seconds/milliseconds); unset: unknown. */
    modifiedField: requiredDotPath.optional(),
    /** Where the body says how many records the whole listing has, when it does. */
    totalPath: requiredDotPath.optional(),
    /** Replaces the connection's `pagination` for this data type. */
    pagination: paginationSchema.optional(),
    /** Extra query parameters for this data type's requests. */
    query: queryValues.optional(),
  })
  .strict();

const FORBIDDEN_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'host', 'content-length']);

export const httpParametersSchema = z
  .object({
    /** e.g. "https://api.example.com/v2"; each data type's `path` is appended. */
    baseUrl: httpUrl.refine((text) => {
      const url = new URL(text);
      return url.search === '' && url.hash === '';
    }, 'must not have a query or fragment: put query parameters in `query`'),
    /** The data types this connection offers, and how to list each. */
    dataTypes: z.partialRecord(z.enum(DATA_TYPES), dataTypeEndpointSchema).refine((types) => Object.keys(types).length > 0, 'configure at least one data type'),
    pagination: paginationSchema,
    auth: authSchema.default({ type: 'none' }),
    /** Makes pulls incremental: `modifiedSince` is sent as this query parameter, in this format. */
    incremental: z.object({ param: paramName, format: z.enum(['iso', 'unixSeconds', 'unixMillis']).default('iso') }).strict().optional(),
    /** How long one request may take, answer included. */
    timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    /** Extra headers for every request (not credentials: those go in `auth`, where they are kept out of echoes). */
    headers: z
      .record(headerName, z.string().max(8_192))
      .default({})
      .refine((headers) => !Object.keys(headers).some((h) => FORBIDDEN_HEADERS.has(h.toLowerCase())), 'must not set Authorization, Cookie, Host or Content-Length: put credentials in `auth`'),
    /** Extra query parameters for every request. */
    query: queryValues.default({}),
    limits: upstreamLimitsSchema.optional(),
  })
  .strict();

export type HttpParameters = z.output<typeof httpParametersSchema>;
/** What a connection sets: defaults filled in on use. */
export type HttpSettings = z.input<typeof httpParametersSchema>;
export type Pagination = z.output<typeof paginationSchema>;
export type HttpAuth = z.output<typeof authSchema>;
export type DataTypeEndpoint = z.output<typeof dataTypeEndpointSchema>;
