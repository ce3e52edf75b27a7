import { fileTypeFromFile } from 'file-type';
import { WHATSAPP_MEDIA_TYPES } from './whatsapp-types';

// The media types WhatsApp carries (Twilio's list for WhatsApp), by sniffed MIME type.
const ALLOWED = new Set<string>(WHATSAPP_MEDIA_TYPES);

// Legacy Office files are OLE compound files: the container says nothing about which program made
// them (an .msi is one too), so only a declared doc/xls/ppt type is believed.
const LEGACY_OFFICE = new Set(['application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint']);

export type SniffResult = { ok: true; contentType: string } | { ok: false; reason: string };

const baseType = (t: string | null | undefined) => (t ?? '').split(';')[0]!.trim().toLowerCase();

/** The real type of a downloaded file (by its bytes, not its label), and whether WhatsApp allows it. */
export async function sniffMediaFile(filePath: string, declaredType: string | null, head: Buffer): Promise<SniffResult> {
  const detected = await fileTypeFromFile(filePath);
  let type = baseType(detected?.mime);
  const declared = baseType(declaredType);
  if (!detected) {
    const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (/^BEGIN:VCARD/i.test(text)) type = 'text/vcard';
  }
  if (type === 'application/x-cfb' && LEGACY_OFFICE.has(declared)) type = declared;
  if (!type) return { ok: false, reason: `type not recognised${declared ? ` (labelled ${declared})` : ''}` };
  if (!ALLOWED.has(type)) return { ok: false, reason: `type not allowed: ${type}` };
  return { ok: true, contentType: type };
}

export function isAllowedMediaType(type: string): boolean {
  return ALLOWED.has(baseType(type));
}
