export * from './evidence-store.ts';
export * from './suppression-list.ts';
export * from './contact-state-store.ts';
export * from './processed-events.ts';
