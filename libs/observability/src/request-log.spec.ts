import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { requestWithoutSecrets, urlWithoutSecrets } from './request-log.js';

describe('request log lines', () => {
  it('blank the values of credential query parameters and keep the rest', () => {
    expect(
      urlWithoutSecrets(
        '/api/console/session/oidc/callback?code=abc&state=xyz&iss=http%3A%2F%2Fidp',
      ),
    ).toBe(
      '/api/console/session/oidc/callback?code=[redacted]&state=[redacted]&iss=http%3A%2F%2Fidp',
    );
    expect(urlWithoutSecrets('/?berth_token=eyJ.sig&page=2')).toBe(
      '/?berth_token=[redacted]&page=2',
    );
    expect(urlWithoutSecrets('/orders?page=2')).toBe('/orders?page=2');
    expect(urlWithoutSecrets('/plain')).toBe('/plain');
  });

  it('never write a share token or an OAuth code through a logger using the serializer', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ serializers: { req: requestWithoutSecrets } }, sink);
    logger.info(
      {
        req: {
          method: 'GET',
          url: '/cb?code=c0de-SECRET&berth_token=t0ken-SECRET',
          query: { code: 'c0de-SECRET', berth_token: 't0ken-SECRET', page: '2' },
        },
      },
      'request completed',
    );
    const [line] = lines;
    expect(line).not.toContain('SECRET');
    expect(JSON.parse(line ?? '{}').req).toMatchObject({
      url: '/cb?code=[redacted]&berth_token=[redacted]',
      query: { code: '[redacted]', berth_token: '[redacted]', page: '2' },
    });
  });
});
