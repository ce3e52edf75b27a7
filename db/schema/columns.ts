import { customType, timestamp } from 'drizzle-orm/pg-core';

// Full-text search vector (history search); read with `@@`, never selected into DTOs.
export const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
