import type { Db } from '@/db/client';
import { getTemplateByContentSid } from '@/db/queries/templates';
import { fillTemplate } from '@/lib/templates/placeholders';

/** The text a customer sees for a ContentSid: the template's body with {{1}}… filled in. Null: unknown sid. */
export async function renderTemplate(
  db: Db,
  { contentSid, variables }: { contentSid: string; variables: Record<string, string> },
): Promise<string | null> {
  const template = await getTemplateByContentSid(db, { contentSid });
  if (!template) return null;
  return fillTemplate(template.body, { ...template.variables, ...variables });
}
