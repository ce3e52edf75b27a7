import { z } from 'zod';
import type { SendInput } from '@/lib/conversations/send';

// Twilio refuses a WhatsApp Body over 1600 characters; captions of media are shorter on WhatsApp.
const MAX_TEXT = 1600;
const MAX_CAPTION = 1024;

/** {clientId, text} | {clientId, templateId, variables} | {clientId, attachmentId, text?} */
export const sendMessageSchema = z
  .object({
    clientId: z.string().trim().min(1, 'clientId is required (a key you generate per message)').max(100),
    text: z.string().max(MAX_TEXT, `at most ${MAX_TEXT} characters`).optional(),
    templateId: z.uuid().optional(),
    variables: z.record(z.string(), z.string().max(1024)).optional(),
    attachmentId: z.uuid().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.templateId && (v.attachmentId || v.text !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['templateId'], message: 'send a template on its own, without text or attachment' });
    } else if (!v.templateId && v.variables) {
      ctx.addIssue({ code: 'custom', path: ['variables'], message: 'variables belong to a templateId' });
    } else if (v.attachmentId && (v.text?.length ?? 0) > MAX_CAPTION) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: `a caption has at most ${MAX_CAPTION} characters` });
    } else if (!v.templateId && !v.attachmentId && !v.text?.trim()) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'write something to send' });
    }
  });

export type SendMessageBody = z.infer<typeof sendMessageSchema>;

export function toSendInput(body: SendMessageBody): SendInput {
  if (body.templateId) return { clientId: body.clientId, templateId: body.templateId, variables: body.variables ?? {} };
  if (body.attachmentId) return { clientId: body.clientId, attachmentId: body.attachmentId, text: body.text };
  return { clientId: body.clientId, text: body.text! };
}
