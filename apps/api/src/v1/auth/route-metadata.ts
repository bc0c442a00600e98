// Metadata keys RequireScope sets and ApiAuthGuard reads (own file: no import cycle between them).
export const REQUIRED_SCOPE = 'berth:required-scope';
export const AUDITED = 'berth:audited';
