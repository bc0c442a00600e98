export * from './image-reference.js';
export * from './registry-auth.js';
