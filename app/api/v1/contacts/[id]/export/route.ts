import { getDb } from '@/db/client';
import { idParam, type IdContext } from '@/lib/http/params';
import { requireActor } from '@/lib/auth/guard';
import { route } from '@/lib/http/body';
import { exportContact } from '@/lib/privacy/export';

/** The contact's data as a zip (contact.json + media/), streamed. Audited. */
export const GET = route<IdContext>(async (req, ctx) => {
  const actor = await requireActor(req, 'settings');
  const { stream, filename } = await exportContact(getDb(), { actor, contactId: await idParam(ctx, 'contact') });
  return new Response(stream, {
    headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' },
  });
});
