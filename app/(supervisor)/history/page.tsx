import { AppShell } from '@/components/ui/app-shell';
import { HistorySearch } from '@/components/history/history-search';
import { getDb } from '@/db/client';
import { requirePageArea } from '@/lib/auth/page';
import { getFilterOptions } from '@/lib/history/options';

export const dynamic = 'force-dynamic';

export default async function HistoryPage() {
  const actor = await requirePageArea('history');
  const options = await getFilterOptions(getDb());
  return (
    <AppShell actor={actor} active="/history">
      <HistorySearch options={options} canExport />
    </AppShell>
  );
}
