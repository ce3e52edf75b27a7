import { describe, expect, it } from 'vitest';
import type { ConversationDto, MessageDto } from '@/lib/conversations/dto';
import type { UiMessage } from '@/components/chat/message-bubble';
import type { InboxConversation } from '@/components/inbox/types';
import { isListed, mergeMessage, mergePage, withConversation, withNewMessage, withoutConversation } from '@/components/inbox/inbox-merge';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();

function msg(over: Partial<MessageDto> & { id: string }): MessageDto {
  return {
    conversationId: 'c1', direction: 'inbound', kind: 'text', body: 'hi', status: 'delivered', errorCode: null, errorReason: null,
    providerMessageId: null, clientId: null, replyTo: null, location: null, button: null, templateId: null, templateVariables: null,
    attachments: [], author: null, createdAt: at(0), updatedAt: at(0), ...over,
  };
}

function conv(over: Partial<ConversationDto> = {}): ConversationDto {
  return {
    id: 'c1', channelId: 'ch', queueId: 'q1', assigneeId: null, offeredToId: null, offeredAt: null, status: 'waiting', language: 'en',
    lastInboundAt: at(0), lastMessageAt: at(0), windowExpiresAt: null, contact: { id: 'k', name: 'Carla', phone: '+34600000000', waId: '34600000000', language: null },
    createdAt: at(0), assignedAt: null, firstResponseAt: null, closedAt: null, closedById: null, closeReason: null, ...over,
  } as ConversationDto;
}

describe('mergeMessage (a thread under events in any order)', () => {
  it('adds a new message in createdAt order, whatever order it arrives in', () => {
    const items = mergeMessage([msg({ id: 'b', createdAt: at(2) })], msg({ id: 'a', createdAt: at(1) }));
    expect(items.map((m) => m.id)).toEqual(['a', 'b']);
  });

  it('ignores a duplicate event: the same id is replaced, never listed twice', () => {
    const once = mergeMessage([], msg({ id: 'a' }));
    expect(mergeMessage(once, msg({ id: 'a' }))).toHaveLength(1);
  });

  it("replaces the agent's optimistic bubble with the server's copy (same clientId)", () => {
    const local: UiMessage = msg({ id: 'local:k1', direction: 'outbound', status: 'pending', clientId: 'k1', createdAt: at(5) });
    const items = mergeMessage([local], msg({ id: 'm1', direction: 'outbound', status: 'queued', clientId: 'k1', createdAt: at(4) }));
    expect(items.map((m) => [m.id, m.status])).toEqual([['m1', 'queued']]);
  });

  it('never moves ticks backwards: a late "sent" after "read" is ignored', () => {
    const read = [msg({ id: 'm1', direction: 'outbound', status: 'read' })];
    expect(mergeMessage(read, msg({ id: 'm1', direction: 'outbound', status: 'sent' }))).toBe(read);
  });

  it('still takes an older status when an attachment changed (the file finished downloading)', () => {
    const pending = msg({ id: 'm1', status: 'read', attachments: [{ id: 'a', contentType: 'image/png', size: 1, filename: null, status: 'pending', failureReason: null, url: null }] });
    const ready = msg({ id: 'm1', status: 'delivered', attachments: [{ ...pending.attachments[0]!, status: 'ready', url: '/x' }] });
    expect(mergeMessage([pending], ready)[0]!.attachments[0]!.status).toBe('ready');
  });

  it('lets a failed terminal status replace a sent one', () => {
    const items = mergeMessage([msg({ id: 'm1', status: 'sent' })], msg({ id: 'm1', status: 'failed' }));
    expect(items[0]!.status).toBe('failed');
  });
});

describe('mergePage (a page of the thread from REST)', () => {
  it('keeps unsent local bubbles on a reload and drops the rest for the server page', () => {
    const local: UiMessage = msg({ id: 'local:k1', direction: 'outbound', clientId: 'k1', status: 'pending', createdAt: at(9) });
    const items = mergePage([msg({ id: 'stale' }), local], [msg({ id: 'a', createdAt: at(1) })]);
    expect(items.map((m) => m.id)).toEqual(['a', 'local:k1']);
  });

  it('prepends an older page', () => {
    const items = mergePage([msg({ id: 'new', createdAt: at(5) })], [msg({ id: 'old', createdAt: at(1) })], 'cursor');
    expect(items.map((m) => m.id)).toEqual(['old', 'new']);
  });
});

describe('isListed (what an agent sees in its list)', () => {
  const agent = { id: 'me', role: 'agent' };
  const myQueues = [{ id: 'q1' }];
  it('lists waiting chats of my queues and my own active ones, never closed ones', () => {
    expect(isListed(conv({ status: 'waiting' }), agent, myQueues)).toBe(true);
    expect(isListed(conv({ status: 'waiting', queueId: 'other' }), agent, myQueues)).toBe(false);
    expect(isListed(conv({ status: 'waiting', queueId: 'other', offeredToId: 'me' }), agent, myQueues)).toBe(true);
    expect(isListed(conv({ status: 'active', assigneeId: 'me' }), agent, myQueues)).toBe(true);
    expect(isListed(conv({ status: 'active', assigneeId: 'someone' }), agent, myQueues)).toBe(false);
    expect(isListed(conv({ status: 'closed', assigneeId: 'me' }), agent, myQueues)).toBe(false);
  });
  it('lists every open chat for a supervisor', () => {
    expect(isListed(conv({ status: 'active', assigneeId: 'someone', queueId: 'x' }), { id: 's', role: 'supervisor' }, [])).toBe(true);
  });
});

describe('the conversation list', () => {
  const listed: InboxConversation = { ...conv(), unread: 2, lastMessage: { kind: 'text', body: 'hi', direction: 'inbound', status: 'delivered', createdAt: at(0) } };

  it('an update keeps the unread count and preview; a new chat starts at zero', () => {
    const cs = withConversation({ c1: listed }, conv({ status: 'active', assigneeId: 'me' }));
    expect(cs.c1).toMatchObject({ status: 'active', unread: 2, lastMessage: { body: 'hi' } });
    expect(withConversation({}, conv({ id: 'c2' })).c2).toMatchObject({ unread: 0, lastMessage: null });
  });

  it('ifAbsent (a REST read older than the events) never overwrites a listed chat', () => {
    const cs = { c1: listed };
    expect(withConversation(cs, conv({ status: 'closed' }), { ifAbsent: true })).toBe(cs);
  });

  it('removing a chat not listed changes nothing', () => {
    const cs = { c1: listed };
    expect(withoutConversation(cs, 'nope')).toBe(cs);
    expect(withoutConversation(cs, 'c1')).toEqual({});
  });

  it('an inbound message counts as unread unless the chat is open, and reopens the 24 h window', () => {
    const m = msg({ id: 'm', body: 'again', createdAt: at(30) });
    expect(withNewMessage(listed, m, { isOpen: false })).toMatchObject({ unread: 3, lastMessageAt: at(30), lastInboundAt: at(30), lastMessage: { body: 'again' } });
    expect(withNewMessage(listed, m, { isOpen: true }).unread).toBe(2);
    expect(withNewMessage(listed, m, { isOpen: false }).windowExpiresAt).toBe(new Date(Date.parse(at(30)) + 86_400_000).toISOString());
  });

  it('an outbound message updates the preview only', () => {
    const out = withNewMessage(listed, msg({ id: 'm', direction: 'outbound', createdAt: at(40) }), { isOpen: false });
    expect(out).toMatchObject({ unread: 2, lastInboundAt: listed.lastInboundAt, windowExpiresAt: listed.windowExpiresAt, lastMessageAt: at(40) });
  });
});
