import { AppError } from '@/lib/errors';
import { actorFromRequest } from './session';
import { canAccess, type Actor, type Area } from './roles';

/** 401 without a valid session or token; 403 when the role may not use `area`. */
export async function requireActor(req: Request, area?: Area): Promise<Actor> {
  const actor = await actorFromRequest(req);
  if (!actor) throw new AppError('unauthorized:Sign in, or send a valid API token.');
  if (area && !canAccess(actor.role, area)) {
    throw new AppError(`forbidden:Your role (${actor.role}) cannot do this.`);
  }
  return actor;
}
