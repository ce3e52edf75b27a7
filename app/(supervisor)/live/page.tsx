import { AppShell, EmptyState } from '@/components/ui/app-shell';
import { requirePageArea } from '@/lib/auth/page';

export const dynamic = 'force-dynamic';

export default async function LivePage() {
  const actor = await requirePageArea('supervise');
  return (
    <AppShell actor={actor} active="/live">
      <h1 className="sr-only">Live queues</h1>
      <EmptyState title="Live queues" testId="live-home">
        Waiting and active chats per queue, and your agents&apos; load, appear here.
      </EmptyState>
    </AppShell>
  );
}
