/** What the https check reads of a request. */
interface MaybeSecureRequest {
  headers: Record<string, string | string[] | undefined>;
  secure?: boolean;
}

/** Behind a TLS-terminating proxy the request says https in X-Forwarded-Proto. */
export function isHttps(request: MaybeSecureRequest): boolean {
  const forwarded = request.headers['x-forwarded-proto'];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return request.secure === true || proto === 'https';
}
