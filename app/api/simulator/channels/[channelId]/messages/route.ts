import { getDb } from '@/db/client';
import { listSimulatorMessages } from '@/db/queries/simulator';
import { AppError } from '@/lib/errors';
import { parseJson, parseWith, route, searchParams } from '@/lib/http/body';
import { toE164 } from '@/lib/phone';
import { getSimulatorChannel, requireSimulatorAccess } from '@/lib/simulator/access';
import { MAX_CUSTOMER_FILE_BYTES, sendCustomerMessage, type CustomerMessage } from '@/lib/simulator/customer';
import { toSimulatorMessageDto } from '@/lib/simulator/dto';
import { customerMessageSchema, pollSchema } from './schema';

type Ctx = { params: Promise<{ channelId: string }> };

// GET ?customers=+1555…,+1555…&since=ISO — what the simulated phones show (polled about once a second).
export const GET = route(async (req: Request, { params }: Ctx) => {
  await requireSimulatorAccess(req);
  const channel = await getSimulatorChannel((await params).channelId);
  const query = parseWith(pollSchema, searchParams(req));
  const customers = query.customers.map((c) => toE164(c, channel.defaultCountry)).filter((c): c is string => !!c);
  const rows = await listSimulatorMessages(getDb(), {
    channelId: channel.id,
    customers,
    since: query.since ? new Date(query.since) : undefined,
  });
  return Response.json({ items: rows.map(toSimulatorMessageDto), now: new Date().toISOString() });
});

async function readCustomerMessage(req: Request): Promise<CustomerMessage> {
  const type = req.headers.get('content-type') ?? '';
  if (!type.includes('multipart/form-data')) return parseJson(req, customerMessageSchema);
  if (Number(req.headers.get('content-length') ?? 0) > MAX_CUSTOMER_FILE_BYTES + 64 * 1024) {
    throw new AppError('payload_too_large:The simulator accepts files up to 20 MB.');
  }
  const form = await req.formData();
  const field = (k: string) => (typeof form.get(k) === 'string' ? (form.get(k) as string) : undefined);
  const fields = parseWith(customerMessageSchema, {
    from: field('from'),
    profileName: field('profileName'),
    text: field('text'),
    replyToSid: field('replyToSid') || undefined,
  });
  const file = form.get('file');
  if (!(file instanceof Blob) || file.size === 0) throw new AppError('validation_failed:file: pick a file to send.');
  return {
    ...fields,
    file: {
      data: Buffer.from(await file.arrayBuffer()),
      contentType: file.type || 'application/octet-stream',
      filename: (file as File).name || null,
    },
  };
}

// POST — the simulated customer writes (JSON, or multipart with a `file`): Parley's webhook gets it signed.
export const POST = route(async (req: Request, { params }: Ctx) => {
  await requireSimulatorAccess(req);
  const channel = await getSimulatorChannel((await params).channelId);
  const message = await sendCustomerMessage(channel, await readCustomerMessage(req));
  return Response.json(toSimulatorMessageDto(message), { status: 201 });
});
