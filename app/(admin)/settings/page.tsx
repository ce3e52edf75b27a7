import { AppShell, EmptyState } from '@/components/ui/app-shell';
import { requirePageArea } from '@/lib/auth/page';

export const dynamic = 'force-dynamic';

export default async function SettingsPage() {
  const actor = await requirePageArea('settings');
  return (
    <AppShell actor={actor} active="/settings">
      <h1 className="sr-only">Settings</h1>
      <EmptyState title="Settings" testId="settings-home">
        Channels, queues, users, quick replies and templates.
      </EmptyState>
    </AppShell>
  );
}
