import type { SourceRecord } from '../connector.js';
import { createRandom, hashString, type Random } from './random.js';

// Realistic records in Codat's accounting shapes. Dates count back from a fixed day rather than "now" so
// that a record never changes between two pulls unless the sandbox's seed or volume changes.
const EPOCH_MS = Date.UTC(2026, 0, 1);
const DAY_MS = 86_400_000;

const COMPANY_WORDS = ['Acme', 'Northwind', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Vandelay', 'Soylent'];
const COMPANY_SUFFIXES = ['Ltd', 'LLC', 'Inc', 'GmbH', 'Trading', 'Partners', 'Holdings'];
const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Radia', 'Linus'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Perlman'];
const CITIES = [
  ['London', 'GB'],
  ['Manchester', 'GB'],
  ['Dublin', 'IE'],
  ['New York', 'US'],
  ['Austin', 'US'],
  ['Berlin', 'DE'],
] as const;
const CURRENCIES = ['GBP', 'USD', 'EUR'] as const;
const PRODUCTS = ['Consulting hours', 'Annual licence', 'Support plan', 'Hardware', 'Training day', 'Hosting'];
const ACCOUNTS = [
  ['1200', 'Business Current Account', 'Asset', 'Asset.Current.Bank'],
  ['1100', 'Trade Debtors', 'Asset', 'Asset.Current.Receivables'],
  ['2100', 'Trade Creditors', 'Liability', 'Liability.Current.Payables'],
  ['2200', 'VAT Liability', 'Liability', 'Liability.Current.Tax'],
  ['3000', 'Share Capital', 'Equity', 'Equity.Owners.Capital'],
  ['4000', 'Sales', 'Income', 'Income.Revenue.Sales'],
  ['4900', 'Other Income', 'Income', 'Income.Other'],
  ['5000', 'Cost of Sales', 'Expense', 'Expense.CostOfSales'],
  ['7100', 'Rent', 'Expense', 'Expense.Overheads.Rent'],
  ['7500', 'Software', 'Expense', 'Expense.Overheads.Software'],
] as const;

export interface RecordContext {
  index: number;
  random: Random;
  /** How many records this data type has: references to other types stay within it. */
  volume: number;
}

export type RecordFactory = (ctx: RecordContext) => SourceRecord;

const pad = (n: number) => String(n).padStart(6, '0');
const dayOffset = (days: number) => new Date(EPOCH_MS - days * DAY_MS).toISOString();
const dateOnly = (iso: string) => `${iso.slice(0, 10)}T00:00:00`;
const companyName = (r: Random) => `${r.pick(COMPANY_WORDS)} ${r.pick(COMPANY_WORDS)} ${r.pick(COMPANY_SUFFIXES)}`;
const personName = (r: Random) => `${r.pick(FIRST_NAMES)} ${r.pick(LAST_NAMES)}`;
const ref = (prefix: string, ctx: RecordContext) => `${prefix}-${pad(ctx.random.int(0, Math.max(ctx.volume - 1, 0)))}`;

function withDates(id: string, modifiedDaysAgo: number, data: Record<string, unknown>): SourceRecord {
  const modifiedDate = dayOffset(modifiedDaysAgo);
  return { id, modifiedDate, data: { id, ...data, modifiedDate, sourceModifiedDate: modifiedDate } };
}

function party(kind: 'customer' | 'supplier', ctx: RecordContext): SourceRecord {
  const r = ctx.random;
  const name = companyName(r);
  const [city, country] = r.pick(CITIES);
  const prefix = kind === 'customer' ? 'cus' : 'sup';
  return withDates(`${prefix}-${pad(ctx.index)}`, r.int(0, 720), {
    [kind === 'customer' ? 'customerName' : 'supplierName']: name,
    contactName: personName(r),
    emailAddress: `accounts@${name.split(' ')[0]!.toLowerCase()}.example`,
    phone: `+44 20 7${r.int(100, 999)} ${r.int(1000, 9999)}`,
    addresses: [{ type: 'Billing', line1: `${r.int(1, 250)} High Street`, city, postalCode: `N${r.int(1, 20)} ${r.int(1, 9)}AB`, country }],
    defaultCurrency: r.pick(CURRENCIES),
    status: r.next() < 0.9 ? 'Active' : 'Archived',
  });
}

function lineItems(ctx: RecordContext) {
  const r = ctx.random;
  return Array.from({ length: r.int(1, 4) }, () => {
    const quantity = r.int(1, 10);
    const unitAmount = r.money(20, 900);
    const subTotal = Math.round(quantity * unitAmount * 100) / 100;
    const taxAmount = Math.round(subTotal * 20) / 100;
    const [code, name] = r.pick(ACCOUNTS);
    return { description: r.pick(PRODUCTS), quantity, unitAmount, subTotal, taxAmount, totalAmount: subTotal + taxAmount, accountRef: { id: `acc-${code}`, name } };
  });
}

function document(kind: 'invoice' | 'bill', ctx: RecordContext): SourceRecord {
  const r = ctx.random;
  const issuedDaysAgo = r.int(0, 720);
  const lines = lineItems(ctx);
  const subTotal = Math.round(lines.reduce((sum, l) => sum + l.subTotal, 0) * 100) / 100;
  const taxAmount = Math.round(lines.reduce((sum, l) => sum + l.taxAmount, 0) * 100) / 100;
  const totalAmount = Math.round((subTotal + taxAmount) * 100) / 100;
  const status = r.pick(kind === 'invoice' ? ['Paid', 'Submitted', 'PartiallyPaid', 'Void', 'Draft'] : ['Paid', 'Open', 'PartiallyPaid', 'Void', 'Draft']);
  const amountDue = status === 'Paid' || status === 'Void' ? 0 : status === 'PartiallyPaid' ? Math.round(totalAmount * 50) / 100 : totalAmount;
  const common = {
    issueDate: dateOnly(dayOffset(issuedDaysAgo)),
    dueDate: dateOnly(dayOffset(issuedDaysAgo - 30)),
    currency: r.pick(CURRENCIES),
    currencyRate: 1,
    lineItems: lines,
    subTotal,
    totalAmount,
    amountDue,
    status,
  };
  const modifiedDaysAgo = Math.max(0, issuedDaysAgo - r.int(0, 30));
  return kind === 'invoice'
    ? withDates(`inv-${pad(ctx.index)}`, modifiedDaysAgo, {
        invoiceNumber: `INV-${pad(ctx.index + 1)}`,
        customerRef: { id: ref('cus', ctx) },
        totalTaxAmount: taxAmount,
        ...common,
      })
    : withDates(`bill-${pad(ctx.index)}`, modifiedDaysAgo, {
        reference: `PO-${pad(ctx.index + 1)}`,
        supplierRef: { id: ref('sup', ctx) },
        taxAmount,
        ...common,
      });
}

function payment(ctx: RecordContext): SourceRecord {
  const r = ctx.random;
  const amount = r.money(50, 5000);
  const invoiceId = ref('inv', ctx);
  return withDates(`pay-${pad(ctx.index)}`, r.int(0, 720), {
    customerRef: { id: ref('cus', ctx) },
    accountRef: { id: 'acc-1200' },
    totalAmount: amount,
    currency: r.pick(CURRENCIES),
    currencyRate: 1,
    date: dateOnly(dayOffset(r.int(0, 720))),
    note: `Payment for ${invoiceId}`,
    lines: [{ amount, links: [{ type: 'Invoice', id: invoiceId, amount: -amount }] }],
  });
}

function account(ctx: RecordContext): SourceRecord {
  const r = ctx.random;
  const [code, name, type, category] = ACCOUNTS[ctx.index % ACCOUNTS.length]!;
  const series = Math.floor(ctx.index / ACCOUNTS.length);
  const nominalCode = series === 0 ? code : `${code}-${series}`;
  return withDates(`acc-${nominalCode}`, r.int(0, 720), {
    nominalCode,
    name: series === 0 ? name : `${name} ${series}`,
    description: `${name} (${type.toLowerCase()})`,
    fullyQualifiedCategory: category,
    fullyQualifiedName: `${category}.${name}`,
    type,
    status: 'Active',
    isBankAccount: code === '1200',
    currency: 'GBP',
  });
}

/** The data types the sandbox serves and how it makes each one's records. */
export const RECORD_FACTORIES = {
  customers: (ctx) => party('customer', ctx),
  suppliers: (ctx) => party('supplier', ctx),
  invoices: (ctx) => document('invoice', ctx),
  bills: (ctx) => document('bill', ctx),
  payments: payment,
  chartOfAccounts: account,
} satisfies Record<string, RecordFactory>;

export type SandboxDataType = keyof typeof RECORD_FACTORIES;

/** The data types the sandbox serves, in a stable order. */
export const SANDBOX_DATA_TYPES = Object.keys(RECORD_FACTORIES) as SandboxDataType[];

export function isSandboxDataType(value: string): value is SandboxDataType {
  return Object.hasOwn(RECORD_FACTORIES, value);
}

/**
 * The record at `index` of one data type of one seed: made on demand from the index alone, so that any page of
 * a data set of millions costs only its own records and nothing is kept in memory.
 */
export function sandboxRecord(seed: string, dataType: SandboxDataType, index: number, volume: number): SourceRecord {
  const random = createRandom(hashString(`${seed}/${dataType}`) ^ hashString(String(index)));
  return RECORD_FACTORIES[dataType]({ index, volume, random });
}
