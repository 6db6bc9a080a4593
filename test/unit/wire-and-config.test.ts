import { describe, expect, it } from 'vitest';
import { apiKeyFromHeader } from '../../src/api/auth.js';
import { toDataStatuses, toPullOperation } from '../../src/api/wire.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { ERROR_STATUSES, IN_PROGRESS_STATUSES, isCompleted, isErrored, PULL_STATUSES } from '../../src/domain/index.js';
import type { DataStatusWithCurrent, PullOperationRow } from '../../src/store/index.js';
import { toApplicationFailure } from '../../activities/upstream-errors.js';
import { UpstreamError } from '../../src/connectors/errors.js';
import { ApplicationFailure } from '@temporalio/common';

describe('pull statuses', () => {
  it('has the 21 statuses of the spec, each either in progress, an end, or an error', () => {
    expect(PULL_STATUSES).toHaveLength(21);
    const ends = PULL_STATUSES.filter((s) => !(IN_PROGRESS_STATUSES as readonly string[]).includes(s));
    expect(ends.sort()).toEqual(['Cancelled', 'Complete', 'NotSupported', ...ERROR_STATUSES].sort());
  });

  it('computes isCompleted and isErrored as Codat defines them', () => {
    expect(PULL_STATUSES.filter(isCompleted)).toEqual(['Complete']);
    expect(isErrored('FetchError')).toBe(true);
    expect(isErrored('Cancelled')).toBe(false);
    expect(isErrored('NotSupported')).toBe(false);
    expect(isErrored('Fetching')).toBe(false);
  });
});

describe('toPullOperation', () => {
  const row: PullOperationRow = {
    id: 'p1', client_id: 'c', company_id: 'co', connection_id: 'cn', data_type: 'invoices', status: 'Fetching',
    status_description: null, error_message: null, requested_at: '2026-01-01T00:00:00.000Z', completed_at: null,
    progress: 40, records_fetched: 10, pages_committed: 1, checkpoint: '10', updated_at: '2026-01-01T00:00:01.000Z',
    records_created: 6, records_updated: 3, records_deleted: 0, mode: 'incremental', modified_since: '2025-12-01T00:00:00.000Z',
    high_water_mark: null, records_estimate: null,
  };

  it('leaves out absent optional fields instead of sending nulls', () => {
    expect(toPullOperation(row)).toEqual({
      id: 'p1', companyId: 'co', connectionId: 'cn', dataType: 'invoices', status: 'Fetching',
      requested: '2026-01-01T00:00:00.000Z', progress: 40, isCompleted: false, isErrored: false,
      mode: 'incremental', modifiedSince: '2025-12-01T00:00:00.000Z', recordsFetched: 10, recordsCreated: 6, recordsUpdated: 3, recordsDeleted: 0,
    });
  });
});

describe('toDataStatuses', () => {
  const base = { company_id: 'co', data_type: 'invoices' as const };
  it('merges connections: the latest pull for status, the latest success for the rest', () => {
    const rows: DataStatusWithCurrent[] = [
      { ...base, connection_id: 'a', latest_sync_id: 'a2', current_status: 'Complete', latest_requested_at: '2026-01-02', latest_successful_sync_id: 'a2', last_successful_sync: '2026-01-02T01' },
      { ...base, connection_id: 'b', latest_sync_id: 'b3', current_status: 'FetchError', latest_requested_at: '2026-01-03', latest_successful_sync_id: 'b1', last_successful_sync: '2026-01-01T01' },
    ];
    const statuses = toDataStatuses(rows);
    expect(statuses.invoices).toEqual({
      dataType: 'invoices', currentStatus: 'FetchError', latestSyncId: 'b3', lastSuccessfulSync: '2026-01-02T01', latestSuccessfulSyncId: 'a2',
    });
    expect(statuses.bills).toEqual({ dataType: 'bills' });
    expect(Object.keys(statuses)).toHaveLength(43);
  });
});

describe('apiKeyFromHeader', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  it('reads Basic base64(key), and either half of user:password', () => {
    expect(apiKeyFromHeader(`Basic ${b64('k1')}`)).toBe('k1');
    expect(apiKeyFromHeader(`basic ${b64('k2:')}`)).toBe('k2');
    expect(apiKeyFromHeader(`Basic ${b64(':k3')}`)).toBe('k3');
    expect(apiKeyFromHeader('Bearer abc')).toBeUndefined();
    expect(apiKeyFromHeader(undefined)).toBeUndefined();
    expect(apiKeyFromHeader(`Basic ${b64(':')}`)).toBeUndefined();
  });
});

describe('upstream error mapping', () => {
  const map = (e: unknown) => toApplicationFailure(e) as ApplicationFailure;
  it.each([
    ['auth', 'AuthError', true],
    ['permission', 'PermissionsError', true],
    ['notSupported', 'NotSupported', true],
    ['rateLimited', 'RateLimitError', false],
    ['unavailable', 'FetchError', false],
    ['malformed', 'FetchError', true],
  ] as const)('maps %s to %s (non-retryable: %s)', (kind, type, nonRetryable) => {
    const failure = map(new UpstreamError(kind, 'why'));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type, nonRetryable, message: 'why' });
  });

  it('carries Retry-After into the next retry delay', () => {
    expect(map(new UpstreamError('rateLimited', 'slow down', { retryAfterMs: 1500 })).nextRetryDelay).toBe(1500);
  });

  it('treats anything else as a retryable InternalError', () => {
    expect(map(new TypeError('oops'))).toMatchObject({ type: 'InternalError', nonRetryable: false, message: 'oops' });
  });
});

describe('loadConfig', () => {
  it('defaults to the embedded store in the data folder', () => {
    const config = loadConfig({ SLUICE_DATA_DIR: '/tmp/x' });
    expect(config.databaseUrl).toBe('sqlite:/tmp/x/sluice.sqlite');
    expect(config.api.port).toBe(3000);
    expect(config.temporal.address).toBeUndefined();
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ TEMPORAL_ADDRESS: '', API_PORT: '' })).toMatchObject({ api: { port: 3000 }, temporal: { address: undefined } });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ API_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ API_PORT: 'eighty' })).toThrow(/API_PORT/);
  });
});
