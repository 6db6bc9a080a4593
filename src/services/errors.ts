// Failures that mean "the caller asked for something that cannot be done", in words the caller can act on.
// The API maps each class to an HTTP status; nothing here knows about HTTP.

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export class InvalidRequestError extends Error {
  override name = 'InvalidRequestError';
}

/** The request conflicts with the resource's state, e.g. cancelling a pull that has ended. */
export class ConflictError extends Error {
  override name = 'ConflictError';
}
