// S3's errors: `<Error><Code/><Message/><Key|BucketName/><RequestId/></Error>` with the HTTP
// status each has in the API reference.

export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const noSuchBucket = (bucket: string): S3Error =>
  new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket });

export const noSuchKey = (key: string): S3Error =>
  new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });

export const bucketNotEmpty = (bucket: string): S3Error =>
  new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, {
    BucketName: bucket,
  });

export const bucketAlreadyOwnedByYou = (bucket: string): S3Error =>
  new S3Error(
    'BucketAlreadyOwnedByYou',
    'Your previous request to create the named bucket succeeded and you already own it.',
    409,
    { BucketName: bucket },
  );

export const accessDenied = (): S3Error => new S3Error('AccessDenied', 'Access Denied', 403);

export const invalidRange = (): S3Error =>
  new S3Error('InvalidRange', 'The requested range is not satisfiable', 416);

export const notImplemented = (method: string, path: string): S3Error =>
  new S3Error(
    'NotImplemented',
    `A header or query you provided implies functionality that is not implemented: ${method} ${path}`,
    501,
  );

export const slowDown = (): S3Error =>
  new S3Error('SlowDown', 'Please reduce your request rate.', 503);

export function serverFault(status: number): S3Error {
  if (status === 503) {
    return new S3Error('ServiceUnavailable', 'Service is unable to handle request.', 503);
  }
  return new S3Error(
    'InternalError',
    'We encountered an internal error. Please try again.',
    status,
  );
}
