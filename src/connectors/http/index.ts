import { DATA_TYPES } from '../../domain/index.js';
import type { Connector, Page, PageRequest } from '../connector.js';
import { UpstreamError } from '../errors.js';
import { authHeaders, refreshable, secretsOf } from './auth.js';
import { type Exchange, ShapeProblem, toUpstreamError } from './errors.js';
import { decodeCursor, encodeCursor, nextPosition, pageUrl } from './pagination.js';
import { type DataTypeEndpoint, type HttpParameters, httpParametersSchema } from './parameters.js';
import { readRecords } from './records.js';
import { type RequestOptions, readJson, send } from './transport.js';

export type { HttpParameters, HttpSettings } from './parameters.js';

/** The data type's endpoint: base URL + path, with the connection's and the data type's query parameters. */
function endpointUrl(params: HttpParameters, endpoint: DataTypeEndpoint): URL {
  const url = new URL(`${params.baseUrl.replace(/\/+$/, '')}/${endpoint.path.replace(/^\/+/, '')}`);
  for (const [key, value] of Object.entries({ ...params.query, ...endpoint.query })) url.searchParams.set(key, value);
  return url;
}

function formatSince(modifiedSince: string, format: NonNullable<HttpParameters['incremental']>['format']): string {
  const ms = Date.parse(modifiedSince);
  // Sluice itself passes modifiedSince: an unreadable one is a bug here, not the source's fault.
  if (!Number.isFinite(ms)) throw new Error(`modifiedSince "${modifiedSince}" is not an ISO-8601 time`);
  return format === 'iso' ? new Date(ms).toISOString() : format === 'unixSeconds' ? String(Math.floor(ms / 1000)) : String(ms);
}

/**
 * A generic REST JSON source, configured entirely by the connection's parameters (parameters.ts): which data
 * types it offers and where, how it pages and authenticates, and how to ask for changes only.
 */
export const httpConnector: Connector<HttpParameters> = {
  platformKey: 'http',
  platformName: 'HTTP (REST JSON)',
  sourceType: 'Other',
  dataTypes: DATA_TYPES,
  // Incremental when the connection sets `incremental` (otherwise modifiedSince is ignored and every pull reads
  // everything, which is still correct); totals when a data type sets `totalPath`.
  capabilities: { incremental: true, totals: true },
  parameters: httpParametersSchema,
  dataTypesOf: (params) => DATA_TYPES.filter((t) => params.dataTypes[t] !== undefined),
  limits: (params) => params.limits ?? {},

  async pullPage(params: HttpParameters, request: PageRequest): Promise<Page> {
    const { dataType } = request;
    const endpoint = params.dataTypes[dataType];
    if (!endpoint) {
      const offered = Object.keys(params.dataTypes).join(', ');
      throw new UpstreamError('notSupported', `This connection does not offer ${dataType}: its parameters configure ${offered} only`);
    }
    const pagination = endpoint.pagination ?? params.pagination;
    const first = endpointUrl(params, endpoint);
    if (params.incremental && request.modifiedSince !== undefined) first.searchParams.set(params.incremental.param, formatSince(request.modifiedSince, params.incremental.format));
    const staticQueryKeys = Object.keys({ ...params.query, ...endpoint.query });

    const secrets = [...secretsOf(params.auth), ...[...Object.values(params.headers), ...Object.values(params.query)].filter((v) => v.length >= 8)];
    const exchange: Exchange = { dataType, method: 'GET', url: first, purpose: 'records', secrets };
    const options: RequestOptions = { dataType, timeoutMs: params.timeoutMs, signal: request.signal };

    const origin = new URL(params.baseUrl).origin;
    let position;
    try {
      position = decodeCursor(request.cursor, pagination);
      if (position.type === 'url' && position.url !== null && new URL(position.url).origin !== origin) {
        throw new ShapeProblem(`the saved next page link is on ${new URL(position.url).origin}, no longer the connection's ${origin}`);
      }
    } catch (error) {
      if (error instanceof ShapeProblem) throw toUpstreamError(exchange, { type: 'badCursor', problem: error.message });
      throw error;
    }
    exchange.url = pageUrl(first, pagination, position);
    // A next URL was stored without the static query parameters: put them back.
    for (const [key, value] of Object.entries({ ...params.query, ...endpoint.query })) exchange.url.searchParams.set(key, value);

    const get = async (fresh: boolean) => {
      const headers = { accept: 'application/json', ...params.headers, ...(await authHeaders(params.auth, options, fresh)) };
      exchange.secrets = [...secrets, ...secretsOf(params.auth)];
      return send(exchange, options, { headers });
    };
    let answer = await get(false);
    // An access token can die before its announced expiry (revoked, rotated): one more try with a new one.
    if (answer.status === 401 && refreshable(params.auth)) answer = await get(true);
    if (answer.status < 200 || answer.status > 299) throw toUpstreamError(exchange, answer.failure());

    const body = readJson(exchange, answer);
    try {
      const { records, total } = readRecords(body, endpoint, dataType);
      const next = nextPosition(pagination, position, { body, link: answer.headers.get('link'), url: exchange.url, recordCount: records.length, total }, origin);
      return { records, nextCursor: next ? encodeCursor(next, staticQueryKeys) : null, totalRecords: total };
    } catch (error) {
      if (error instanceof ShapeProblem) throw toUpstreamError(exchange, { type: 'shape', status: answer.status, problem: error.message });
      throw error;
    }
  },
};
