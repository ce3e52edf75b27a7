import { AppShell } from '@/components/ui/app-shell';
import { LiveView } from '@/components/supervisor/live-view';
import { requirePageArea } from '@/lib/auth/page';

export const dynamic = 'force-dynamic';

export default async function LivePage() {
  const actor = await requirePageArea('supervise');
  return (
    <AppShell actor={actor} active="/live">
      <LiveView />
    </AppShell>
  );
}
