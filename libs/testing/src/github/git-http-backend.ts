// Serves git's smart HTTP protocol by running git-http-backend as a CGI program, the same
// binary Apache/nginx front-ends use. Authentication happens before this is called.
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isolatedGitEnv } from './git.js';

export const GIT_HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

/** `/owner/repo(.git)/<git service path>` → its parts, or undefined for non-git paths. */
export function parseGitPath(
  path: string,
): { owner: string; repo: string; rest: string } | undefined {
  const match =
    /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/.+)$/.exec(
      path,
    );
  if (!match) return undefined;
  return { owner: match[1] as string, repo: match[2] as string, rest: match[3] as string };
}

export function serveGit(
  req: IncomingMessage,
  res: ServerResponse,
  options: { projectRoot: string; pathInfo: string; query: string; remoteUser: string },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const header = (name: string): string => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : (value ?? '');
    };
    const env: Record<string, string> = {
      ...isolatedGitEnv(),
      GIT_PROJECT_ROOT: options.projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      GATEWAY_INTERFACE: 'CGI/1.1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: options.pathInfo,
      QUERY_STRING: options.query,
      CONTENT_TYPE: header('content-type'),
      REMOTE_USER: options.remoteUser,
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      GIT_PROTOCOL: header('git-protocol'),
      HTTP_CONTENT_ENCODING: header('content-encoding'),
    };
    const length = header('content-length');
    if (length) env.CONTENT_LENGTH = length;

    const child = spawn(GIT_HTTP_BACKEND, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    req.pipe(child.stdin);
    child.stdin.on('error', () => undefined); // client hung up mid-upload; the exit code says enough

    let status = 200;
    let headerBuffer = Buffer.alloc(0);
    let headersDone = false;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      headerBuffer = Buffer.concat([headerBuffer, chunk]);
      const crlf = headerBuffer.indexOf('\r\n\r\n');
      const lf = headerBuffer.indexOf('\n\n');
      const end = crlf !== -1 && (lf === -1 || crlf < lf) ? crlf : lf;
      if (end === -1) return;
      const separator = end === crlf ? 4 : 2;
      const head = headerBuffer.subarray(0, end).toString('latin1');
      const body = headerBuffer.subarray(end + separator);
      const headers: Record<string, string> = {};
      for (const line of head.split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon === -1) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      headersDone = true;
      if (body.length) res.write(body);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (!headersDone) {
        status = 500;
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.write(`git-http-backend exited ${code}: ${stderr}`);
      }
      res.end();
      resolve(status);
    });
  });
}
