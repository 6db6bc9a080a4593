// The custom search attributes every Sluice workflow carries, so that operators filter runs in the Web UI
// (`CompanyId="..."`). Pure definitions: workflow code imports this module too.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CompanyId = defineSearchAttributeKey('CompanyId', SearchAttributeType.KEYWORD);
export const ConnectionId = defineSearchAttributeKey('ConnectionId', SearchAttributeType.KEYWORD);
export const DataType = defineSearchAttributeKey('DataType', SearchAttributeType.KEYWORD);
export const PullStatus = defineSearchAttributeKey('PullStatus', SearchAttributeType.KEYWORD);
export const RefreshKind = defineSearchAttributeKey('RefreshKind', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [CompanyId, ConnectionId, DataType, PullStatus, RefreshKind] as const;
