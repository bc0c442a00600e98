import type { ApiConfig } from '@berth/config';
import { MasterKeyring } from '@berth/core';
import { OpsModule } from '@berth/observability';
import { PostgresSecretStore } from '@berth/db';
import { GitHubAppCredentials, type Stores } from '@berth/runtime';
import { type DynamicModule, Module } from '@nestjs/common';
import { AdminTokenGuard } from './admin/admin-token.guard.js';
import { CostsAdminController } from './admin/costs.controller.js';
import { ReconcileAdminController } from './admin/reconcile.controller.js';
import { ResyncAdminController } from './admin/resync.controller.js';
import { RepositoriesAdminController } from './admin/repositories.controller.js';
import { RepositorySettingsService } from './admin/repository-settings.service.js';
import { ShareLinkService } from './admin/share-link.service.js';
import { SecretsAdminController } from './admin/secrets.controller.js';
import { SessionsAdminController } from './admin/sessions.controller.js';
import { SnapshotsAdminController } from './admin/snapshots.controller.js';
import { ShareLinksAdminController } from './admin/share-links.controller.js';
import { TtlAdminController } from './admin/ttl.controller.js';
import { SleepAdminController } from './admin/sleep.controller.js';
import { consoleControllers, consoleProviders } from './console/index.js';
import { OctokitManifestConversion } from './setup/manifest-conversion.js';
import { SetupController } from './setup/setup.controller.js';
import { API_CONFIG, GITHUB_APP, MANIFEST_CONVERSION, STORES } from './tokens.js';
import { restApiControllers, restApiProviders } from './v1/index.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';

export { API_CONFIG, STORES } from './tokens.js';

/** The control plane's HTTP face. It verifies, records and enqueues; it never touches Docker. */
@Module({})
export class ApiModule {
  static forRoot(config: ApiConfig, stores: Stores): DynamicModule {
    // The App's credentials: env first, else the encrypted store (written by /setup/github).
    const app = new GitHubAppCredentials({
      store: config.BERTH_MASTER_KEY
        ? new PostgresSecretStore(
            stores.prisma,
            new MasterKeyring(config.BERTH_MASTER_KEY, config.BERTH_MASTER_KEY_PREVIOUS),
          )
        : undefined,
      env: config,
    });
    return {
      module: ApiModule,
      imports: [
        OpsModule.forRoot({
          service: 'berth-api',
          logLevel: config.LOG_LEVEL,
          checks: stores.checks,
        }),
      ],
      controllers: [
        WebhooksController,
        // REST API v1 (decision 0029): environments, actions, tokens, audit log.
        ...restApiControllers,
        RepositoriesAdminController,
        ReconcileAdminController,
        CostsAdminController,
        ResyncAdminController,
        SecretsAdminController,
        SessionsAdminController,
        SnapshotsAdminController,
        ShareLinksAdminController,
        TtlAdminController,
        SleepAdminController,
        SetupController,
        // The admin console's sign-in (decision 0033).
        ...consoleControllers,
      ],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: STORES, useValue: stores },
        { provide: GITHUB_APP, useValue: app },
        {
          provide: MANIFEST_CONVERSION,
          useValue: new OctokitManifestConversion(config.GITHUB_API_URL),
        },
        AdminTokenGuard,
        RepositorySettingsService,
        ShareLinkService,
        ...restApiProviders,
        ...consoleProviders,
      ],
    };
  }
}
