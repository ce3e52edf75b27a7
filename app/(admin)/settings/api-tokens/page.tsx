import { ApiTokensPanel } from '@/components/admin/api-tokens-panel';
import { requirePageArea } from '@/lib/auth/page';
import { getConfig } from '@/lib/config';

export default async function ApiTokensSettingsPage() {
  await requirePageArea('settings');
  return <ApiTokensPanel publicUrl={getConfig().publicUrl} />;
}
