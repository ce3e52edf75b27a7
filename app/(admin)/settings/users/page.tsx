import { UsersPanel } from '@/components/admin/users-panel';
import { requirePageArea } from '@/lib/auth/page';

export default async function UsersSettingsPage() {
  const actor = await requirePageArea('settings');
  return <UsersPanel currentUserId={actor.id} />;
}
