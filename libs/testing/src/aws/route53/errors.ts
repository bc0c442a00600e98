// Route 53's errors: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>` with
// the HTTP status each has in the API reference.

export class Route53Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

export const noSuchHostedZone = (id: string): Route53Error =>
  new Route53Error('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404);

export const noSuchChange = (id: string): Route53Error =>
  new Route53Error(
    'NoSuchChange',
    `A change with the specified change ID does not exist: ${id}`,
    404,
  );

export const invalidInput = (message: string): Route53Error =>
  new Route53Error('InvalidInput', message);

/**
 * Route 53 now answers InvalidChangeBatch in the standard error document, its messages joined
 * in one bracketed Message (the old `<InvalidChangeBatch><Messages>` root is gone).
 */
export const invalidChangeBatch = (messages: string[]): Route53Error =>
  new Route53Error('InvalidChangeBatch', `[${messages.join(', ')}]`);

export const hostedZoneAlreadyExists = (callerReference: string): Route53Error =>
  new Route53Error(
    'HostedZoneAlreadyExists',
    `A hosted zone has already been created with the specified caller reference: ${callerReference}`,
    409,
  );

export const hostedZoneNotEmpty = (): Route53Error =>
  new Route53Error(
    'HostedZoneNotEmpty',
    'The specified hosted zone contains non-required resource record sets and so cannot be deleted.',
  );

export const throttling = (): Route53Error => new Route53Error('Throttling', 'Rate exceeded');

export const priorRequestNotComplete = (): Route53Error =>
  new Route53Error(
    'PriorRequestNotComplete',
    'The request was rejected because Route 53 was still processing a prior request.',
  );

export const missingAuthenticationToken = (): Route53Error =>
  new Route53Error('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);

export const incompleteSignature = (message: string): Route53Error =>
  new Route53Error('IncompleteSignature', message);

export const invalidAction = (method: string, path: string): Route53Error =>
  new Route53Error(
    'InvalidAction',
    `The action or operation requested is invalid: ${method} ${path}`,
  );

export function serverFault(status: number): Route53Error {
  if (status === 503) {
    return new Route53Error(
      'ServiceUnavailable',
      'The request has failed due to a temporary failure of the server.',
      503,
      'Receiver',
    );
  }
  return new Route53Error(
    'InternalFailure',
    'The request processing has failed because of an unknown error, exception or failure.',
    status,
    'Receiver',
  );
}
