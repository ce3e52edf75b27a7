import { PrivacyPanel } from '@/components/admin/privacy-panel';
import { requirePageArea } from '@/lib/auth/page';

export default async function PrivacySettingsPage() {
  await requirePageArea('settings');
  return <PrivacyPanel />;
}
