import { AppShell } from '@/components/ui/app-shell';
import { ReportsView } from '@/components/reports/reports-view';
import { getDb } from '@/db/client';
import { requirePageArea } from '@/lib/auth/page';
import { getFilterOptions } from '@/lib/history/options';

export const dynamic = 'force-dynamic';

export default async function ReportsPage() {
  const actor = await requirePageArea('supervise');
  const options = await getFilterOptions(getDb());
  return (
    <AppShell actor={actor} active="/reports">
      <ReportsView options={options} />
    </AppShell>
  );
}
