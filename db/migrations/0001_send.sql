ALTER TABLE "messages" ADD COLUMN "send_lease_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "send_lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "send_attempt_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "send_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "messages_pending_send_idx" ON "messages" USING btree ("send_lease_until") WHERE "messages"."status" = 'pending';