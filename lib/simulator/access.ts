import type { Channel } from '@/db/schema';
import { getChannelById, listSimulatorChannels } from '@/db/queries/channels';
import { getDb } from '@/db/client';
import { requireActor } from '@/lib/auth/guard';
import type { Actor } from '@/lib/auth/roles';
import { getConfig } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { toSimulatorChannelDto, type SimulatorChannelDto } from './dto';

/** Every simulator endpoint answers 404 when the simulator is off: it does not exist. */
export function assertSimulatorEnabled(): void {
  if (!getConfig().simulatorEnabled) throw new AppError('not_found:Not found.');
}

/**
 * The customer's side of the simulator: admins and supervisors. The embedded demo listening on
 * loopback only (its default) opens it without signing in, the way its login page offers it: only
 * someone at this machine can reach it. Open to the network (HOST=0.0.0.0), it needs a login.
 */
export async function requireSimulatorAccess(req: Request): Promise<Actor | null> {
  assertSimulatorEnabled();
  if (openDemo()) return null;
  return requireActor(req, 'simulator');
}

/** The embedded demo on loopback: the one setting in which demo logins and the simulator are open. */
export function openDemo(): boolean {
  const c = getConfig();
  return c.embedded && c.loopbackOnly;
}

/** An active simulator channel, or 404 (a Twilio channel is never driven by the simulator). */
export async function getSimulatorChannel(channelId: string): Promise<Channel> {
  const channel = /^[0-9a-f-]{36}$/i.test(channelId) ? await getChannelById(getDb(), { id: channelId }) : undefined;
  if (!channel || channel.provider !== 'simulator' || !channel.active) {
    throw new AppError('not_found:No active simulator channel with this id.');
  }
  return channel;
}

/** The simulator channels as the phone view lists them. */
export async function listSimulatorChannelDtos(): Promise<SimulatorChannelDto[]> {
  return (await listSimulatorChannels(getDb())).map(toSimulatorChannelDto);
}
