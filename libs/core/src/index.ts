export const BERTH = 'berth';
