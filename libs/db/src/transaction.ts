import type { Prisma } from './generated.js';

/** A Prisma interactive transaction: repositories take one when a write must join the caller's. */
export type Tx = Prisma.TransactionClient;
