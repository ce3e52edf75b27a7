import { AppShell } from '@/components/ui/app-shell';
import { AgentWorkspace } from '@/components/inbox/agent-workspace';
import { requirePageArea } from '@/lib/auth/page';

export const dynamic = 'force-dynamic';

export default async function InboxPage() {
  const actor = await requirePageArea('agentWorkspace');
  return (
    <AppShell actor={actor} active="/inbox">
      <h1 className="sr-only">Inbox</h1>
      <AgentWorkspace />
    </AppShell>
  );
}
