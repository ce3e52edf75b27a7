import Link from 'next/link';
import { AppShell } from '@/components/ui/app-shell';
import { TranscriptView } from '@/components/history/transcript-view';
import { requirePageArea } from '@/lib/auth/page';
import { isUuid } from '@/lib/ids';

export const dynamic = 'force-dynamic';

export default async function TranscriptPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageArea('history');
  const { id } = await params;
  // A mistyped or cut-off link reads like an unknown one, not as a validation message about UUIDs.
  const wellFormed = isUuid(id);
  return (
    <AppShell actor={actor} active="/history">
      <div className="border-b border-slate-200 bg-white px-5 py-2 text-sm">
        <Link href="/history" className="text-brand-700 hover:underline" data-testid="back-to-history">
          ← Back to history
        </Link>
      </div>
      {wellFormed ? (
        <TranscriptView conversationId={id} />
      ) : (
        <p className="p-6 text-sm text-red-700" role="alert" data-testid="transcript-error">
          No such conversation: the link may be incomplete.
        </p>
      )}
    </AppShell>
  );
}
