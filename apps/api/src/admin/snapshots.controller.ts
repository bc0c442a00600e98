import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiConfig } from '@berth/config';
import {
  describeSnapshotSource,
  type RegisteredSnapshot,
  snapshotProblem,
  snapshotSourceOf,
} from '@berth/core';
import { SnapshotStore } from '@berth/db';
import type { Stores } from '@berth/runtime';
import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Logger,
  NotFoundException,
  Param,
  Put,
} from '@nestjs/common';
import { API_CONFIG, STORES } from '../tokens.js';
import { AdminRoutes } from './admin-routes.decorator.js';

/** Masking SQL is the operator's, stored with the snapshot; bounded like any stored text. */
const MASK_SQL_MAX = 65_536;

export interface SnapshotView extends Omit<RegisteredSnapshot, 'source'> {
  /** The dump's file name in SNAPSHOT_DIR, for a file source. */
  file?: string;
  /** `s3://bucket/key`, for an object source. */
  s3?: string;
  /**
   * The file's size in SNAPSHOT_DIR as this api sees it; null when it is not there, and for an
   * object (the api holds no object-store credentials: only the worker reads the dump).
   */
  bytes: number | null;
}

/**
 * The dumps `db:snapshot` may restore (`berth snapshot add|ls|rm`). Registering is the operator's
 * statement that the dump is sanitized (`sanitized: true`); an unsanitized registration is kept
 * so the refusal a PR gets can say why. Berth never reaches a production database: the dump is a
 * file the operator put in SNAPSHOT_DIR, or an object in the operator's S3 bucket that only the
 * worker reads (it is checked there, at restore).
 */
@Controller('admin/v1/snapshots')
@AdminRoutes()
export class SnapshotsAdminController {
  private readonly logger = new Logger('admin');
  private readonly store: SnapshotStore;

  constructor(
    @Inject(STORES) stores: Stores,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    this.store = new SnapshotStore(stores.prisma);
  }

  @Get()
  async list(): Promise<{ snapshots: SnapshotView[] }> {
    const snapshots = await this.store.list();
    return { snapshots: await Promise.all(snapshots.map((s) => this.view(s))) };
  }

  @Put(':name')
  async register(@Param('name') name: string, @Body() body: unknown): Promise<SnapshotView> {
    const input = registration(name, body);
    if (input.source.kind === 'file') {
      const path = join(this.config.SNAPSHOT_DIR, input.source.file);
      const found = await stat(path).catch(() => null);
      if (!found?.isFile()) {
        throw new BadRequestException(
          `file: ${input.source.file} is not a file in SNAPSHOT_DIR (${this.config.SNAPSHOT_DIR}); copy the dump there first`,
        );
      }
    }
    const saved = await this.store.register(input);
    this.logger.log({
      msg: 'snapshot registered',
      name: saved.name,
      repository: saved.repository,
      engine: saved.engine,
      source: describeSnapshotSource(saved.source),
      sanitized: saved.sanitized,
      masked: saved.maskSql !== undefined,
    });
    return this.view(saved);
  }

  @Delete(':name')
  @HttpCode(200)
  async remove(@Param('name') name: string): Promise<{ name: string; removed: true }> {
    if (!(await this.store.remove(name))) throw new NotFoundException(`no snapshot named ${name}`);
    this.logger.log({ msg: 'snapshot removed', name });
    return { name, removed: true };
  }

  private async view(snapshot: RegisteredSnapshot): Promise<SnapshotView> {
    const { source, ...rest } = snapshot;
    if (source.kind === 's3') return { ...rest, s3: describeSnapshotSource(source), bytes: null };
    const found = await stat(join(this.config.SNAPSHOT_DIR, source.file)).catch(() => null);
    return { ...rest, file: source.file, bytes: found?.isFile() ? found.size : null };
  }
}

function registration(name: string, body: unknown) {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (key: string) => (typeof b[key] === 'string' ? (b[key] as string).trim() : '');
  const source = snapshotSourceOf({ file: text('file'), s3: text('s3') });
  if ('error' in source) throw new BadRequestException(`invalid snapshot: ${source.error}`);
  const fields = {
    name,
    repository: text('repository').toLowerCase(),
    engine: text('engine'),
    format: text('format'),
    source: source.ok,
  };
  const problem = snapshotProblem(fields);
  if (problem) throw new BadRequestException(`invalid snapshot: ${problem}`);
  if (typeof b['sanitized'] !== 'boolean') {
    throw new BadRequestException(
      'invalid snapshot: sanitized must be true or false (true states the dump holds no real personal data; only such snapshots are restored)',
    );
  }
  const maskSql = b['maskSql'];
  if (maskSql !== undefined && (typeof maskSql !== 'string' || maskSql.length > MASK_SQL_MAX)) {
    throw new BadRequestException(`invalid snapshot: maskSql must be SQL text of at most 64 KiB`);
  }
  const registeredBy = typeof b['registeredBy'] === 'string' ? b['registeredBy'] : 'admin';
  return {
    ...fields,
    engine: fields.engine as RegisteredSnapshot['engine'],
    format: fields.format as RegisteredSnapshot['format'],
    sanitized: b['sanitized'],
    ...(typeof maskSql === 'string' && maskSql.trim() !== '' ? { maskSql } : {}),
    registeredBy: registeredBy.slice(0, 100),
  };
}
