// The one reading of {{…}} placeholders, for the server and the browser alike: pure, no database, no Node APIs.
//
// Rules, the same everywhere:
// - A placeholder is `{{name}}` with no braces inside; whitespace around the name is ignored (`{{ 1 }}` is `{{1}}`).
// - With extra braces the innermost pair counts: `{{{1}}}` is "{", then {{1}}, then "}".
// - Empty braces (`{{}}`, `{{ }}`) name nothing and stay plain text.
// - A value that is absent or blank counts as missing. A missing value takes the field's fallback
//   (only {{contact.name}} has one: "there"); without one, the placeholder stays as written.
//
// Two kinds: template variables ({{1}}, {{2}}…, WhatsApp's positional rule; Twilio fills them from
// ContentVariables) and quick-reply fields ({{contact.name}}…, filled by Parley in the agent's composer).

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

export type PlaceholderValues = Readonly<Record<string, string | null | undefined>>;

/** The placeholder names a text uses, trimmed, in order of first use, each once. */
export function findPlaceholders(text: string): string[] {
  const names = [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!.trim()).filter(Boolean);
  return [...new Set(names)];
}

const isBlank = (v: string | null | undefined) => !v?.trim();

/** Names among `names` with no (or a blank) value. */
export function missingPlaceholders(names: readonly string[], values: PlaceholderValues): string[] {
  return names.filter((n) => isBlank(values[n]));
}

/** Fills every placeholder that has a value (or a fallback); the others stay as written. */
export function fillPlaceholders(text: string, values: PlaceholderValues, fallbacks: PlaceholderValues = {}): string {
  return text.replace(PLACEHOLDER, (whole, raw: string) => {
    const name = raw.trim();
    if (!name) return whole;
    const value = values[name];
    if (!isBlank(value)) return value!;
    return fallbacks[name] ?? whole;
  });
}

/** `{{1}}, {{2}}` — how error messages and forms name placeholders. */
export const formatPlaceholders = (names: readonly string[]) => names.map((n) => `{{${n}}}`).join(', ');

// ---- Template variables ({{1}}, {{2}}…) ----

/** The variables a template body uses, in order of first use. */
export const templateVariables = findPlaceholders;

/**
 * What is wrong with the values given for a template: body variables without a value (missing), and
 * values for names neither the body nor the template's declared variables have (unknown). Declared
 * variables outside the body (a media URL, a button) may be given or left to their defaults.
 */
export function checkTemplateValues(
  body: string,
  values: PlaceholderValues,
  declared: readonly string[] = [],
): { missing: string[]; unknown: string[] } {
  const inBody = templateVariables(body);
  const known = new Set([...inBody, ...declared]);
  return { missing: missingPlaceholders(inBody, values), unknown: Object.keys(values).filter((k) => !known.has(k)) };
}

/** The text a template body reads as with these values; a variable without one stays `{{n}}`. */
export function fillTemplate(body: string, values: PlaceholderValues): string {
  return fillPlaceholders(body, values);
}

// ---- Quick-reply fields ({{contact.name}}…) ----

export const QUICK_REPLY_FIELDS = ['contact.name', 'contact.phone', 'agent.name'] as const;
export type QuickReplyField = (typeof QUICK_REPLY_FIELDS)[number];
export type QuickReplyValues = Partial<Record<QuickReplyField, string | null | undefined>>;

const FIELD_FALLBACKS: Partial<Record<QuickReplyField, string>> = { 'contact.name': 'there' };

/** Fields a quick reply's text uses that Parley does not know, in order of first use. */
export function unknownQuickReplyFields(text: string): string[] {
  return findPlaceholders(text).filter((n) => !(QUICK_REPLY_FIELDS as readonly string[]).includes(n));
}

/** The text the customer gets: known fields filled (a nameless contact is "there"), unknown ones as written. */
export function fillQuickReply(text: string, values: QuickReplyValues): string {
  return fillPlaceholders(text, values, FIELD_FALLBACKS);
}
