export {
  type CommitStatusState,
  type CommitStatusUpdate,
  type PreviewEvent,
  STATUS_DESCRIPTION_MAX,
  statusFor,
} from './commit-status.js';
export {
  COMMENT_ERROR_MAX,
  PREVIEW_COMMENT_MARKER,
  type PreviewCommentInput,
  type PreviewCommentNote,
  type PreviewCommentService,
  type PreviewCommentStage,
  type PreviewCommentState,
  renderPreviewComment,
} from './preview-comment.js';
export { redactSecrets, truncate, truncateLines } from './redact.js';
export { expiredHeader, expiringSection, type PreviewCommentExpiry } from './expiry-notice.js';
export { asleepHeader, type PreviewCommentSleep } from './sleep-notice.js';
export {
  encodedForms,
  MIN_MASKED_LENGTH,
  REDACTED,
  type SecretMasker,
  secretMasker,
} from './secret-masker.js';
export {
  CHECK_ANNOTATIONS_PER_REQUEST,
  CHECK_OUTPUT_MAX,
  CHECK_RUN_NAME,
  type CheckAnnotation,
  type CheckRunConclusion,
  type CheckRunEvent,
  type CheckRunInput,
  type CheckRunService,
  type CheckRunStatus,
  type CheckRunView,
  renderCheckRun,
  rerunRefusedNote,
  supersededCheckRun,
} from './check-run.js';
export {
  E2E_CHECK_RUN_NAME,
  type E2eCheckRunInput,
  type E2eCheckRunOutput,
  type E2eResult,
  renderE2eCheckRun,
} from './e2e-check-run.js';
export {
  renderSlackMessage,
  SLACK_REASON_MAX,
  SLACK_REPLY_MAX,
  SLACK_SECTION_MAX,
  type SlackBlock,
  slackEscape,
  slackFailureReply,
  type SlackMessageInput,
  type SlackMessageView,
  type SlackNotice,
  slackNoticeReply,
  type SlackPreviewState,
  slackRedeployReply,
} from './slack-message.js';
export { BUILD_LOG_MAX_LINE_CHARS, BUILD_LOG_MAX_LINES, LineTail } from './line-tail.js';
