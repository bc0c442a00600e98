/** What the DNS drivers log: a subset pino, console and Nest's Logger all satisfy. */
export interface DnsLogger {
  debug(message: string): void;
  warn(message: string): void;
}
