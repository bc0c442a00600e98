import { describe, expect, it } from 'vitest';
import { createDockerClient, describeEndpoint, parseDockerHost } from './docker-client.js';

describe('parseDockerHost', () => {
  it.each([
    ['unix:///var/run/docker.sock', { socketPath: '/var/run/docker.sock' }],
    ['tcp://10.0.0.5:2375', { protocol: 'http', host: '10.0.0.5', port: '2375' }],
    ['tcp://docker', { protocol: 'http', host: 'docker', port: '2375' }],
  ])('%s', (input, expected) => {
    expect(parseDockerHost(input)).toEqual(expected);
  });

  it('explains a bad value', () => {
    expect(() => parseDockerHost('docker.sock')).toThrow(/is not a URL: use unix:\/\//);
    expect(() => parseDockerHost('ssh://host')).toThrow(/unsupported scheme ssh:/);
  });

  it('describes the endpoint the client will use', () => {
    expect(describeEndpoint(createDockerClient({ dockerHost: 'tcp://127.0.0.1:1' }))).toBe(
      'tcp://127.0.0.1:1',
    );
    expect(describeEndpoint(createDockerClient({ dockerHost: 'unix:///tmp/d.sock' }))).toBe(
      'unix:///tmp/d.sock',
    );
  });
});
