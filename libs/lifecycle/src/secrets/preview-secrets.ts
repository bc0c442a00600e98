// One environment's secret scope (issue 9): which values its containers get, where they are kept,
// and the production rules that guard them. The wire stage materialises it, replicate and the
// redaction read it, teardown removes it. Values never reach Revision.wiring, logs or details.

import {
  mergeLayers,
  type PreviewScopeRef,
  type PreviewScopes,
  previewSecretName,
  productionRuleFor,
  type ProductionRules,
  type ScopedEntry,
  type SecretLayer,
  type SecretReferences,
} from '@berth/core';
import type { ResourceLedger, ScopedSecretStore } from '@berth/db';
import { PermanentStageError } from '../pipeline/stage-handler.js';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';
import { generateSecret } from '../wire/environment-secrets.js';

export interface PreviewSecretsDeps {
  scopes: PreviewScopes;
  ledger: ResourceLedger;
  /** The operator's layers; absent without BERTH_MASTER_KEY (then every value is generated). */
  layers?: Pick<ScopedSecretStore, 'entries'>;
  /** References to Secrets Manager secrets; absent without SECRET_BACKEND=aws. */
  references?: SecretReferences;
  rules: ProductionRules;
  /** Name prefix of PR scopes in Secrets Manager (PREVIEW_SECRET_PREFIX). */
  prefix: string;
  generate?: () => string;
}

export interface MaterialisedSecrets {
  values: Record<string, string>;
  generated: string[];
  reused: string[];
  /** Names whose value came from the base environment (a branched database's credentials). */
  inherited: string[];
  /** Names taken from an operator layer, and which. */
  fromLayers: { name: string; layer: SecretLayer }[];
  /** The scope's name in its provider; empty when the revision asks for no secret. */
  scope: string;
}

export class PreviewSecrets {
  constructor(private readonly deps: PreviewSecretsDeps) {}

  /**
   * Observe (the scope the ledger names, its values) → compare (each asked-for name against the
   * layers and the production rules) → act (write the scope, created before any container) →
   * record (the ledger row). Safe to run twice: the same name, the same generated values.
   */
  async materialise(input: {
    environment: EnvironmentWithRepository;
    names: readonly string[];
    /** Operator layers apply (false for a fork PR unless the repository allows them). */
    layersAllowed: boolean;
    /** Values an older Berth kept in Revision.wiring, reused once so a database keeps working. */
    legacy?: ReadonlyArray<Readonly<Record<string, string>>>;
    /**
     * Values that must replace this scope's own: a database copied from the base environment
     * holds the base's credentials, so the names it was initialised with take the base's values.
     */
    inherit?: Readonly<Record<string, string>>;
  }): Promise<MaterialisedSecrets> {
    const { environment, names } = input;
    // Nothing asked for, nothing held: no scope at all (a Secrets Manager secret costs money).
    if (names.length === 0 && !(await this.liveRow(environment.id))) {
      return { values: {}, generated: [], reused: [], inherited: [], fromLayers: [], scope: '' };
    }
    const row = await this.scopeRow(environment);
    const ref = this.refOf(environment, row.name);
    const previous = (await this.deps.scopes.read(ref)) ?? {};
    const entries =
      input.layersAllowed && this.deps.layers && names.length > 0
        ? mergeLayers(
            await this.deps.layers.entries({
              repository: environment.repository.fullName,
              prNumber: environment.prNumber,
            }),
          )
        : new Map<string, ScopedEntry>();
    const out: MaterialisedSecrets = {
      values: {},
      generated: [],
      reused: [],
      inherited: [],
      fromLayers: [],
      scope: row.name,
    };
    for (const name of names) {
      const entry = entries.get(name);
      if (entry) {
        out.values[name] = await this.layerValue(entry);
        out.fromLayers.push({ name, layer: entry.layer });
        continue;
      }
      const inherited = input.inherit?.[name];
      if (inherited !== undefined) {
        out.values[name] = inherited;
        out.inherited.push(name);
        continue;
      }
      const earlier = previous[name] ?? input.legacy?.map((k) => k[name]).find((v) => !!v);
      if (earlier) {
        out.values[name] = earlier;
        out.reused.push(name);
      } else {
        out.values[name] = (this.deps.generate ?? generateSecret)();
        out.generated.push(name);
      }
    }
    const providerId = await this.deps.scopes.write(ref, out.values);
    await this.deps.ledger.markCreated(row.id, providerId);
    return out;
  }

  /**
   * Build secrets (decision 0037): values from the operator's layers only, read for one build and
   * never written to the scope. Nothing is generated (a random value means nothing to a build),
   * and the production rules apply as at wire time.
   */
  async buildValues(
    environment: EnvironmentWithRepository,
    names: readonly string[],
  ): Promise<Record<string, string>> {
    const entries = this.deps.layers
      ? mergeLayers(
          await this.deps.layers.entries({
            repository: environment.repository.fullName,
            prNumber: environment.prNumber,
          }),
        )
      : new Map<string, ScopedEntry>();
    const out: Record<string, string> = {};
    for (const name of names) {
      const entry = entries.get(name);
      if (!entry) {
        throw new PermanentStageError(
          `build secret ${name} has no value in any secret layer of ${environment.repository.fullName}${this.deps.layers ? '' : ' (no BERTH_MASTER_KEY: there are no layers)'}: set it with \`berth secret set ${environment.repository.fullName} ${name}\` (or for the owner with --owner); builds never get generated values`,
        );
      }
      out[name] = await this.layerValue(entry);
    }
    return out;
  }

  /** The values replicate hands to containers; undefined when the scope was never written. */
  async read(environment: EnvironmentWithRepository): Promise<Record<string, string> | undefined> {
    const row = await this.liveRow(environment.id);
    return row ? this.deps.scopes.read(this.refOf(environment, row.name)) : undefined;
  }

  /** Teardown: the scope goes at once, with no recovery window. */
  async remove(name: string): Promise<void> {
    await this.deps.scopes.remove(name);
  }

  get provider(): PreviewScopes['provider'] {
    return this.deps.scopes.provider;
  }

  /**
   * The ledger row of this environment's scope, planned before the scope exists. Its name keeps
   * the generation it was first written at (the incarnation): a PR closed and reopened at once
   * gets a new name, never AWS's "scheduled for deletion".
   */
  private async scopeRow(environment: EnvironmentWithRepository) {
    const live = await this.liveRow(environment.id);
    if (live) return live;
    return this.deps.ledger.plan({
      kind: 'secret',
      provider: this.deps.scopes.provider,
      name: previewSecretName(
        this.deps.prefix,
        { repository: environment.repository.fullName, prNumber: environment.prNumber },
        environment.generation,
      ),
      environmentId: environment.id,
      host: this.deps.scopes.provider === 'secrets_aws' ? 'aws' : 'local',
      metadata: { scope: 'preview' },
    });
  }

  private async liveRow(environmentId: string) {
    const rows = await this.deps.ledger.live(environmentId);
    return rows.find((r) => r.kind === 'secret' && r.provider === this.deps.scopes.provider);
  }

  private refOf(environment: EnvironmentWithRepository, name: string): PreviewScopeRef {
    return { name, environmentId: environment.id, repository: environment.repository.fullName };
  }

  /** A layer's value, after the production rules: a production secret never gets read at all. */
  private async layerValue(entry: ScopedEntry): Promise<string> {
    const where = `secret ${entry.name} (${entry.layer} layer)`;
    if (entry.reference === undefined) {
      const rule = productionRuleFor({ name: entry.name }, this.deps.rules);
      if (rule) throw productionError(where, entry.name, rule);
      return entry.value ?? '';
    }
    const references = this.deps.references;
    if (!references) {
      throw new PermanentStageError(
        `${where} refers to the Secrets Manager secret ${entry.reference}, but SECRET_BACKEND is not aws: set SECRET_BACKEND=aws, or give the entry a value with \`berth secret set\``,
      );
    }
    let identity;
    try {
      identity = await references.describe(entry.reference);
    } catch (error) {
      if (error instanceof Error && error.name === 'MissingSecretReferenceError') {
        throw new PermanentStageError(`${where}: ${error.message}`);
      }
      throw error;
    }
    const rule = productionRuleFor(identity, this.deps.rules);
    if (rule) throw productionError(where, identity.name, rule);
    return references.value(entry.reference);
  }
}

function productionError(where: string, secret: string, rule: string): PermanentStageError {
  return new PermanentStageError(
    // No "secret:" before the rule: PR-facing redaction would take the next word for a value.
    `${where} refers to ${secret}, a production secret (${rule}). Previews never receive production secrets: point the entry at a preview secret with \`berth secret set\`, or remove it with \`berth secret rm\``,
  );
}
