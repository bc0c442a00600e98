export { formatDuration, parseComposeDuration, parseTtl } from './duration.js';
export { parseByteSize } from './bytes.js';
