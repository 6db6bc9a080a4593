// Codat's wire models as zod schemas: the one definition that validates, types and documents the API
// (/openapi.json is generated from these; nothing restates them by hand).
import { z } from 'zod';
import { DATA_TYPES, PULL_STATUSES } from '../../domain/index.js';
import { cronProblem, timeZoneProblem } from '../../domain/schedule-cadence.js';

const uuid = (description: string) => z.string().meta({ description, format: 'uuid', example: '8a210b68-6988-11ed-a1eb-0242ac120002' });
const dateTime = (description: string) => z.string().meta({ description, format: 'date-time', example: '2022-11-14T11:18:37.279Z' });

export const DataTypeSchema = z
  .enum(DATA_TYPES, { error: (issue) => `Invalid data type "${String(issue.input)}". Valid data types are: ${DATA_TYPES.join(', ')}` })
  .meta({ id: 'DataType', description: 'Available data types' });
export const PullStatusSchema = z.enum(PULL_STATUSES).meta({ id: 'DatasetStatus', description: 'The status of the pull operation' });

const count = (description: string) => z.number().int().min(0).meta({ description });

export const PullOperationSchema = z
  .object({
    id: uuid('Unique identifier of the pull operation (dataset id)'),
    companyId: uuid('Unique identifier of the company'),
    connectionId: uuid('Unique identifier of the connection'),
    dataType: z.string().meta({ description: 'The data type being pulled', example: 'invoices' }),
    status: PullStatusSchema,
    statusDescription: z.string().nullable().optional().meta({ description: 'Additional information about the status' }),
    errorMessage: z.string().nullable().optional().meta({ description: 'What went wrong, from Sluice or the source' }),
    requested: dateTime('When the pull was requested'),
    completed: dateTime('When the pull ended').optional(),
    progress: z.number().int().meta({ description: 'Progress from 0 to 100' }),
    isCompleted: z.boolean().meta({ description: 'True only when the pull completed successfully' }),
    isErrored: z.boolean().meta({ description: 'True if the pull ended in an error state' }),
    // Sluice's additions; Codat clients ignore fields they do not know.
    mode: z.enum(['full', 'incremental']).meta({
      description: 'full reads everything and flags records no longer at the source as deleted; incremental reads what changed since the last successful pull',
    }),
    modifiedSince: dateTime('Incremental pulls: records modified from this time on were read').optional(),
    recordsFetched: count('Records read from the source so far'),
    recordsCreated: count('Of those, records new to Sluice'),
    recordsUpdated: count('Of those, records whose data changed'),
    recordsDeleted: count('Records flagged deleted (metadata.isDeleted) because a full pull no longer found them'),
  })
  .meta({ id: 'PullOperation', description: 'Information about a queued, in progress or completed pull operation' });

const HalLink = z.object({ href: z.string() });
const Links = z
  .object({ self: HalLink, current: HalLink, next: HalLink.optional(), previous: HalLink.optional() })
  .meta({ id: 'Links' });

/** Codat's paging envelope around a list of `item`s. */
export function pagedSchema<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      results: z.array(item),
      pageNumber: z.number().int(),
      pageSize: z.number().int(),
      totalResults: z.number().int().meta({ description: 'Matching results, counted after the query filter' }),
      _links: Links,
    })
    .meta({ id });
}

export const PullOperationsSchema = pagedSchema(PullOperationSchema, 'PullOperations');

export const DataStatusSchema = z
  .object({
    dataType: DataTypeSchema,
    currentStatus: PullStatusSchema.optional(),
    lastSuccessfulSync: dateTime('When the data type last pulled successfully').optional(),
    latestSyncId: uuid('Id of the latest pull operation of this data type').optional(),
    latestSuccessfulSyncId: uuid('Id of the latest successful pull operation of this data type').optional(),
  })
  .meta({ id: 'DataStatus' });

export const DataStatusesSchema = z.record(DataTypeSchema, DataStatusSchema).meta({ id: 'DataStatuses' });

export const ErrorMessageSchema = z
  .object({
    statusCode: z.number().int(),
    service: z.string(),
    error: z.string(),
    correlationId: z.string(),
    validation: z
      .object({
        errors: z.array(z.object({ itemId: z.string().nullable(), message: z.string().nullable(), validatorName: z.string().nullable() })).nullable(),
        warnings: z.array(z.object({ itemId: z.string().nullable(), message: z.string().nullable(), validatorName: z.string().nullable() })).nullable(),
      })
      .nullable(),
    canBeRetried: z.string(),
    detailedErrorCode: z.number().int(),
  })
  .meta({ id: 'ErrorMessage' });

export const ConnectionStatusSchema = z.enum(['PendingAuth', 'Linked', 'Unlinked', 'Deauthorized']).meta({ id: 'DataConnectionStatus' });

export const ConnectionSchema = z
  .object({
    id: uuid('Unique identifier of the connection'),
    integrationKey: z.string().meta({ description: 'The connector serving this connection', example: 'sandbox' }),
    platformName: z.string(),
    sourceType: z.enum(['Accounting', 'Banking', 'Commerce', 'Other', 'Unknown']),
    status: ConnectionStatusSchema,
    lastSync: dateTime('When a pull on this connection last completed').nullable(),
    created: dateTime('When the connection was created'),
    dataConnectionErrors: z.array(z.object({ statusCode: z.string(), statusText: z.string(), errorMessage: z.string(), erroredOnUtc: z.string() })),
  })
  .meta({ id: 'Connection' });

export const ConnectionsSchema = pagedSchema(ConnectionSchema, 'Connections');

export const CompanySchema = z
  .object({
    id: uuid('Unique identifier of the company'),
    name: z.string(),
    description: z.string().nullable().optional(),
    lastSync: dateTime('When a pull of this company last completed').nullable(),
    created: dateTime('When the company was created'),
    dataConnections: z.array(ConnectionSchema),
  })
  .meta({ id: 'Company' });

export const CompaniesSchema = pagedSchema(CompanySchema, 'Companies');

export const CompanyRequestBodySchema = z
  .object({
    name: z.string().trim().min(1).max(255).meta({ description: 'Name of the company', example: 'Bank of Dave' }),
    description: z.string().max(4096).optional(),
  })
  .meta({ id: 'CompanyRequestBody' });

export const ConnectionRequestBodySchema = z
  .object({
    platformKey: z.string().min(1).meta({ description: 'The connector to use, e.g. sandbox', example: 'sandbox' }),
    parameters: z.record(z.string(), z.unknown()).optional().meta({ description: "The source's parameters, as the connector defines them" }),
  })
  .meta({ id: 'ConnectionRequestBody' });

export const UpdateConnectionStatusSchema = z
  .object({ status: z.literal('Unlinked').meta({ description: 'Only unlinking is supported' }) })
  .meta({ id: 'UpdateConnectionStatus' });

// Request parameters shared by operations.
export const companyId = uuid('Unique identifier of a company');
export const connectionId = uuid('Unique identifier of a connection');

export const ListQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1).meta({ description: 'Page number, from 1' }),
  pageSize: z.coerce.number().int().min(1).max(5000).default(100).meta({ description: 'Results per page, at most 5000' }),
  query: z.string().max(2048).optional().meta({ description: "Codat's query language, e.g. status!=Complete&&dataType=invoices" }),
  orderBy: z.string().optional().meta({ description: 'A property to order by; a leading - orders descending', example: '-requested' }),
});

// Records: what pulls stored, as Codat's data endpoints (e.g. GET /companies/{companyId}/data/invoices) serve them.
export const DataRecordSchema = z
  .looseObject({
    id: z.string().meta({ description: "The record's id at the source", example: 'inv-000001' }),
    modifiedDate: dateTime("When the record's data last changed in Sluice"),
    sourceModifiedDate: dateTime('When the source last changed the record').nullable(),
    metadata: z.looseObject({
      isDeleted: z.boolean().meta({ description: 'True once a full pull no longer finds the record at the source' }),
    }),
  })
  .meta({
    id: 'DataRecord',
    description: "A record of the data type as its source gave it (e.g. Codat's Invoice shape for the sandbox), with these fields laid over it",
  });

export const DataRecordsSchema = pagedSchema(DataRecordSchema, 'DataRecords');

export const RecordListQuerySchema = ListQuerySchema.extend({
  query: z
    .string()
    .max(2048)
    .optional()
    .meta({
      description:
        "Codat's query language over id, modifiedDate, sourceModifiedDate, metadata.isDeleted and any property of the records, e.g. totalAmount>100&&customerRef.id=cus-000001&&metadata.isDeleted!=true",
    }),
  orderBy: z.string().optional().meta({ description: 'A property to order by (any property of the records); a leading - orders descending', example: '-modifiedDate' }),
});

export const SyncSettingSchema = z
  .object({
    dataType: DataTypeSchema,
    fetchOnFirstLink: z.boolean().meta({ description: 'Queue this type when a connection is linked, and on POST /data/all' }),
    syncSchedule: z.number().int().min(0).max(8760).meta({ description: 'Hours between scheduled refreshes', example: 24 }),
    syncOrder: z.number().int().min(0).meta({ description: 'Position in the order data types are queued in' }),
    syncFromUtc: z.iso.datetime({ offset: true }).optional().meta({ description: 'Fetch only records modified on or after this time' }),
    syncFromWindow: z.number().int().min(0).optional().meta({ description: 'Months of history to fetch' }),
    monthsToSync: z.number().int().min(0).optional().meta({ description: 'Months of history, for report types' }),
    isLocked: z.boolean().optional(),
    fullPull: z.boolean().optional().meta({
      description: 'Sluice: pull everything every time and flag records no longer at the source as deleted (default: incremental)',
    }),
    syncCron: z
      .string()
      .max(100)
      .superRefine((cron, ctx) => {
        const problem = cronProblem(cron);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .meta({
        description:
          'Sluice: refresh at the times this cron expression names (minute hour day-of-month month day-of-week, or @hourly, @daily, @weekly, @monthly, @yearly) instead of every syncSchedule hours',
        example: '0 2 * * *',
      }),
    syncTimeZone: z
      .string()
      .max(64)
      .superRefine((zone, ctx) => {
        const problem = timeZoneProblem(zone);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .meta({ description: 'Sluice: the IANA time zone syncCron is read in (default UTC)', example: 'Europe/London' }),
  })
  .refine((s) => s.syncFromUtc === undefined || s.syncFromWindow === undefined, { message: 'Set syncFromUtc or syncFromWindow, not both' })
  .refine((s) => s.syncTimeZone === undefined || s.syncCron !== undefined, { message: 'syncTimeZone applies to syncCron; set syncCron too', path: ['syncTimeZone'] })
  .meta({ id: 'SyncSetting' });

const settingsList = z
  .array(SyncSettingSchema)
  .refine((settings) => new Set(settings.map((s) => s.dataType)).size === settings.length, { message: 'Each data type may appear once' });

export const CompanySyncSettingsSchema = z
  .object({ companyId, settings: settingsList, overridesDefaults: z.boolean().default(true) })
  .meta({ id: 'CompanySyncSettings' });

export const ClientSyncSettingsSchema = z
  .object({ clientId: uuid('Unique identifier of the client'), settings: settingsList, overridesDefaults: z.boolean().default(true) })
  .meta({ id: 'SyncSettings' });

// The connection refresh API (a data-prep style API: jobs wrapped as { body, code }).
const parameters = z.record(z.string(), z.unknown());

export const RefreshConnectionDtoSchema = z
  .object({
    connectionId: z.string().optional().meta({ description: 'Must match the path when given' }),
    sourceParameters: parameters.optional().meta({ description: "Merged onto the connection's source parameters, which they then become" }),
    destinationParameters: parameters.optional().meta({ description: 'Recorded with the job; Sluice writes to its own store' }),
    usePreviousSourceParameters: z.boolean().optional().meta({ description: "Keep the connection's current source parameters, ignoring sourceParameters" }),
    usePreviousDestinationParameters: z.boolean().optional().meta({ description: "Reuse the previous job's destination parameters" }),
    workspaceId: z.string().optional(),
  })
  .meta({ id: 'RefreshConnectionDto' });

export const RefreshJobSchema = z
  .object({
    jobId: z.string().meta({ format: 'uuid' }),
    connectionId: z.string().meta({ format: 'uuid' }),
    workspaceId: z.string().nullable(),
    sourceWorkspaceId: z.string().nullable(),
    destinationWorkspaceId: z.string().nullable(),
    created: z.string().meta({ format: 'date-time' }),
    updated: z.string().meta({ format: 'date-time' }),
    createdBy: z.string(),
    sourceStatus: z.enum(['Queued', 'Running', 'Complete', 'Failed']),
    destinationStatus: z.enum(['Pending', 'Writing', 'Complete', 'Failed']),
    error: z.string().nullable(),
    sourceParameters: parameters.meta({ description: 'Values of secret-looking keys are masked' }),
    destinationParameters: parameters,
    sourceMetadata: z.object({
      pullOperations: z.array(z.object({ dataType: z.string(), pullOperationId: z.string(), status: PullStatusSchema, progress: z.number().int() })),
    }),
    destinationMetadata: z.object({ recordsWritten: z.number().int() }),
  })
  .meta({ id: 'RefreshJob' });

export const RefreshJobResponseSchema = z
  .object({ body: RefreshJobSchema, code: z.number().int().meta({ description: 'The HTTP status, repeated' }) })
  .meta({ id: 'RefreshJobResponse' });

// The scope refresh API: RefreshRequest and RefreshResponse, which its seed names without defining.
export const RefreshRequestSchema = z
  .object({
    dataTypes: z.array(DataTypeSchema).min(1).optional().meta({ description: 'Only these data types (company scopes only)' }),
  })
  .meta({ id: 'RefreshRequest' });

export const RefreshResponseSchema = z
  .object({
    scope: z.string(),
    status: z.literal('Enqueued'),
    jobId: z.string().optional().meta({ description: 'For connection scopes: the job, at GET /api/v1/jobs/{jobId}' }),
    pullOperations: z.array(PullOperationSchema).meta({ description: 'The pulls started or joined' }),
  })
  .meta({ id: 'RefreshResponse' });
