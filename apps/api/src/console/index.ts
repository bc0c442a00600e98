import { ConsoleSessions } from '../v1/auth/console-session.js';
import { ConsoleSessionController } from './console-session.controller.js';
import { ConsoleSignInController } from './console-sign-in.controller.js';
import { ConsoleSignIn } from './console-sign-in.js';

// The admin console (decision 0033): its sign-in routes (an API token, or a person through
// GitHub or OIDC mapped to a role by the operator's rules, decision 0035) and the static SPA
// under /console.

export const consoleControllers = [ConsoleSessionController, ConsoleSignInController];
export const consoleProviders = [ConsoleSessions, ConsoleSignIn];
export { consoleDirectory, consoleMiddleware, CONSOLE_PATH } from './serve-console.js';
