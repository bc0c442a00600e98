// The little XML S3 answers with: no attributes beyond the namespace, escaped text.
import type { ServerResponse } from 'node:http';
import type { S3Error } from './errors.js';

export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export const el = (name: string, text: string | number | boolean): string =>
  `<${name}>${escapeXml(String(text))}</${name}>`;

export function sendXml(
  res: ServerResponse,
  status: number,
  body: string,
  requestId: string,
): void {
  const payload = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`, 'utf8');
  res
    .writeHead(status, {
      'content-type': 'application/xml',
      'content-length': payload.length,
      'x-amz-request-id': requestId,
    })
    .end(payload);
}

/** HEAD answers carry no body, as on S3 (the SDK then names the error after the status). */
export function sendError(
  res: ServerResponse,
  error: S3Error,
  requestId: string,
  head: boolean,
): void {
  if (head) {
    res.writeHead(error.status, { 'x-amz-request-id': requestId }).end();
    return;
  }
  const extra = Object.entries(error.extra)
    .map(([k, v]) => el(k, v))
    .join('');
  sendXml(
    res,
    error.status,
    `<Error>${el('Code', error.code)}${el('Message', error.message)}${extra}${el('RequestId', requestId)}</Error>`,
    requestId,
  );
}
