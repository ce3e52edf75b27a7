import { SettingsTabs } from '@/components/admin/settings-tabs';
import { AppShell } from '@/components/ui/app-shell';
import { requirePageArea } from '@/lib/auth/page';

export const dynamic = 'force-dynamic';

export default async function SettingsLayout({ children }: { children: React.ReactNode }) {
  const actor = await requirePageArea('settings');
  return (
    <AppShell actor={actor} active="/settings">
      <div className="border-b border-slate-200 bg-white px-6 pt-4">
        <h1 className="text-xl font-semibold text-slate-900">Settings</h1>
        <div className="mt-2">
          <SettingsTabs />
        </div>
      </div>
      <main className="mx-auto w-full max-w-6xl flex-1 px-6 py-6">{children}</main>
    </AppShell>
  );
}
