// Pure helpers shared by the API (validation) and the UI (preview); no database, no Node APIs.

export const QUICK_REPLY_FIELDS = ['contact.name', 'contact.phone', 'agent.name'] as const;
export type QuickReplyField = (typeof QUICK_REPLY_FIELDS)[number];

const FIELD_RE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Fields a quick reply's text uses that Parley does not know. */
export function unknownQuickReplyFields(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(FIELD_RE)) {
    if (!(QUICK_REPLY_FIELDS as readonly string[]).includes(m[1]!)) out.push(m[1]!);
  }
  return [...new Set(out)];
}

/** Fills {{contact.name}}-style fields; a missing value leaves a readable fallback. */
export function renderQuickReply(text: string, values: Partial<Record<QuickReplyField, string | null | undefined>>): string {
  return text.replace(FIELD_RE, (whole, name: string) => {
    const v = values[name as QuickReplyField];
    if (v) return v;
    return name === 'contact.name' ? 'there' : whole;
  });
}

/** `/Greet` or `greet` → `greet`. */
export function normaliseShortcut(s: string): string {
  return s.trim().replace(/^\/+/, '').toLowerCase();
}
