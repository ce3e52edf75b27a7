import { Fragment } from 'react';
import { parseWhatsApp, type FmtNode } from '@/lib/format/whatsapp';

function render(nodes: FmtNode[], key = ''): React.ReactNode {
  return nodes.map((n, i) => {
    const k = `${key}${i}`;
    switch (n.t) {
      case 'text':
        return <Fragment key={k}>{n.v}</Fragment>;
      case 'link':
        return (
          <a key={k} href={n.href} target="_blank" rel="noopener noreferrer nofollow" className="break-all text-sky-700 underline">
            {n.v}
          </a>
        );
      case 'mono':
        return (
          <code key={k} className="rounded bg-black/5 px-1 font-mono text-[0.85em]">
            {n.v}
          </code>
        );
      case 'bold':
        return <strong key={k}>{render(n.c, k)}</strong>;
      case 'italic':
        return <em key={k}>{render(n.c, k)}</em>;
      case 'strike':
        return <s key={k}>{render(n.c, k)}</s>;
    }
  });
}

/** A message body with WhatsApp formatting, rendered as elements (never as HTML). */
export function FormattedText({ text }: { text: string }) {
  // dir="auto": Arabic, Hebrew or Persian text runs and aligns right to left, by its first strong letter.
  return (
    <div dir="auto" className="whitespace-pre-wrap break-words [overflow-wrap:anywhere]" data-testid="message-text">
      {render(parseWhatsApp(text))}
    </div>
  );
}
