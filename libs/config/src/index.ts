import { BERTH } from '@berth/core';
export const product = BERTH;
