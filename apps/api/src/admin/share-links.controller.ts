import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { AdminRoutes } from './admin-routes.decorator.js';
import { pullRequestParam, repositoryParam } from './route-params.js';
import {
  type MintedShareLink,
  ShareLinkService,
  type ShareLinkView,
  shareLinkView,
} from './share-link.service.js';

export type { ShareLinkView } from './share-link.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Share links minted on demand (`berth share create|list|revoke`, decision 0013): bound to one
 * environment, 1 h to 7 d, revocable. The logic is ShareLinkService's (REST v1 uses it too).
 */
@Controller('admin/v1')
@AdminRoutes()
export class ShareLinksAdminController {
  constructor(@Inject(ShareLinkService) private readonly service: ShareLinkService) {}

  @Post('repositories/:owner/:name/pulls/:pr/share-links')
  async create(
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Param('pr') pr: string,
    @Body() body: unknown,
  ): Promise<MintedShareLink> {
    return this.service.mint(await this.environment(owner, name, pr), body);
  }

  @Get('repositories/:owner/:name/pulls/:pr/share-links')
  async list(
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Param('pr') pr: string,
  ): Promise<{ shareLinks: ShareLinkView[] }> {
    const environment = await this.environment(owner, name, pr);
    const rows = await this.service.links.ofEnvironment(environment.id);
    return { shareLinks: rows.map((row) => shareLinkView(row)) };
  }

  /** Idempotent: revoking a revoked link answers the same, with its first revocation time. */
  @Delete('share-links/:id')
  @HttpCode(200)
  async revoke(@Param('id') id: string): Promise<ShareLinkView> {
    const notFound = () => new NotFoundException(`no share link with id ${id}`);
    if (!UUID.test(id)) throw notFound();
    const view = await this.service.revoke(id);
    if (!view) throw notFound();
    return view;
  }

  private async environment(owner: string, name: string, pr: string) {
    const repository = repositoryParam(owner, name);
    const environment = await this.service.links.environmentOf(repository, pullRequestParam(pr));
    if (!environment) throw new NotFoundException(`Berth has no preview for ${repository}#${pr}`);
    return environment;
  }
}
