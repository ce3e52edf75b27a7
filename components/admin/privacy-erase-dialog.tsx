'use client';

import { useState } from 'react';
import type { PrivacyContactDetailDto } from '@/lib/privacy/contacts';
import type { ErasureReceipt } from '@/lib/privacy/receipts';
import { Modal } from '@/components/ui/modal';
import { Button, Field, Notice, inputClass } from '@/components/ui/form';
import { api } from '@/components/api/client';
import { useSubmit } from './use-settings';

const digits = (s: string) => s.replace(/\D/g, '');
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** "Type the number to erase": the one way to erase a contact from the UI. */
export function PrivacyEraseDialog({
  contact,
  onClose,
  onErased,
}: {
  contact: PrivacyContactDetailDto;
  onClose: () => void;
  onErased: (r: ErasureReceipt) => void;
}) {
  const [confirm, setConfirm] = useState('');
  const { busy, error, errors, run } = useSubmit();
  const matches = digits(confirm) !== '' && digits(confirm) === digits(contact.phone);

  function erase(e: React.FormEvent) {
    e.preventDefault();
    if (!matches) return;
    void run(async () => {
      onErased(await api<ErasureReceipt>(`/api/v1/contacts/${contact.id}/erase`, { method: 'POST', json: { confirm } }));
    }, 'erase');
  }

  return (
    <Modal title="Erase this contact?" onClose={onClose} testId="privacy-erase-dialog">
      <form onSubmit={erase} noValidate className="space-y-4">
        <div className="space-y-2 text-sm text-slate-700">
          <p>
            Everything Parley holds about <strong>{contact.name ?? contact.phone}</strong> is removed for good: what they wrote and were sent (
            {plural(contact.counts.messages, 'message')}, {plural(contact.counts.attachments, 'file')}), their name and their number.
            {contact.counts.openConversations > 0 && ' Their open conversation is resolved first.'}
          </p>
          <p>Reports keep their numbers. The audit log records that you erased a contact, not what was said. This cannot be undone.</p>
        </div>
        <Field id="privacy-confirm" label={`Type the number ${contact.phone} to confirm`} error={errors.confirm}>
          <input
            id="privacy-confirm"
            className={`${inputClass} font-mono`}
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            inputMode="tel"
            autoComplete="off"
            autoFocus
            aria-invalid={!!errors.confirm}
            data-testid="privacy-confirm"
          />
        </Field>
        {error && !errors.confirm && <Notice tone="error">{error}</Notice>}
        <div className="flex flex-wrap justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="danger" disabled={!matches || busy} data-testid="privacy-confirm-erase">
            {busy ? 'Erasing…' : 'Erase everything'}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
