// What the AWS emulators record about each call, for assertions ("the driver retried twice").

export interface AwsRequestLogEntry {
  operation: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Region and key id from the SigV4 credential scope (undefined when unsigned). */
  region: string | undefined;
  accessKeyId: string | undefined;
  /** Parsed input: the JSON body (Secrets Manager) or path/query/XML values (Route 53). */
  input: unknown;
  /** HTTP status answered (0 while in flight). */
  status: number;
  /** The AWS error code when the call failed. */
  errorCode: string | undefined;
  /** The failure came from fault injection or the rate limiter, not from the API itself. */
  injected: boolean;
  requestId: string;
  at: string;
}

export function logEntry(
  partial: Pick<AwsRequestLogEntry, 'method' | 'path' | 'query' | 'requestId'>,
): AwsRequestLogEntry {
  return {
    ...partial,
    operation: 'unknown',
    region: undefined,
    accessKeyId: undefined,
    input: undefined,
    status: 0,
    errorCode: undefined,
    injected: false,
    at: new Date().toISOString(),
  };
}
