// The webhook API's wire models: consumers a client registers and the deliveries made to them.
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '../../domain/events.js';
import { pagedSchema } from './models.js';

const uuid = (description: string) => z.string().meta({ description, format: 'uuid', example: '8a210b68-6988-11ed-a1eb-0242ac120002' });
const dateTime = (description: string) => z.string().meta({ description, format: 'date-time', example: '2022-11-14T11:18:37.279Z' });

export const WebhookEventTypeSchema = z
  .enum(WEBHOOK_EVENT_TYPES, {
    error: (issue) => `Invalid event type "${String(issue.input)}". Valid event types are: ${WEBHOOK_EVENT_TYPES.join(', ')}`,
  })
  .meta({
    id: 'WebhookEventType',
    description:
      'read.completed: a pull of one data type ended; company.refresh.completed and connection.refresh.completed: a refresh of several data types ended',
  });

export const CreateWebhookConsumerSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
      .max(2048)
      .meta({ description: 'Where events are POSTed', example: 'https://example.com/webhooks/sluice' }),
    eventTypes: z.array(WebhookEventTypeSchema).min(1, 'must name at least one event type').meta({ description: 'The events to send' }),
  })
  .meta({ id: 'WebhookConsumerPrototype' });

export const WebhookConsumerSchema = z
  .object({
    id: uuid('Unique identifier of the webhook consumer'),
    url: z.string().meta({ description: 'Where events are POSTed' }),
    eventTypes: z.array(z.string()).meta({ description: 'The events sent to it' }),
    disabled: z.boolean().meta({ description: 'True once disabled (its receiver answered 410 Gone): nothing more is sent to it' }),
    disabledReason: z.string().optional(),
    created: dateTime('When the consumer was registered'),
  })
  .meta({ id: 'WebhookConsumer' });

export const WebhookConsumersSchema = pagedSchema(WebhookConsumerSchema, 'WebhookConsumers');

export const CreatedWebhookConsumerSchema = WebhookConsumerSchema.extend({
  signingSecret: z.string().meta({
    description:
      'Shown only now: the Standard Webhooks secret (whsec_ + base64 key) that signs every delivery. Verify the webhook-signature header with it',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  }),
}).meta({ id: 'CreatedWebhookConsumer' });

export const WebhookDeliveryAttemptSchema = z
  .object({
    attempt: z.number().int().min(1),
    timestamp: dateTime('When the attempt ended'),
    statusCode: z.number().int().optional().meta({ description: "The receiver's HTTP status; absent when it gave none (refused, timed out)" }),
    error: z.string().optional().meta({ description: 'Why the attempt failed' }),
    durationMs: z.number().int().min(0),
  })
  .meta({ id: 'WebhookDeliveryAttempt' });

export const WebhookDeliverySchema = z
  .object({
    id: uuid('Unique identifier of the delivery'),
    consumerId: uuid('The consumer it is for'),
    eventId: uuid('The event delivered: also the webhook-id header, the same on every attempt'),
    eventType: z.string().meta({ example: 'read.completed' }),
    status: z.enum(['pending', 'delivered', 'failed']).meta({ description: 'pending while attempts remain; failed once they are spent or the receiver answered 410' }),
    attemptCount: z.number().int().min(0),
    nextAttempt: dateTime('While pending after a failed attempt: when the next is due').optional(),
    lastStatusCode: z.number().int().optional(),
    lastError: z.string().optional(),
    delivered: dateTime('When a 2xx answer was received').optional(),
    created: dateTime('When the event was published'),
    attempts: z.array(WebhookDeliveryAttemptSchema).meta({ description: 'Every attempt, oldest first' }),
  })
  .meta({ id: 'WebhookDelivery' });

export const WebhookDeliveriesSchema = pagedSchema(WebhookDeliverySchema, 'WebhookDeliveries');

export const PageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1).meta({ description: 'Page number, from 1' }),
  pageSize: z.coerce.number().int().min(1).max(1000).default(100).meta({ description: 'Results per page, at most 1000' }),
});
