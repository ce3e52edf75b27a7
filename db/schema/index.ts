// The database schema, one file per area; `@/db/schema` is this index (drizzle.config.ts reads it too).
export * from './enums';
export * from './users';
export * from './channels';
export * from './conversations';
export * from './privacy';
export * from './simulator';
