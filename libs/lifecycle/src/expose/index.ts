export { createExposeHandler, type ExposeDeps, type ExposeDetails } from './expose-handler.js';
export { GitHubStatusReporter, type GitHubStatusReporterDeps } from './github-status-reporter.js';
