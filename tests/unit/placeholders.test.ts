import { describe, expect, it } from 'vitest';
import {
  checkTemplateValues,
  fillQuickReply,
  fillTemplate,
  findPlaceholders,
  templateVariables,
  unknownQuickReplyFields,
} from '@/lib/templates/placeholders';

describe('finding placeholders', () => {
  it('lists each name once, in order of first use, whitespace inside the braces ignored', () => {
    expect(findPlaceholders('Hi {{2}}, order {{ 1 }} for {{2}} and {{1}}')).toEqual(['2', '1']);
    expect(templateVariables('Hola {{1}}, tu pedido {{2}} está listo.')).toEqual(['1', '2']);
    expect(findPlaceholders('{{ contact.name }} / {{contact.name}}')).toEqual(['contact.name']);
  });

  it('counts the innermost braces of nested ones, and ignores empty braces and single ones', () => {
    expect(findPlaceholders('{{{1}}} and {{contact.{{agent.name}}}}')).toEqual(['1', 'agent.name']);
    expect(findPlaceholders('{{}} {{ }} {1} {{ unclosed')).toEqual([]);
  });
});

describe('template variables', () => {
  it('names body variables without a value (blank counts as none) and values the template does not have', () => {
    expect(checkTemplateValues('Hi {{1}}, order {{2}}', { '1': 'Ana', '2': '  ' })).toEqual({ missing: ['2'], unknown: [] });
    expect(checkTemplateValues('Hi {{1}}', { '1': 'Ana', '3': 'x' })).toEqual({ missing: [], unknown: ['3'] });
    // A declared variable outside the body (a button's URL) may be given, or left out.
    expect(checkTemplateValues('Hi {{1}}', { '1': 'Ana', '2': 'pedido-123' }, ['1', '2'])).toEqual({ missing: [], unknown: [] });
    expect(checkTemplateValues('Hi {{ 1 }}', {})).toEqual({ missing: ['1'], unknown: [] });
  });

  it('fills every use of a variable; one without a value stays as written', () => {
    expect(fillTemplate('Hi {{1}}, {{ 1 }} again; order {{2}}', { '1': 'Ana' })).toBe('Hi Ana, Ana again; order {{2}}');
    expect(fillTemplate('{{{1}}}', { '1': 'Ana' })).toBe('{Ana}');
    expect(fillTemplate('Total: {{1}}', { '1': '$5 $& {{2}}' })).toBe('Total: $5 $& {{2}}');
  });
});

describe('quick-reply fields', () => {
  it('names fields Parley does not know, once each', () => {
    expect(unknownQuickReplyFields('Hi {{customer.name}}, {{ contact.name }} {{customer.name}} {{1}}')).toEqual(['customer.name', '1']);
    expect(unknownQuickReplyFields('Hi {{contact.name}}, call {{contact.phone}}; {{agent.name}}')).toEqual([]);
  });

  it('fills contact name, phone and agent name', () => {
    const values = { 'contact.name': 'María García', 'contact.phone': '+34600123456', 'agent.name': 'Lucía' };
    expect(fillQuickReply('Hola {{contact.name}}, soy {{ agent.name }}. Le llamamos al {{contact.phone}}.', values)).toBe(
      'Hola María García, soy Lucía. Le llamamos al +34600123456.',
    );
  });

  it('a contact without a name is "there"; other missing fields and unknown ones stay as written', () => {
    expect(fillQuickReply('Hi {{contact.name}}!', { 'contact.name': null })).toBe('Hi there!');
    expect(fillQuickReply('Hi {{contact.name}}!', { 'contact.name': ' ' })).toBe('Hi there!');
    expect(fillQuickReply('Call {{contact.phone}} {{customer.name}}', {})).toBe('Call {{contact.phone}} {{customer.name}}');
  });
});
