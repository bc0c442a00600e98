/**
 * The port every secret consumer speaks. One driver today: Berth's own encrypted table
 * (PostgresSecretStore in @berth/db). The secrets issue adds scopes (repository, environment)
 * and an AWS Secrets Manager driver behind the same interface.
 */
export interface SecretStore {
  /** The value, or undefined when no secret has that name. */
  get(name: string): Promise<string | undefined>;
  /** Creates or replaces one secret. */
  put(name: string, value: string): Promise<void>;
  /** Creates or replaces several at once: all are stored, or none. */
  putAll(values: Readonly<Record<string, string>>): Promise<void>;
  /** True when a secret was removed. */
  delete(name: string): Promise<boolean>;
  /** Names only: values leave the store one `get` at a time. */
  names(): Promise<string[]>;
}

/** Secret names: a path of lowercase words, e.g. `github/app`. */
export const SECRET_NAME = /^[a-z0-9][a-z0-9_.-]*(\/[a-z0-9][a-z0-9_.-]*)*$/;
