import { applyDecorators, UseGuards, UseInterceptors } from '@nestjs/common';
import { AdminAuditInterceptor } from './admin-audit.interceptor.js';
import { AdminTokenGuard } from './admin-token.guard.js';

/** An /admin/v1 controller: the admin token only, and every change in the audit log. */
export const AdminRoutes = () =>
  applyDecorators(UseGuards(AdminTokenGuard), UseInterceptors(AdminAuditInterceptor));
