// The workflow bundle's entry point: every workflow type a Sluice worker runs.
export { refreshDataType } from './refresh-data-type.js';
export { deliverWebhook } from './deliver-webhook.js';
export { refreshCompany, refreshConnection } from './refresh-company.js';
