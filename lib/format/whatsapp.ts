// WhatsApp's formatting (*bold* _italic_ ~strike~ ```mono``` `code`) and links, parsed into a tree
// that components render as elements: text is never interpreted as HTML.
export type FmtNode =
  | { t: 'text'; v: string }
  | { t: 'link'; href: string; v: string }
  | { t: 'mono'; v: string }
  | { t: 'bold' | 'italic' | 'strike'; c: FmtNode[] };

const STYLE: Record<string, 'bold' | 'italic' | 'strike'> = { '*': 'bold', _: 'italic', '~': 'strike' };
// A marker opens after a start/space/punctuation and before a non-space; it closes after a non-space
// and before an end/space/punctuation — as WhatsApp does ("2*3*4" stays plain).
const INLINE = /(^|[\s([{"'¡¿,.;:!?-])([*_~])(?!\s|\2)([^\n]*?[^\s])\2(?=$|[\s)\]}"',.;:!?-])/u;
const LINK = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,:;'!?)\]]/giu;

export function parseWhatsApp(text: string, depth = 0): FmtNode[] {
  const out: FmtNode[] = [];
  // Code blocks first: nothing inside them is formatted.
  const parts = text.split(/```([\s\S]+?)```|`([^`\n]+)`/g);
  for (let i = 0; i < parts.length; i += 3) {
    if (parts[i]) out.push(...parseInline(parts[i]!, depth));
    const mono = parts[i + 1] ?? parts[i + 2];
    if (mono !== undefined) out.push({ t: 'mono', v: mono });
  }
  return out;
}

function parseInline(text: string, depth: number): FmtNode[] {
  const out: FmtNode[] = [];
  let rest = text;
  while (rest) {
    const m = depth < 4 ? INLINE.exec(rest) : null;
    if (!m) {
      out.push(...linkify(rest));
      break;
    }
    const start = m.index + m[1]!.length;
    if (start > 0) out.push(...linkify(rest.slice(0, start)));
    out.push({ t: STYLE[m[2]!]!, c: parseInline(m[3]!, depth + 1) });
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

function linkify(text: string): FmtNode[] {
  const out: FmtNode[] = [];
  let last = 0;
  for (const m of text.matchAll(LINK)) {
    if (m.index! > last) out.push({ t: 'text', v: text.slice(last, m.index) });
    out.push({ t: 'link', href: m[0], v: m[0] });
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push({ t: 'text', v: text.slice(last) });
  return out;
}

/** Plain text without markers, for previews and notifications. */
export function toPlainText(text: string): string {
  const walk = (nodes: FmtNode[]): string =>
    nodes.map((n) => ('c' in n ? walk(n.c) : n.v)).join('');
  return walk(parseWhatsApp(text));
}
