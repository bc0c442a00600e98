import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '../problem/problem.js';

/** Where the document and its browsable page are served (README, decision 0029). */
export const OPENAPI_JSON_PATH = 'api/openapi.json';
export const OPENAPI_DOCS_PATH = 'api/docs';

/**
 * The REST API's OpenAPI 3 document, generated from the controllers' decorators and the zod
 * schemas in schemas.ts. Only /api/v1: webhooks, setup and /admin/v1 (the CLI's, one shared
 * token) are not part of the public API.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Berth REST API')
    .setDescription(
      'Preview environments for platform tooling. Authenticate with `Authorization: Bearer <token>` ' +
        '(`berth token create`). Errors are RFC 9457 problem details; lists are cursor pages; ' +
        'actions take `Idempotency-Key`; each token is rate limited (429 with `Retry-After`).',
    )
    .setVersion('1')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'a `berth_…` API token' },
      'token',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controller, method) => method,
  });
  document.paths = Object.fromEntries(
    Object.entries(document.paths).filter(([path]) => path.startsWith('/api/v1/')),
  );
  problemContentType(document);
  return document;
}

/** Errors are served as `application/problem+json` (RFC 9457); say so in the document. */
function problemContentType(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as { responses?: Record<string, unknown> }[]) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const content = (response as { content?: Record<string, unknown> }).content;
        if (Number(status) >= 400 && content?.['application/json']) {
          content[PROBLEM_CONTENT_TYPE] = content['application/json'];
          delete content['application/json'];
        }
      }
    }
  }
}

/** Serves `/api/openapi.json` and the Swagger UI at `/api/docs`. */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup(OPENAPI_DOCS_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    yamlDocumentUrl: 'api/openapi.yaml',
  });
}
