// Webhooks end to end: consumers through the API, events published by the activity, deliveries made by the
// deliverWebhook workflow on the test's task queue to a real HTTP receiver on loopback, signatures verified
// both with the standardwebhooks library and independently with node:crypto.
import { createHmac, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createWebhookActivities } from '../activities/webhooks.js';
import type { PullOperation } from '../src/api/wire.js';
import type { DeliverWebhookInput, PublishEventResult, ReadCompletedData, WebhookEvent, WebhookRetryOptions } from '../src/domain/events.js';
import { webhookDeliveryWorkflowId } from '../src/domain/events.js';
import { connectWorker } from '../src/temporal/connection.js';
import type { deliverWebhook } from '../workflows/index.js';
import type { components } from './generated/sluice-api.js';
import { eventually, type Harness, startHarness, type Tenant } from './support/harness.js';
import type { publishForTest } from './support/webhook-workflows.js';

// The API's own shapes, from the generated OpenAPI types: a drift in them fails type-checking here.
type Consumer = components['schemas']['WebhookConsumer'] & { signingSecret?: string };
type Delivery = components['schemas']['WebhookDelivery'];

interface Page<T> {
  results: T[];
  totalResults: number;
}

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How a receiver path answers its n-th request (from 1): a status, or `hang` to never answer. */
type Plan = (n: number) => number | 'hang';

// Fast retries for tests: three attempts, 100 ms apart.
const FAST: Partial<WebhookRetryOptions> = { initialIntervalMs: 100, backoffCoefficient: 1, maximumIntervalMs: 100, maximumAttempts: 3, timeoutMs: 2_000 };

let h: Harness;
let other: Tenant;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
const plans = new Map<string, Plan>();
const activities = () => createWebhookActivities({ store: h.store });

beforeAll(async () => {
  h = await startHarness();
  other = await h.addTenant();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const n = received.filter((r) => r.path === path).length;
      const answer = (plans.get(path) ?? (() => 200))(n);
      if (answer === 'hang') return;
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : `receiver says no (${answer})`);
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
});
afterAll(async () => {
  receiver?.closeAllConnections();
  receiver?.close();
  await h?.close();
});

/** A receiver path of its own, answering as `plan` says. */
function hook(plan: Plan = () => 200): string {
  const path = `/hooks/${randomUUID()}`;
  plans.set(path, plan);
  return path;
}

const requestsTo = (path: string) => received.filter((r) => r.path === path);

async function createConsumer(path: string, eventTypes: string[] = ['read.completed'], tenant: Tenant = h.tenant): Promise<Consumer> {
  const res = await h.request<Consumer>('POST', '/webhooks/consumers', { apiKey: tenant.apiKey, body: { url: `${receiverUrl}${path}`, eventTypes } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const deliveriesOf = (consumerId: string, tenant: Tenant = h.tenant) =>
  h.request<Page<Delivery>>('GET', `/webhooks/consumers/${consumerId}/deliveries`, { apiKey: tenant.apiKey });

let completedPull: PullOperation | undefined;
/** One completed pull of the main tenant's invoices (120 sandbox records), made once. */
async function aCompletedPull(): Promise<PullOperation> {
  if (completedPull) return completedPull;
  const queued = await h.request<PullOperation>('POST', `/companies/${h.tenant.companyId}/data/queue/invoices`);
  expect(queued.status).toBe(200);
  const ended = await eventually(
    () => h.request<PullOperation>('GET', `/companies/${h.tenant.companyId}/data/history/${queued.body.id}`),
    (r) => r.body.status === 'Complete',
  );
  completedPull = ended.body;
  return completedPull;
}

/** Publishes read.completed for the completed pull, as a workflow's publish() does, and returns the deliveries. */
async function publishReadCompleted(eventId = randomUUID()) {
  const pull = await aCompletedPull();
  return activities().publishEvent({ type: 'read.completed', clientId: h.tenant.clientId, datasetId: pull.id, eventId });
}

/** Runs the delivery workflow for a delivery, as publish() starts it, with fast retries. */
function deliver(deliveryId: string, retry: Partial<WebhookRetryOptions> = FAST) {
  return h.temporal.workflow.start<typeof deliverWebhook>('deliverWebhook', {
    taskQueue: h.taskQueue,
    workflowId: webhookDeliveryWorkflowId(deliveryId),
    args: [{ deliveryId, retry } satisfies DeliverWebhookInput],
  });
}

/** Checks the signature of a request independently of the library: HMAC-SHA256 over "{id}.{timestamp}.{body}". */
function expectSignedBy(secret: string, request: Received) {
  const id = String(request.headers['webhook-id']);
  const timestamp = String(request.headers['webhook-timestamp']);
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest('base64');
  expect(String(request.headers['webhook-signature']).split(' ')).toContain(`v1,${expected}`);
  // And as a receiver would, with the Standard Webhooks library (which also checks the timestamp is recent).
  expect(new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).toEqual(JSON.parse(request.body));
}

describe('webhook consumers', () => {
  it('are created, listed, read and deleted, showing the signing secret only when created', async () => {
    const path = hook();
    const created = await createConsumer(path, ['read.completed', 'company.refresh.completed']);
    expect(created).toMatchObject({ url: `${receiverUrl}${path}`, eventTypes: ['read.completed', 'company.refresh.completed'], disabled: false });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.signingSecret!.slice(6), 'base64')).toHaveLength(32);

    const got = await h.request<Consumer>('GET', `/webhooks/consumers/${created.id}`);
    expect(got.status).toBe(200);
    const { signingSecret: _secret, ...shown } = created;
    expect(got.body).toEqual(shown);
    const list = await h.request<Page<Consumer>>('GET', '/webhooks/consumers?pageSize=100');
    expect(list.status).toBe(200);
    expect(list.body.results).toContainEqual(shown);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');

    expect((await h.request('DELETE', `/webhooks/consumers/${created.id}`)).status).toBe(204);
    expect((await h.request('GET', `/webhooks/consumers/${created.id}`)).status).toBe(404);
    expect((await h.request('DELETE', `/webhooks/consumers/${created.id}`)).status).toBe(404);
    expect((await deliveriesOf(created.id)).status).toBe(404);
  });

  it('refuse a URL that is not http(s) and event types that are empty or unknown, saying why', async () => {
    const post = (body: unknown) => h.request<{ error: string; validation: { errors: { itemId: string }[] } }>('POST', '/webhooks/consumers', { body });
    const bad = [
      [{ url: 'ftp://example.com/hook', eventTypes: ['read.completed'] }, 'body.url: must be an http or https URL'],
      [{ url: 'not a url', eventTypes: ['read.completed'] }, 'body.url: must be an http or https URL'],
      [{ eventTypes: ['read.completed'] }, 'body.url'],
      [{ url: 'https://example.com/hook', eventTypes: [] }, 'body.eventTypes: must name at least one event type'],
      [{ url: 'https://example.com/hook' }, 'body.eventTypes'],
      [
        { url: 'https://example.com/hook', eventTypes: ['read.completed', 'pull.started'] },
        'body.eventTypes.1: Invalid event type "pull.started". Valid event types are: read.completed, company.refresh.completed, connection.refresh.completed',
      ],
    ] as const;
    for (const [body, message] of bad) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toContain(message);
    }
  });

  it("are the client's own: another client neither sees nor deletes them, nor their deliveries", async () => {
    const mine = await createConsumer(hook());
    const theirs = await createConsumer(hook(), ['read.completed'], other);
    const { deliveryIds } = await publishReadCompleted();
    expect(deliveryIds.length).toBeGreaterThan(0);

    const asOther = { apiKey: other.apiKey };
    expect((await h.request('GET', `/webhooks/consumers/${mine.id}`, asOther)).status).toBe(404);
    expect((await h.request('DELETE', `/webhooks/consumers/${mine.id}`, asOther)).status).toBe(404);
    expect((await h.request('GET', `/webhooks/consumers/${mine.id}/deliveries`, asOther)).status).toBe(404);
    for (const id of deliveryIds) expect((await h.request('POST', `/webhooks/deliveries/${id}/retry`, asOther)).status).toBe(404);
    const theirList = await h.request<Page<Consumer>>('GET', '/webhooks/consumers', asOther);
    expect(theirList.body.results.map((c) => c.id)).toEqual([theirs.id]);
    // Their consumer got nothing of this client's event, and this client's list does not show it.
    expect((await deliveriesOf(theirs.id, other)).body.totalResults).toBe(0);
    const myList = await h.request<Page<Consumer>>('GET', '/webhooks/consumers?pageSize=1000');
    expect(myList.body.results.map((c) => c.id)).not.toContain(theirs.id);
    expect((await h.request('GET', `/webhooks/consumers/${mine.id}`)).status).toBe(200);
  });
});

describe('webhook deliveries', () => {
  it('deliver read.completed signed with the Standard Webhooks headers, the body being the event', async () => {
    const path = hook();
    const consumer = await createConsumer(path);
    const notSubscribed = await createConsumer(hook(), ['company.refresh.completed']);
    const pull = await aCompletedPull();
    const eventId = randomUUID();
    const published = await publishReadCompleted(eventId);
    const mine = (await deliveriesOf(consumer.id)).body.results;
    expect(mine).toHaveLength(1);
    expect(published.deliveryIds).toContain(mine[0]!.id);
    expect((await deliveriesOf(notSubscribed.id)).body.totalResults).toBe(0);
    // Publishing the same event again (a retried activity) adds nothing.
    const again = await publishReadCompleted(eventId);
    expect(again.deliveryIds).toEqual(published.deliveryIds);
    expect((await deliveriesOf(consumer.id)).body.totalResults).toBe(1);

    const before = Math.floor(Date.now() / 1000);
    expect(await (await deliver(mine[0]!.id)).result()).toEqual({ deliveryId: mine[0]!.id, status: 'delivered', attempts: 1 });
    const [request, ...more] = requestsTo(path);
    expect(more).toEqual([]);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['webhook-id']).toBe(eventId);
    expect(Number(request!.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(before);
    expect(Number(request!.headers['webhook-timestamp'])).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expectSignedBy(consumer.signingSecret!, request!);
    // A wrong secret does not verify.
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(request!.body, request!.headers as Record<string, string>)).toThrow();

    const event = JSON.parse(request!.body) as WebhookEvent<'read.completed'>;
    expect(event).toEqual({
      id: eventId,
      type: 'read.completed',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      clientId: h.tenant.clientId,
      data: {
        companyId: h.tenant.companyId,
        connectionId: h.tenant.connectionId,
        dataType: 'invoices',
        datasetId: pull.id,
        status: 'Complete',
        recordsModified: true,
        counts: { fetched: 120, created: 120, updated: 0, deleted: 0 },
      } satisfies ReadCompletedData,
    });

    const [delivery] = (await deliveriesOf(consumer.id)).body.results;
    expect(delivery).toMatchObject({ eventId, eventType: 'read.completed', status: 'delivered', attemptCount: 1, lastStatusCode: 200 });
    expect(delivery!.delivered).toBeDefined();
    expect(delivery!.attempts).toEqual([{ attempt: 1, timestamp: delivery!.delivered, statusCode: 200, durationMs: expect.any(Number) }]);
  });

  it('retry after the receiver fails: 500 twice, then delivered on attempt 3, each attempt listed', async () => {
    const path = hook((n) => (n <= 2 ? 500 : 204));
    const consumer = await createConsumer(path);
    await publishReadCompleted();
    const [pending] = (await deliveriesOf(consumer.id)).body.results;
    expect(pending).toMatchObject({ status: 'pending', attemptCount: 0, attempts: [] });

    expect(await (await deliver(pending!.id)).result()).toMatchObject({ status: 'delivered', attempts: 3 });
    const requests = requestsTo(path);
    expect(requests).toHaveLength(3);
    // Every attempt carries the same webhook-id, so receivers can deduplicate, and a valid signature.
    expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([pending!.eventId]));
    for (const request of requests) expectSignedBy(consumer.signingSecret!, request);

    const [delivery] = (await deliveriesOf(consumer.id)).body.results;
    expect(delivery).toMatchObject({ status: 'delivered', attemptCount: 3, lastStatusCode: 204 });
    expect(delivery!.nextAttempt).toBeUndefined();
    expect(delivery!.lastError).toBeUndefined();
    expect(delivery!.attempts.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 204],
    ]);
    expect(delivery!.attempts[0]!.error).toBe('The receiver answered 500 Internal Server Error: receiver says no (500)');
  });

  it('fail after the last attempt when the receiver always fails, and deliver when retried later', async () => {
    let up = false;
    const path = hook(() => (up ? 200 : 503));
    const consumer = await createConsumer(path);
    await publishReadCompleted();
    const [pending] = (await deliveriesOf(consumer.id)).body.results;

    // While attempts remain, the delivery says when the next one is due.
    const handle = await deliver(pending!.id, { ...FAST, initialIntervalMs: 1_000, maximumIntervalMs: 1_000 });
    const retrying = await eventually(() => deliveriesOf(consumer.id), (r) => r.body.results[0]!.attemptCount === 1);
    expect(retrying.body.results[0]).toMatchObject({ status: 'pending', lastStatusCode: 503 });
    expect(Date.parse(retrying.body.results[0]!.nextAttempt!)).toBeGreaterThan(Date.now());

    const failure = await handle.result().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(String((failure as { cause?: unknown })?.cause)).toContain('Attempt 3 failed: The receiver answered 503');
    const [failed] = (await deliveriesOf(consumer.id)).body.results;
    expect(failed).toMatchObject({ status: 'failed', attemptCount: 3, lastStatusCode: 503 });
    expect(failed!.nextAttempt).toBeUndefined();
    expect(failed!.attempts.map((a) => a.statusCode)).toEqual([503, 503, 503]);
    expect(requestsTo(path)).toHaveLength(3);

    // The receiver is back: a retry through the API delivers it, numbering its attempts on from the earlier ones.
    up = true;
    const retried = await h.request<Delivery>('POST', `/webhooks/deliveries/${failed!.id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: failed!.id, status: 'pending' });
    const delivered = await eventually(() => deliveriesOf(consumer.id), (r) => r.body.results[0]!.status === 'delivered');
    expect(delivered.body.results[0]).toMatchObject({ attemptCount: 4, lastStatusCode: 200 });
    expect(delivered.body.results[0]!.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    // Nothing left to retry.
    const conflict = await h.request<{ error: string }>('POST', `/webhooks/deliveries/${failed!.id}/retry`);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toContain('nothing to retry');
    expect((await h.request('POST', `/webhooks/deliveries/${randomUUID()}/retry`)).status).toBe(404);
  });

  it('record a receiver that does not answer in time as a failed attempt', async () => {
    const path = hook(() => 'hang');
    const consumer = await createConsumer(path);
    await publishReadCompleted();
    const [pending] = (await deliveriesOf(consumer.id)).body.results;
    await (await deliver(pending!.id, { ...FAST, maximumAttempts: 1, timeoutMs: 300 })).result().catch(() => undefined);
    const [failed] = (await deliveriesOf(consumer.id)).body.results;
    expect(failed).toMatchObject({ status: 'failed', attemptCount: 1, lastError: 'The receiver did not answer within 0.3 s' });
    expect(failed!.attempts[0]!.statusCode).toBeUndefined();
    expect(failed!.attempts[0]!.durationMs).toBeGreaterThanOrEqual(250);
  });

  it('stop at 410 Gone: the consumer is disabled, gets no more deliveries, and its delivery cannot be retried', async () => {
    const path = hook(() => 410);
    const consumer = await createConsumer(path);
    await publishReadCompleted();
    const [pending] = (await deliveriesOf(consumer.id)).body.results;
    await (await deliver(pending!.id)).result().catch(() => undefined);
    expect(requestsTo(path)).toHaveLength(1);
    const [failed] = (await deliveriesOf(consumer.id)).body.results;
    expect(failed).toMatchObject({ status: 'failed', attemptCount: 1, lastStatusCode: 410 });
    const disabled = await h.request<Consumer>('GET', `/webhooks/consumers/${consumer.id}`);
    expect(disabled.body).toMatchObject({ disabled: true, disabledReason: expect.stringContaining('410 Gone') });

    const next = await publishReadCompleted();
    const deliveries = (await deliveriesOf(consumer.id)).body;
    expect(deliveries.totalResults).toBe(1);
    expect(next.deliveryIds).not.toContain(failed!.id);
    const retry = await h.request<{ error: string }>('POST', `/webhooks/deliveries/${failed!.id}/retry`);
    expect(retry.status).toBe(409);
    expect(retry.body.error).toContain('is disabled');
  });
});

describe('events from refreshes', () => {
  /** The events a receiver path got, parsed, once `count` have arrived. */
  const eventsAt = async (path: string, count: number) => {
    const requests = await eventually(
      async () => requestsTo(path),
      (requests) => requests.length >= count,
    );
    return requests.map((request) => JSON.parse(request.body) as WebhookEvent);
  };

  it('a pull that ends delivers read.completed to the subscribed consumer', async () => {
    const tenant = await h.addTenant({ recordsPerDataType: 30, pageSize: 10 });
    const path = hook();
    const consumer = await createConsumer(path, ['read.completed'], tenant);
    const queued = await h.request<PullOperation>('POST', `/companies/${tenant.companyId}/data/queue/customers`, { apiKey: tenant.apiKey });
    expect(queued.status).toBe(200);
    const [event] = await eventsAt(path, 1);
    expectSignedBy(consumer.signingSecret!, requestsTo(path)[0]!);
    expect(event).toMatchObject({
      type: 'read.completed',
      clientId: tenant.clientId,
      data: {
        companyId: tenant.companyId,
        connectionId: tenant.connectionId,
        dataType: 'customers',
        datasetId: queued.body.id,
        status: 'Complete',
        recordsModified: true,
        counts: { fetched: 30, created: 30, updated: 0, deleted: 0 },
      },
    });
    const delivered = await eventually(() => deliveriesOf(consumer.id, tenant), (r) => r.body.results[0]?.status === 'delivered');
    expect(delivered.body.results).toHaveLength(1);

    // The same data again: the pull reads it (incrementally) but modifies nothing.
    const again = await h.request<PullOperation>('POST', `/companies/${tenant.companyId}/data/queue/customers`, { apiKey: tenant.apiKey });
    const second = (await eventsAt(path, 2)).find((e) => (e.data as ReadCompletedData).datasetId === again.body.id);
    expect(second?.data).toMatchObject({ status: 'Complete', recordsModified: false, counts: { created: 0, updated: 0, deleted: 0 } });
  });

  it('a company refresh and a connection refresh end with company.refresh.completed and connection.refresh.completed', async () => {
    const tenant = await h.addTenant({ recordsPerDataType: 10, pageSize: 10 });
    const companyPath = hook();
    const connectionPath = hook();
    await createConsumer(companyPath, ['company.refresh.completed'], tenant);
    await createConsumer(connectionPath, ['connection.refresh.completed'], tenant);

    // Every type the sandbox connection offers, as the default sync settings fetch them all on first link.
    expect((await h.request('POST', `/companies/${tenant.companyId}/data/all`, { apiKey: tenant.apiKey })).status).toBe(204);
    const [company] = await eventsAt(companyPath, 1);
    expect(company).toMatchObject({ type: 'company.refresh.completed', clientId: tenant.clientId, data: { companyId: tenant.companyId, recordsModified: true } });
    const companyData = company!.data as { summary: string; outcomes: { dataType: string; status: string; datasetId: string; counts: object }[] };
    expect(companyData.summary).toEqual(expect.any(String));
    expect(companyData.outcomes.map((o) => o.dataType).sort()).toEqual(['bills', 'chartOfAccounts', 'customers', 'invoices', 'payments', 'suppliers']);
    for (const outcome of companyData.outcomes) {
      expect(outcome).toMatchObject({ connectionId: tenant.connectionId, status: 'Complete', recordsModified: true, counts: { fetched: 10, created: 10 } });
      expect(outcome.datasetId).toMatch(/^[0-9a-f-]{36}$/);
    }

    const job = await h.request<{ body: { jobId: string } }>('POST', `/api/v1/connections/${tenant.connectionId}/refresh`, { apiKey: tenant.apiKey, body: {} });
    expect(job.status).toBe(200);
    const [connection] = await eventsAt(connectionPath, 1);
    expect(connection).toMatchObject({
      type: 'connection.refresh.completed',
      data: { companyId: tenant.companyId, connectionId: tenant.connectionId, jobId: job.body.body.jobId },
    });
    const outcomes = (connection!.data as { outcomes: { dataType: string; status: string }[] }).outcomes;
    expect(outcomes).toHaveLength(6);
    // The data is as the company refresh left it: read again, modifying nothing.
    expect(outcomes.every((o) => o.status === 'Complete')).toBe(true);
    expect(connection!.data).toMatchObject({ recordsModified: false });
    // Only the subscribed types arrive: the pulls' own read.completed events went nowhere here.
    expect(requestsTo(companyPath)).toHaveLength(1);
    expect(requestsTo(connectionPath)).toHaveLength(1);
  });
});

describe('publish() in workflow code', () => {
  it('stores the event with a delivery per consumer, delivered by an abandoned child that outlives the publishing workflow', async () => {
    // A worker of its own for the test-only workflow that calls publish(), with only the webhook activities.
    const taskQueue = `webhooks-${randomUUID()}`;
    const connection = await connectWorker({ address: inject('temporalAddress'), namespace: 'default' });
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./support/webhook-workflows.ts', import.meta.url)),
      activities: createWebhookActivities({ store: h.store, webhooks: FAST }),
    });
    const running = worker.run();
    try {
      let calls = 0;
      const path = hook(() => (++calls === 1 ? 500 : 200));
      const consumer = await createConsumer(path);
      const pull = await aCompletedPull();
      const published = (await h.temporal.workflow.execute<typeof publishForTest>('publishForTest', {
        taskQueue,
        workflowId: `publish-test/${randomUUID()}`,
        args: [{ type: 'read.completed', clientId: h.tenant.clientId, datasetId: pull.id }],
      })) as PublishEventResult;
      // The publishing workflow has completed; the delivery goes on without it, retried after the 500.
      const [mine] = (await deliveriesOf(consumer.id)).body.results;
      expect(published.deliveryIds).toContain(mine!.id);
      expect(published.retry).toMatchObject(FAST);
      const child = h.temporal.workflow.getHandle(webhookDeliveryWorkflowId(mine!.id));
      expect(await child.result()).toMatchObject({ status: 'delivered', attempts: 2 });
      const requests = requestsTo(path);
      expect(requests).toHaveLength(2);
      expect(requests[0]!.headers['webhook-id']).toBe(published.eventId);
      expectSignedBy(consumer.signingSecret!, requests[1]!);
      expect(JSON.parse(requests[1]!.body)).toMatchObject({ id: published.eventId, type: 'read.completed', data: { datasetId: pull.id } });
      expect((await child.describe()).parentExecution).toBeDefined();
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
    }
  });
});
