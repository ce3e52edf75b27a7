import { describe, expect, it } from 'vitest';
import { parseWhatsApp, toPlainText } from '@/lib/format/whatsapp';

describe('WhatsApp formatting', () => {
  it('parses bold, italic, strike and mono like WhatsApp shows them', () => {
    expect(parseWhatsApp('Hola *Ana*, _gracias_ ~no~ ```x = 1```')).toEqual([
      { t: 'text', v: 'Hola ' },
      { t: 'bold', c: [{ t: 'text', v: 'Ana' }] },
      { t: 'text', v: ', ' },
      { t: 'italic', c: [{ t: 'text', v: 'gracias' }] },
      { t: 'text', v: ' ' },
      { t: 'strike', c: [{ t: 'text', v: 'no' }] },
      { t: 'text', v: ' ' },
      { t: 'mono', v: 'x = 1' },
    ]);
  });

  it('leaves markers inside words and unmatched ones alone', () => {
    expect(toPlainText('2*3*4 and a_b_c and *open')).toBe('2*3*4 and a_b_c and *open');
    expect(parseWhatsApp('2*3*4')).toEqual([{ t: 'text', v: '2*3*4' }]);
  });

  it('nests styles and keeps HTML as text', () => {
    expect(parseWhatsApp('*_both_*')).toEqual([{ t: 'bold', c: [{ t: 'italic', c: [{ t: 'text', v: 'both' }] }] }]);
    expect(parseWhatsApp('<img src=x onerror=alert(1)>')).toEqual([{ t: 'text', v: '<img src=x onerror=alert(1)>' }]);
  });

  it('turns http(s) links into links, without trailing punctuation, and nothing else', () => {
    expect(parseWhatsApp('see https://example.com/a?b=1. ok')).toEqual([
      { t: 'text', v: 'see ' },
      { t: 'link', href: 'https://example.com/a?b=1', v: 'https://example.com/a?b=1' },
      { t: 'text', v: '. ok' },
    ]);
    expect(parseWhatsApp('javascript:alert(1)')).toEqual([{ t: 'text', v: 'javascript:alert(1)' }]);
  });

  it('keeps emoji and right-to-left text intact', () => {
    expect(toPlainText('👋🏽 *مرحبا* 😀')).toBe('👋🏽 مرحبا 😀');
  });
});
