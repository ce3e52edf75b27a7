import { QuickRepliesPanel } from '@/components/admin/quick-replies-panel';
import { requirePageArea } from '@/lib/auth/page';

export default async function QuickRepliesSettingsPage() {
  const actor = await requirePageArea('settings');
  return <QuickRepliesPanel agentName={actor.name} />;
}
