'use client';

import { useRef } from 'react';
import type { MessageDto } from '@/lib/conversations/dto';
import type { UserDto } from '@/lib/users/dto';
import { api, ApiError } from '@/components/api/client';
import type { OutgoingDraft } from '@/components/chat/composer';
import type { UiMessage } from '@/components/chat/message-bubble';
import { mergeMessage } from './inbox-merge';
import type { SetThreads } from './use-thread';
import { fillTemplate } from '@/lib/templates/placeholders';

function newClientId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

/** The bubble shown the moment the agent sends, until the server's copy (same clientId) replaces it. */
function optimisticMessage(conversationId: string, draft: OutgoingDraft, clientId: string, me: UserDto | undefined): UiMessage {
  return {
    id: `local:${clientId}`,
    conversationId,
    direction: 'outbound',
    kind: draft.kind === 'template' ? 'template' : draft.kind,
    body:
      draft.kind === 'text'
        ? draft.text
        : draft.kind === 'media'
          ? (draft.text ?? null)
          : fillTemplate(draft.template.body, draft.variables),
    status: 'pending',
    errorCode: null,
    errorReason: null,
    providerMessageId: null,
    clientId,
    replyTo: null,
    location: null,
    button: null,
    templateId: draft.kind === 'template' ? draft.template.id : null,
    templateVariables: draft.kind === 'template' ? draft.variables : null,
    attachments:
      draft.kind === 'media'
        ? [{ id: `local:${clientId}`, contentType: draft.file.type, size: draft.file.size, filename: draft.file.name, status: 'pending', failureReason: null, url: null }]
        : [],
    author: me ? { id: me.id, name: me.name } : null,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  };
}

async function postMessage(conversationId: string, clientId: string, body: Record<string, unknown>): Promise<MessageDto> {
  let lastError: unknown;
  // The same clientId on every attempt: a retried POST is never sent twice.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await api<MessageDto>(`/api/v1/conversations/${conversationId}/messages`, { method: 'POST', json: { clientId, ...body } });
    } catch (e) {
      lastError = e;
      if (!(e instanceof ApiError) || (e.status !== 0 && e.status < 500)) break;
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
    }
  }
  throw lastError;
}

/**
 * Sending: `sendDraft` shows the message at once (optimistic echo) and posts it, one chat's sends
 * one after another, retrying a network error or 5xx under the same clientId; `retry` resends a
 * failed bubble. Both resolve true unless the composer should get the draft back to rework it.
 */
export function useSend({ me, setThreads, flash }: { me: () => UserDto | undefined; setThreads: SetThreads; flash: (text: string, tone?: 'info' | 'error') => void }) {
  /** Per conversation: the last message still being sent (sendDraft queues the next behind it). */
  const sendChains = useRef(new Map<string, Promise<boolean>>());

  const mergeSaved = (conversationId: string, saved: MessageDto) =>
    setThreads((t) => ({ ...t, [conversationId]: { ...t[conversationId]!, items: mergeMessage(t[conversationId]!.items, saved) } }));

  /** Uploads and posts one message; true unless the agent should get the draft back to rework it. */
  const deliver = async (conversationId: string, draft: OutgoingDraft, clientId: string): Promise<boolean> => {
    try {
      let body: Record<string, unknown>;
      if (draft.kind === 'media') {
        const form = new FormData();
        form.append('file', draft.file);
        const uploaded = await api<{ id: string }>('/api/v1/attachments', { method: 'POST', body: form });
        body = { attachmentId: uploaded.id, ...(draft.text ? { text: draft.text } : {}) };
      } else if (draft.kind === 'template') body = { templateId: draft.template.id, variables: draft.variables };
      else body = { text: draft.text };
      mergeSaved(conversationId, await postMessage(conversationId, clientId, body));
      return true;
    } catch (e) {
      const err = e as ApiError;
      setThreads((t) => ({
        ...t,
        [conversationId]: {
          ...t[conversationId]!,
          items: t[conversationId]!.items.map((m) => (m.clientId === clientId ? { ...m, status: 'failed', localError: err.message } : m)),
        },
      }));
      if (err.code === 'window_closed') flash(err.message, 'error');
      return err.code !== 'window_closed' && err.status !== 0;
    }
  };

  const sendDraft = async (conversationId: string, draft: OutgoingDraft, clientId = newClientId()): Promise<boolean> => {
    const optimistic = optimisticMessage(conversationId, draft, clientId, me());
    setThreads((t) => {
      const cur = t[conversationId] ?? { items: [], nextCursor: null, loading: false, loaded: false };
      return { ...t, [conversationId]: { ...cur, items: [...cur.items.filter((m) => m.clientId !== clientId), optimistic] } };
    });
    // The bubble shows at once; the POSTs of one chat go one after another, so that a message the
    // agent typed while a photo was still uploading reaches the customer after the photo, not before.
    const previous = sendChains.current.get(conversationId) ?? Promise.resolve();
    const delivered = previous.then(() => deliver(conversationId, draft, clientId));
    sendChains.current.set(conversationId, delivered);
    void delivered.finally(() => {
      if (sendChains.current.get(conversationId) === delivered) sendChains.current.delete(conversationId);
    });
    return delivered;
  };

  const retry = async (conversationId: string, m: UiMessage) => {
    if (m.localError) {
      // Never stored: send the same content again under the same clientId.
      const draft: OutgoingDraft | null = m.kind === 'text' && m.body ? { kind: 'text', text: m.body } : null;
      if (draft) await sendDraft(conversationId, draft, m.clientId ?? undefined);
      else flash('Attach the file again to resend it.', 'error');
      return;
    }
    try {
      const saved = await api<MessageDto>(`/api/v1/conversations/${conversationId}/messages/${m.id}/retry`, { method: 'POST' });
      if (saved?.id) mergeSaved(conversationId, { ...saved });
    } catch (e) {
      flash((e as Error).message, 'error');
    }
  };

  return { sendDraft, retry };
}
