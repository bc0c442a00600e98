import type { Logger } from 'pino';

/**
 * Runs `drain` until it finds nothing, then sleeps until poked (a Postgres notification) or the
 * poll interval passes. A poke during a drain makes it go round again, so nothing waits a poll.
 */
export class Pump {
  private stopped = false;
  private dirty = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly drain: () => Promise<unknown>,
    private readonly logger: Logger,
    private readonly pollMs = 1_000,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  poke(): void {
    this.dirty = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      this.dirty = false;
      try {
        await this.drain();
        failures = 0;
      } catch (error) {
        failures += 1;
        this.logger.error(
          { err: error, pump: this.name, failures },
          `${this.name} failed; retrying`,
        );
      }
      if (this.stopped || (this.dirty && failures === 0)) continue;
      const delay = failures === 0 ? this.pollMs : Math.min(this.pollMs * 2 ** failures, 30_000);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
