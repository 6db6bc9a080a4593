// Codat's `DataType` enum: the 43 values of the current Platform/Lending specs, in spec order.
export const DATA_TYPES = [
  'accountTransactions',
  'balanceSheet',
  'bankAccounts',
  'bankTransactions',
  'billCreditNotes',
  'billPayments',
  'bills',
  'cashFlowStatement',
  'chartOfAccounts',
  'company',
  'creditNotes',
  'customers',
  'directCosts',
  'directIncomes',
  'invoices',
  'itemReceipts',
  'items',
  'journalEntries',
  'journals',
  'paymentMethods',
  'payments',
  'profitAndLoss',
  'purchaseOrders',
  'salesOrders',
  'suppliers',
  'taxRates',
  'trackingCategories',
  'transfers',
  'banking-accountBalances',
  'banking-accounts',
  'banking-transactionCategories',
  'banking-transactions',
  'commerce-companyInfo',
  'commerce-customers',
  'commerce-disputes',
  'commerce-locations',
  'commerce-orders',
  'commerce-paymentMethods',
  'commerce-payments',
  'commerce-productCategories',
  'commerce-products',
  'commerce-taxComponents',
  'commerce-transactions',
] as const;

export type DataType = (typeof DATA_TYPES)[number];

const dataTypeSet: ReadonlySet<string> = new Set(DATA_TYPES);

export function isDataType(value: string): value is DataType {
  return dataTypeSet.has(value);
}
