import { QueuesPanel } from '@/components/admin/queues-panel';
import { requirePageArea } from '@/lib/auth/page';

export default async function QueuesSettingsPage() {
  await requirePageArea('settings');
  return <QueuesPanel />;
}
