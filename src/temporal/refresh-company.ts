import type { Client, WorkflowHandle } from '@temporalio/client';
import type { refreshCompany, refreshConnection } from '../../workflows/index.js';
import type { RefreshCompanyInput } from '../domain/index.js';
import { CompanyId, ConnectionId, PullStatus, RefreshKind } from './search-attributes.js';

/** One company refresh at a time per company: a second request joins the running one. */
export const refreshCompanyWorkflowId = (companyId: string) => `refresh-company/${companyId}`;
/** A connection refresh is a job: one run per job. */
export const refreshConnectionWorkflowId = (jobId: string) => `refresh-connection/${jobId}`;

type CompanyRefreshStart = Omit<RefreshCompanyInput, 'connectionId' | 'jobId'>;

/** Starts `refreshCompany`, or joins the one running for the company (`USE_EXISTING`). */
export function startRefreshCompany(client: Client, taskQueue: string, input: CompanyRefreshStart): Promise<WorkflowHandle<typeof refreshCompany>> {
  const types = input.dataTypes ? input.dataTypes.join(', ') : 'every data type its sync settings fetch';
  return client.workflow.start<typeof refreshCompany>('refreshCompany', {
    taskQueue,
    workflowId: refreshCompanyWorkflowId(input.companyId),
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [input],
    typedSearchAttributes: [
      { key: CompanyId, value: input.companyId },
      { key: PullStatus, value: 'Queued' },
      { key: RefreshKind, value: 'company' },
    ],
    memo: { clientId: input.clientId, trigger: input.trigger },
    staticSummary: `Refresh company ${input.companyId}: ${types} on every linked connection`,
  });
}

/** Starts the `refreshConnection` run of a connection refresh job. */
export function startRefreshConnection(
  client: Client,
  taskQueue: string,
  input: RefreshCompanyInput & { connectionId: string; jobId: string },
): Promise<WorkflowHandle<typeof refreshConnection>> {
  return client.workflow.start<typeof refreshConnection>('refreshConnection', {
    taskQueue,
    workflowId: refreshConnectionWorkflowId(input.jobId),
    args: [input],
    typedSearchAttributes: [
      { key: CompanyId, value: input.companyId },
      { key: ConnectionId, value: input.connectionId },
      { key: PullStatus, value: 'Queued' },
      { key: RefreshKind, value: 'connection' },
    ],
    memo: { clientId: input.clientId, jobId: input.jobId, trigger: input.trigger },
    staticSummary: `Refresh connection ${input.connectionId} of company ${input.companyId} (job ${input.jobId})`,
  });
}
