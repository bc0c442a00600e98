import { ConsoleSessions } from '../v1/auth/console-session.js';
import { ConsoleSessionController } from './console-session.controller.js';

// The admin console (decision 0033): its sign-in routes and the static SPA under /console.

export const consoleControllers = [ConsoleSessionController];
export const consoleProviders = [ConsoleSessions];
export { consoleDirectory, consoleMiddleware, CONSOLE_PATH } from './serve-console.js';
