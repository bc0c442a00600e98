// The main job: starts the control plane (api, worker, gateway) against the local GitHub
// emulator, opens a pull request on a copy of examples/shop, waits for its full-stack preview,
// prints the URLs and the PR comment, then closes the PR and waits for the teardown.
// `--keep` leaves the preview and the control plane running until Ctrl-C.
import { fileURLToPath } from 'node:url';
import { ControlPlane, freePort } from '@berth/testing';

const root = fileURLToPath(new URL('../../', import.meta.url));
const keep = process.argv.includes('--keep');
const repository = 'acme/shop';

function log(message: string) {
  console.log(`berth: ${message}`);
}

async function gatewayPort(): Promise<number> {
  const wanted = Number(process.env['GATEWAY_PORT'] ?? 8080);
  // 8080 keeps the printed URLs short; any free port works when it is taken.
  const probe = await import('node:net').then(
    ({ createServer }) =>
      new Promise<boolean>((resolve) => {
        const server = createServer();
        server.once('error', () => resolve(false));
        server.listen(wanted, '127.0.0.1', () => server.close(() => resolve(true)));
      }),
  );
  return probe ? wanted : freePort();
}

const started = performance.now();
const plane = await ControlPlane.start({
  root,
  databaseUrl: process.env['DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth',
  redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  composeVariablesFile: `${root}scripts/bootstrap/images.env`,
  gatewayPort: await gatewayPort(),
  logLevel: process.env['LOG_LEVEL'] ?? 'warn',
  echoLogs: process.env['BERTH_DEMO_LOGS'] === '1',
});
let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await plane.stop();
  process.exit(code);
};
process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));

/** Set once the PR exists: a failed run still closes it, so no preview is left running. */
let opened: Awaited<ReturnType<typeof plane.github.openPullRequest>> | undefined;

try {
  log(`control plane up: api ${plane.apiUrl}, gateway http://127.0.0.1:${plane.gatewayPort}`);
  const [owner, name] = repository.split('/') as [string, string];
  await plane.github.createRepository({ owner, name, fromDirectory: `${root}examples/shop` });
  const pr = (opened = await plane.github.openPullRequest({
    repo: repository,
    branch: 'demo/preview',
    title: 'Demo: a full-stack preview',
    changes: { 'web/DEMO.md': `demo at ${new Date().toISOString()}\n` },
  }));
  log(`opened ${repository}#${pr.number}; waiting for the preview (first run builds images)…`);
  await plane.waitForState(repository, pr.number, 'ready', { timeoutMs: 600_000 });
  log(`preview ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // As an operator would: `berth share create <repo> <pr>` (links no longer appear in the comment).
  const { links } = await plane.mintShareLink(repository, pr.number, { note: 'demo' });
  for (const [service, link] of Object.entries(links)) log(`${service.padEnd(6)} ${link}`);
  const comment = plane.github.comments(repository, pr.number)[0];
  console.log('\n--- PR comment ---\n' + (comment?.body ?? '(none)') + '\n------------------\n');
  if (keep) {
    log(
      '--keep: the preview stays up; Ctrl-C stops the control plane (containers stay until the PR closes).',
    );
    await new Promise(() => undefined);
  }
  await plane.github.closePullRequest(pr, { merged: true });
  await plane.waitForState(repository, pr.number, 'destroyed', { timeoutMs: 120_000 });
  log('pull request closed: preview destroyed');
  await shutdown(0);
} catch (error) {
  console.error(`berth: demo failed: ${(error as Error).message}`);
  console.error(plane.logs());
  if (opened) {
    // Whatever got provisioned before the failure is torn down through the normal close path.
    console.error(`berth: closing ${repository}#${opened.number} so nothing is left running…`);
    try {
      if (opened.state !== 'closed') {
        await plane.github.closePullRequest(opened, { merged: false });
      }
      await plane.waitForState(repository, opened.number, 'destroyed', { timeoutMs: 120_000 });
    } catch (teardown) {
      console.error(`berth: teardown did not finish: ${(teardown as Error).message}`);
    }
  }
  await shutdown(1);
}
