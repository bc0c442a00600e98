// A real OpenID Connect provider for tests: the `oidc-provider` package (certified
// implementation) on loopback. Who "signs in" at its login step is up to the test (`signInAs`);
// consent is granted for what the client asked. Everything else (discovery, PKCE, ID tokens,
// userinfo) is the library's own behaviour.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface OidcTestUser {
  email?: string;
  emailVerified?: boolean;
  groups?: string[];
}

export interface OidcServerOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export type OidcServer = Awaited<ReturnType<typeof startOidcServer>>;

export async function startOidcServer(options: OidcServerOptions) {
  const users = new Map<string, OidcTestUser>();
  let signedIn: string | undefined;
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['groups'] },
    features: { devInteractions: { enabled: false } },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 600,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    cookies: { keys: ['berth-oidc-test-cookie-key-0123456789'] },
    findAccount: (_ctx: unknown, sub: string) => {
      const user = users.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          ...(user.email !== undefined ? { email: user.email } : {}),
          ...(user.emailVerified !== undefined ? { email_verified: user.emailVerified } : {}),
          ...(user.groups !== undefined ? { groups: user.groups } : {}),
        }),
      };
    },
  });
  // The login and consent step: sign in whoever the test chose, grant what was asked.
  server.on('request', (req, res) => {
    if (!(req.url ?? '').startsWith('/interaction/')) {
      provider.callback()(req, res);
      return;
    }
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (signedIn === undefined) {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Sign in</h1>');
        return;
      }
      const grant = new provider.Grant({
        accountId: signedIn,
        clientId: String(details.params['client_id']),
      });
      grant.addOIDCScope(String(details.params['scope'] ?? 'openid'));
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: signedIn }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });

  return {
    issuer,
    /** Adds (or replaces) an account; `sub` is its subject. */
    addUser(sub: string, user: OidcTestUser): void {
      users.set(sub, user);
    },
    /** Who completes the provider's login step; undefined shows a login page instead. */
    signInAs(sub: string | undefined): void {
      signedIn = sub;
    },
    async stop(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
