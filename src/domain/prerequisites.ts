import type { DataType } from './data-types.js';

/**
 * Data types whose records refer to others' and are pulled after them in a company or connection refresh, so
 * that a reader never sees an invoice before its customer. A dependent whose prerequisite did not complete
 * ends `PrerequisiteNotMet` instead of being pulled. Only prerequisites in the same refresh of the same
 * connection count; the map is acyclic.
 */
export const PREREQUISITES: Readonly<Partial<Record<DataType, readonly DataType[]>>> = {
  invoices: ['customers'],
  creditNotes: ['customers'],
  payments: ['invoices'],
  bills: ['suppliers'],
  billCreditNotes: ['suppliers'],
  billPayments: ['bills'],
  journalEntries: ['chartOfAccounts'],
  accountTransactions: ['chartOfAccounts'],
  bankTransactions: ['bankAccounts'],
  'banking-transactions': ['banking-accounts'],
  'commerce-orders': ['commerce-customers'],
  'commerce-payments': ['commerce-orders'],
};

/** The prerequisites of `dataType` among `planned`. */
export function prerequisitesOf(dataType: DataType, planned: readonly DataType[]): DataType[] {
  return (PREREQUISITES[dataType] ?? []).filter((p) => planned.includes(p));
}
