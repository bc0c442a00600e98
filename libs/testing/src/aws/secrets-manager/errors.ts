// Secrets Manager's errors, with the codes, statuses and messages AWS answers.
import { SecretsManagerError } from './protocol.js';

export const secretNotFound = (): SecretsManagerError =>
  new SecretsManagerError(
    'ResourceNotFoundException',
    "Secrets Manager can't find the specified secret.",
  );

export const secretValueNotFound = (label: string): SecretsManagerError =>
  new SecretsManagerError(
    'ResourceNotFoundException',
    `Secrets Manager can't find the specified secret value for staging label: ${label}`,
  );

export const versionNotFound = (versionId: string): SecretsManagerError =>
  new SecretsManagerError(
    'ResourceNotFoundException',
    `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`,
  );

export const markedForDeletion = (): SecretsManagerError =>
  new SecretsManagerError(
    'InvalidRequestException',
    "You can't perform this operation on the secret because it was marked for deletion.",
  );

export const nameScheduledForDeletion = (): SecretsManagerError =>
  new SecretsManagerError(
    'InvalidRequestException',
    "You can't create this secret because a secret with this name is already scheduled for deletion.",
  );

export const secretExists = (name: string): SecretsManagerError =>
  new SecretsManagerError(
    'ResourceExistsException',
    `The operation failed because the secret ${name} already exists.`,
  );

export const versionExists = (): SecretsManagerError =>
  new SecretsManagerError(
    'ResourceExistsException',
    'A resource with the ID you requested already exists.',
  );

export const invalidParameter = (message: string): SecretsManagerError =>
  new SecretsManagerError('InvalidParameterException', message);

export const invalidRequest = (message: string): SecretsManagerError =>
  new SecretsManagerError('InvalidRequestException', message);

export const invalidNextToken = (): SecretsManagerError =>
  new SecretsManagerError('InvalidNextTokenException', 'The NextToken value is invalid.');

/** The front end's input validation (not a modelled exception, so lowercase `message`). */
export const validationError = (detail: string): SecretsManagerError =>
  new SecretsManagerError(
    'ValidationException',
    `1 validation error detected: ${detail}`,
    400,
    'message',
  );

// --- AWS-wide errors (CommonErrors) ---------------------------------------------------------

export const missingAuthenticationToken = (): SecretsManagerError =>
  new SecretsManagerError(
    'MissingAuthenticationTokenException',
    'Missing Authentication Token',
    400,
    'message',
  );

export const incompleteSignature = (message: string): SecretsManagerError =>
  new SecretsManagerError('IncompleteSignatureException', message, 400, 'message');

export const unknownOperation = (): SecretsManagerError =>
  new SecretsManagerError('UnknownOperationException', 'Unknown operation', 400, 'message');

export const throttling = (): SecretsManagerError =>
  new SecretsManagerError('ThrottlingException', 'Rate exceeded', 400, 'message');

export function serverFault(status: number): SecretsManagerError {
  if (status === 503) {
    return new SecretsManagerError(
      'ServiceUnavailable',
      'The request has failed due to a temporary failure of the server.',
      503,
      'message',
    );
  }
  return new SecretsManagerError(
    'InternalFailure',
    'The request processing has failed because of an unknown error, exception or failure.',
    status,
    'message',
  );
}
