'use client';

import { useEffect, useRef, useState } from 'react';
import { whyNotSendable } from '@/lib/media/whatsapp-types';
import { fillQuickReply } from '@/lib/templates/placeholders';
import { formatBytes } from './attachment-view';
import { QuickReplyMenu, quickReplyValues, useQuickReplies, type QuickReply } from './composer-quick-replies';
import { TemplatePicker, templateDraftError, type ComposerTemplate as Template } from './composer-template-picker';
import { PaperclipIcon, XIcon } from '@/components/ui/icons';
import { api } from '@/components/api/client';
import { formatDuration } from '@/components/inbox/format';
import type { InboxConversation } from '@/components/inbox/types';

export type OutgoingDraft =
  | { kind: 'text'; text: string }
  | { kind: 'media'; file: File; text?: string }
  | { kind: 'template'; template: Template; variables: Record<string, string> };

export function Composer({
  conversation,
  agentName,
  canWrite,
  readOnlyReason,
  onSend,
}: {
  conversation: InboxConversation;
  agentName: string;
  canWrite: boolean;
  readOnlyReason?: string;
  onSend: (draft: OutgoingDraft) => Promise<boolean>;
}) {
  const [now, setNow] = useState(() => Date.now());
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [qrIndex, setQrIndex] = useState(0);
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [templateError, setTemplateError] = useState<string | null>(null);
  const [showTemplates, setShowTemplates] = useState(false);
  const [template, setTemplate] = useState<Template | null>(null);
  const [vars, setVars] = useState<Record<string, string>>({});
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);

  // Opening a chat (click, Alt+↓/↑) or accepting it puts the cursor where the reply goes.
  useEffect(() => {
    if (canWrite) textRef.current?.focus();
  }, [canWrite]);

  const expires = conversation.windowExpiresAt ? Date.parse(conversation.windowExpiresAt) : 0;
  const windowOpen = expires > now;
  const left = expires - now;

  // "/" at the start opens the quick replies of the conversation's language (contact → channel).
  const qrQuery = text.startsWith('/') && !text.includes('\n') ? text.slice(1).toLowerCase() : null;
  const { loaded: qrLoaded, matches: qrMatches } = useQuickReplies(conversation, qrQuery);

  const fields = quickReplyValues(conversation, agentName);
  const pickQuickReply = (r: QuickReply) => {
    setText(fillQuickReply(r.text, fields));
    setQrIndex(0);
    textRef.current?.focus();
  };

  const loadTemplates = async () => {
    setTemplateError(null);
    try {
      const { items } = await api<{ items: Template[] }>(`/api/v1/templates?channelId=${conversation.channelId}`);
      setTemplates(items.filter((t) => t.status === 'approved'));
    } catch (e) {
      setTemplateError((e as Error).message);
      setTemplates([]);
    }
  };
  useEffect(() => {
    if ((!windowOpen || showTemplates) && templates === null) void loadTemplates();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [windowOpen, showTemplates, templates]);

  const acceptFile = (f: File | undefined | null) => {
    if (!f) return;
    const why = whyNotSendable(f);
    if (why) {
      setFile(null);
      setFileError(why);
      return;
    }
    setFileError(null);
    setFile(f);
  };

  const send = async () => {
    let draft: OutgoingDraft | null = null;
    if (template) {
      const error = templateDraftError(template, vars);
      if (error) {
        setTemplateError(error);
        return;
      }
      draft = { kind: 'template', template, variables: vars };
    } else if (file) draft = { kind: 'media', file, text: text.trim() || undefined };
    else if (text.trim()) draft = { kind: 'text', text };
    if (!draft) return;
    // Cleared at once, as in WhatsApp: the message shows as sending in the chat, and the agent can
    // type the next one meanwhile (the workspace sends them in order). Should this one come back
    // refused in a way the agent must fix (window closed, no connection), its draft returns to the
    // composer, unless the agent has started another.
    setText('');
    setFile(null);
    setTemplate(null);
    setVars({});
    setShowTemplates(false);
    textRef.current?.focus();
    const ok = await onSend(draft);
    if (!ok) restore(draft);
  };

  const current = useRef({ text, file, template });
  useEffect(() => {
    current.current = { text, file, template };
  }, [text, file, template]);
  const restore = (draft: OutgoingDraft) => {
    const now = current.current;
    if (now.text.trim() || now.file || now.template) return;
    if (draft.kind === 'text') setText(draft.text);
    else if (draft.kind === 'media') {
      setFile(draft.file);
      setText(draft.text ?? '');
    } else {
      setTemplate(draft.template);
      setVars(draft.variables);
    }
  };

  if (!canWrite) {
    return (
      <div className="border-t border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-500" data-testid="composer-readonly">
        {readOnlyReason}
      </div>
    );
  }

  const templatePicker = (
    <TemplatePicker
      templates={templates}
      template={template}
      vars={vars}
      error={templateError}
      onPick={(t) => {
        setTemplate(t);
        setVars({});
        setTemplateError(null);
      }}
      onVarsChange={setVars}
    />
  );

  return (
    <div
      className={`relative border-t border-slate-200 bg-white px-4 py-3 ${dragging ? 'ring-2 ring-inset ring-brand-500' : ''}`}
      onDragOver={(e) => {
        if (!windowOpen) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        if (!windowOpen) return;
        if (e.dataTransfer.files.length > 1) setFileError('One file per message: drop a single file.');
        else acceptFile(e.dataTransfer.files[0]);
      }}
      data-testid="composer"
    >
      {windowOpen ? (
        <div className="mb-1.5 flex items-center justify-between text-[11px] text-slate-500">
          <span data-testid="window-countdown" className={left < 3_600_000 ? 'font-medium text-amber-700' : ''}>
            24-hour window: {formatDuration(left)} left
          </span>
          <button type="button" onClick={() => setShowTemplates((s) => !s)} className="text-brand-700 hover:underline">
            {showTemplates ? 'Write a message' : 'Use a template'}
          </button>
        </div>
      ) : (
        <p className="mb-2 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-800" data-testid="window-closed">
          The customer last wrote more than 24 hours ago, so WhatsApp only allows an approved template until they reply.
        </p>
      )}

      {qrQuery !== null && windowOpen && !showTemplates && (
        <QuickReplyMenu
          query={qrQuery}
          language={conversation.language}
          loaded={qrLoaded}
          matches={qrMatches}
          index={qrIndex}
          values={fields}
          onPick={pickQuickReply}
        />
      )}

      {!windowOpen || showTemplates ? (
        templatePicker
      ) : (
        <>
          {file && (
            <div className="mb-2 flex items-center gap-2 rounded-md bg-slate-100 px-3 py-1.5 text-xs" data-testid="attachment-chip">
              <PaperclipIcon className="h-3.5 w-3.5 text-slate-500" />
              <span className="truncate font-medium">{file.name}</span> <span className="text-slate-500">{formatBytes(file.size)}</span>
              <button type="button" onClick={() => setFile(null)} className="ml-auto rounded p-0.5 text-slate-500 hover:text-slate-900" aria-label="Remove attachment">
                <XIcon className="h-3.5 w-3.5" />
              </button>
            </div>
          )}
          <textarea
            dir="auto"
            ref={textRef}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setQrIndex(0);
            }}
            onKeyDown={(e) => {
              if (qrQuery !== null && qrMatches.length) {
                if (e.key === 'ArrowDown') {
                  e.preventDefault();
                  setQrIndex((i) => (i + 1) % qrMatches.length);
                  return;
                }
                if (e.key === 'ArrowUp') {
                  e.preventDefault();
                  setQrIndex((i) => (i - 1 + qrMatches.length) % qrMatches.length);
                  return;
                }
                if (e.key === 'Enter' || e.key === 'Tab') {
                  e.preventDefault();
                  pickQuickReply(qrMatches[qrIndex]!);
                  return;
                }
              }
              if (e.key === 'Escape' && qrQuery !== null) {
                setText('');
                return;
              }
              if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                void send();
              }
            }}
            onPaste={(e) => {
              const f = e.clipboardData.files[0];
              if (f) {
                e.preventDefault();
                acceptFile(f);
              }
            }}
            rows={Math.min(6, Math.max(2, text.split('\n').length))}
            placeholder={file ? 'Add a caption (optional)…' : 'Write a reply… (Enter to send, Shift+Enter for a new line, / for quick replies)'}
            className="block w-full resize-none rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30"
            aria-label="Message"
            data-testid="composer-input"
          />
        </>
      )}
      {fileError && (
        <p role="alert" className="mt-1.5 text-xs text-rose-700" data-testid="file-error">
          {fileError}
        </p>
      )}
      <div className="mt-2 flex items-center gap-2">
        {windowOpen && !showTemplates && (
          <>
            <input
              ref={fileRef}
              type="file"
              className="hidden"
              onChange={(e) => {
                acceptFile(e.target.files?.[0]);
                e.target.value = '';
              }}
              data-testid="file-input"
            />
            <button
              type="button"
              onClick={() => fileRef.current?.click()}
              className="flex items-center gap-1 rounded-md border border-slate-300 px-2.5 py-1.5 text-xs text-slate-700 hover:bg-slate-50"
              title="Attach a file (or drop one here)"
            >
              <PaperclipIcon className="h-3.5 w-3.5" />
              Attach
            </button>
          </>
        )}
        <button
          type="button"
          onClick={() => void send()}
          disabled={template ? false : !file && !text.trim()}
          className="ml-auto rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-50"
          data-testid="send"
        >
          {template ? 'Send template' : 'Send'}
        </button>
      </div>
    </div>
  );
}
