CREATE TYPE "public"."api_token_kind" AS ENUM('login', 'integration');--> statement-breakpoint
CREATE TYPE "public"."erasure_kind" AS ENUM('contact', 'retention');--> statement-breakpoint
CREATE TABLE "erasures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "erasure_kind" NOT NULL,
	"contact_id" uuid,
	"channel_id" uuid,
	"actor_id" uuid,
	"cutoff" timestamp with time zone,
	"counts" jsonb NOT NULL,
	"files_removed" integer DEFAULT 0 NOT NULL,
	"pending_storage_keys" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"expire" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"user_agent" text,
	"ip" text
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "kind" "api_token_kind" DEFAULT 'integration' NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "retention_days" integer;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "send_lease_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "send_lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "send_attempt_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "send_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "erasures" ADD CONSTRAINT "erasures_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erasures" ADD CONSTRAINT "erasures_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "erasures_kind_created_idx" ON "erasures" USING btree ("kind","created_at");--> statement-breakpoint
CREATE INDEX "erasures_channel_idx" ON "erasures" USING btree ("channel_id","created_at");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "api_tokens_user_idx" ON "api_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "messages_pending_send_idx" ON "messages" USING btree ("send_lease_until") WHERE "messages"."status" = 'pending';--> statement-breakpoint
-- Tokens POST /api/v1/auth/token made before the kind column were named 'login' (a reserved name).
UPDATE "api_tokens" SET "kind" = 'login' WHERE "name" = 'login';
