import { AppShell, EmptyState } from '@/components/ui/app-shell';
import { requirePageArea } from '@/lib/auth/page';

export const dynamic = 'force-dynamic';

export default async function InboxPage() {
  const actor = await requirePageArea('agentWorkspace');
  return (
    <AppShell actor={actor} active="/inbox">
      <h1 className="sr-only">Inbox</h1>
      <EmptyState title="Your inbox" testId="inbox-home">
        Chats offered or assigned to you appear here.
      </EmptyState>
    </AppShell>
  );
}
