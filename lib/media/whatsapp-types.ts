// What WhatsApp carries, shared by the server's checks and the browser's instant refusal.
export const WHATSAPP_MEDIA_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'audio/mpeg',
  'audio/ogg',
  'audio/amr',
  'audio/aac',
  'audio/mp4',
  'audio/x-m4a',
  'video/mp4',
  'video/3gpp',
  'application/pdf',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'text/vcard',
] as const;

export const MAX_WHATSAPP_MEDIA_BYTES = 16 * 1024 * 1024;
export const MAX_WHATSAPP_IMAGE_BYTES = 5 * 1024 * 1024;

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** Why a file cannot be sent on WhatsApp (by its declared type and size), or null when it can. */
export function whyNotSendable(file: { type: string; size: number; name: string }): string | null {
  const type = (file.type || '').toLowerCase() || guessType(file.name);
  if (!(WHATSAPP_MEDIA_TYPES as readonly string[]).includes(type)) {
    return `${file.name}: WhatsApp does not accept this type of file (${type || 'unknown type'}).`;
  }
  if (file.size > MAX_WHATSAPP_MEDIA_BYTES) return `${file.name} is ${mb(file.size)}; WhatsApp takes files up to 16 MB.`;
  if (type.startsWith('image/') && file.size > MAX_WHATSAPP_IMAGE_BYTES) {
    return `${file.name} is ${mb(file.size)}; WhatsApp takes images up to 5 MB.`;
  }
  return null;
}

function guessType(name: string): string {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  const map: Record<string, string> = {
    jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', mp3: 'audio/mpeg', ogg: 'audio/ogg',
    amr: 'audio/amr', aac: 'audio/aac', m4a: 'audio/mp4', mp4: 'video/mp4', '3gp': 'video/3gpp', pdf: 'application/pdf',
    doc: 'application/msword', xls: 'application/vnd.ms-excel', ppt: 'application/vnd.ms-powerpoint',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', vcf: 'text/vcard',
  };
  return map[ext] ?? '';
}
