import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

export interface TemporalTarget {
  address: string;
  namespace: string;
}

/** A client for starting and inspecting workflows (the API side). */
export async function connectClient({ address, namespace }: TemporalTarget): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
}

/** The connection a worker polls with. */
export function connectWorker({ address }: TemporalTarget): Promise<NativeConnection> {
  return NativeConnection.connect({ address });
}
