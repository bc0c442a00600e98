// Typed reads of a JSON request body. A missing required member or a value of the wrong type is
// answered like AWS's front end does (ValidationException / SerializationException).
import { validationError } from './errors.js';
import { SecretsManagerError, type JsonObject } from './protocol.js';

export interface Tag {
  Key: string;
  Value: string;
}

export interface Filter {
  Key: string;
  Values: string[];
}

/** `SecretId` → `secretId`, the spelling AWS uses in validation messages. */
const memberPath = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

const wrongType = (name: string, expected: string): SecretsManagerError =>
  new SecretsManagerError(
    'SerializationException',
    `Expected ${expected} for member '${name}'`,
    400,
    'message',
  );

export class Input {
  constructor(readonly body: JsonObject) {}

  has(name: string): boolean {
    return this.body[name] !== undefined && this.body[name] !== null;
  }

  string(name: string): string {
    const value = this.optionalString(name);
    if (value === undefined) {
      throw validationError(
        `Value null at '${memberPath(name)}' failed to satisfy constraint: Member must not be null`,
      );
    }
    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw wrongType(name, 'a string');
    return value;
  }

  optionalBoolean(name: string): boolean | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw wrongType(name, 'a boolean');
    return value;
  }

  optionalInteger(name: string, min: number, max: number): number | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(name, 'an integer');
    if (value < min || value > max) {
      const bound =
        value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`;
      throw validationError(
        `Value '${value}' at '${memberPath(name)}' failed to satisfy constraint: Member must have value ${bound}`,
      );
    }
    return value;
  }

  optionalStringList(name: string): string[] | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw wrongType(name, 'a list of strings');
    }
    return value as string[];
  }

  optionalTags(name: string): Tag[] | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw wrongType(name, 'a list of tags');
    return value.map((tag: unknown) => {
      const t = (tag ?? {}) as Record<string, unknown>;
      if (typeof t.Key !== 'string' || (t.Value !== undefined && typeof t.Value !== 'string')) {
        throw wrongType(name, 'tags with string Key and Value');
      }
      return { Key: t.Key, Value: typeof t.Value === 'string' ? t.Value : '' };
    });
  }

  optionalFilters(name: string): Filter[] | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw wrongType(name, 'a list of filters');
    return value.map((filter: unknown) => {
      const f = (filter ?? {}) as Record<string, unknown>;
      const values = f.Values;
      if (typeof f.Key !== 'string' || !Array.isArray(values)) {
        throw wrongType(name, 'filters with a Key and Values');
      }
      if (values.some((v) => typeof v !== 'string')) throw wrongType(name, 'string filter values');
      return { Key: f.Key, Values: values as string[] };
    });
  }
}
