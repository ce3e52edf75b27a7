import { TemplatesPanel } from '@/components/admin/templates-panel';
import { requirePageArea } from '@/lib/auth/page';

export default async function TemplatesSettingsPage() {
  await requirePageArea('settings');
  return <TemplatesPanel />;
}
