import { ChannelsPanel } from '@/components/admin/channels-panel';
import { requirePageArea } from '@/lib/auth/page';
import { getConfig } from '@/lib/config';

export default async function ChannelsSettingsPage() {
  await requirePageArea('settings');
  const config = getConfig();
  const host = new URL(config.publicUrl).hostname;
  const unreachable = host === 'localhost' || host.endsWith('.localhost') || /^127\.|^0\.0\.0\.0$|^\[?::1\]?$/.test(host);
  return <ChannelsPanel publicUrl={config.publicUrl} publicUrlUnreachable={unreachable} simulatorEnabled={config.simulatorEnabled} />;
}
