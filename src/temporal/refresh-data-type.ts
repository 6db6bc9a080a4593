import type { Client, WorkflowHandle } from '@temporalio/client';
import type { refreshDataType } from '../../workflows/index.js';
import type { RefreshDataTypeInput } from '../domain/index.js';
import type { PullOperationRow } from '../store/index.js';
import { CompanyId, ConnectionId, DataType, PullStatus, RefreshKind } from './search-attributes.js';

/** One open refresh per company, connection and data type: the id is what dedupes concurrent requests. */
export function refreshDataTypeWorkflowId(input: Pick<RefreshDataTypeInput, 'companyId' | 'connectionId' | 'dataType'>): string {
  return `refresh-data-type/${input.companyId}/${input.connectionId}/${input.dataType}`;
}

/**
 * Starts the refresh, or, if one for the same company, connection and data type is running, returns a handle
 * to that one (`USE_EXISTING`). Either way `firstExecutionRunId` is the running pull's id.
 */
export async function startRefreshDataType(
  client: Client,
  taskQueue: string,
  input: RefreshDataTypeInput,
): Promise<WorkflowHandle<typeof refreshDataType> & { firstExecutionRunId: string }> {
  return client.workflow.start<typeof refreshDataType>('refreshDataType', {
    taskQueue,
    workflowId: refreshDataTypeWorkflowId(input),
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [input],
    typedSearchAttributes: [
      { key: CompanyId, value: input.companyId },
      { key: ConnectionId, value: input.connectionId },
      { key: DataType, value: input.dataType },
      { key: PullStatus, value: 'Queued' },
      { key: RefreshKind, value: 'dataType' },
    ],
    memo: { clientId: input.clientId },
    staticSummary: `Refresh ${input.dataType} of company ${input.companyId} on connection ${input.connectionId}`,
  });
}

/**
 * Requests cancellation of the run chain a pull operation belongs to (its id is the chain's first run id, so a
 * later pull of the same type is never hit). The pull stops at its next page and ends Cancelled.
 */
export async function cancelPullWorkflow(client: Client, pull: Pick<PullOperationRow, 'id' | 'company_id' | 'connection_id' | 'data_type'>): Promise<void> {
  const workflowId = refreshDataTypeWorkflowId({ companyId: pull.company_id, connectionId: pull.connection_id, dataType: pull.data_type });
  await client.workflow.getHandle(workflowId, undefined, { firstExecutionRunId: pull.id }).cancel();
}
