// Writing REST-XML answers: documents with `x-amzn-RequestId`, and the standard error document.
import type { ServerResponse } from 'node:http';
import type { Route53Error } from './errors.js';
import { xmlDocument, type XmlInput } from './xml.js';

export function sendXml(
  res: ServerResponse,
  status: number,
  root: string,
  content: Record<string, XmlInput>,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  const body = xmlDocument(root, content);
  res.writeHead(status, {
    ...headers,
    'x-amzn-requestid': requestId,
    'content-type': 'text/xml',
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

export function sendError(res: ServerResponse, error: Route53Error, requestId: string): void {
  sendXml(
    res,
    error.status,
    'ErrorResponse',
    {
      Error: { Type: error.type, Code: error.code, Message: error.message },
      RequestId: requestId,
    },
    requestId,
  );
}
