'use client';

import { FormattedText } from './formatted-text';
import { fillTemplate, formatPlaceholders, missingPlaceholders, templateVariables } from '@/lib/templates/placeholders';

export type ComposerTemplate = { id: string; name: string; language: string; body: string; category: string | null; status: string };

/** The agent's own check before sending: null, or what is still to fill in. */
export function templateDraftError(template: ComposerTemplate, vars: Record<string, string>): string | null {
  const missing = missingPlaceholders(templateVariables(template.body), vars);
  return missing.length ? `Fill in ${formatPlaceholders(missing)}.` : null;
}

/** The approved templates of the channel, the variables form of the chosen one, and its preview. */
export function TemplatePicker({
  templates,
  template,
  vars,
  error,
  onPick,
  onVarsChange,
}: {
  templates: ComposerTemplate[] | null;
  template: ComposerTemplate | null;
  vars: Record<string, string>;
  error: string | null;
  onPick: (t: ComposerTemplate) => void;
  onVarsChange: (change: (vars: Record<string, string>) => Record<string, string>) => void;
}) {
  const variables = template ? templateVariables(template.body) : [];
  return (
    <div className="space-y-2" data-testid="template-picker">
      {error && <p className="text-xs text-rose-600">{error}</p>}
      {templates === null ? (
        <p className="text-xs text-slate-500">Loading templates…</p>
      ) : templates.length === 0 ? (
        <p className="text-xs text-slate-500">No approved templates for this channel. An admin can add them under Settings → Templates.</p>
      ) : (
        <div className="flex flex-wrap gap-1.5">
          {templates.map((t) => (
            <button
              key={t.id}
              type="button"
              onClick={() => onPick(t)}
              className={`rounded-full border px-2.5 py-1 text-xs ${template?.id === t.id ? 'border-brand-600 bg-brand-50 text-brand-800' : 'border-slate-300 hover:bg-slate-50'}`}
              data-testid="template-option"
            >
              {t.name} <span className="text-slate-400">· {t.language}</span>
            </button>
          ))}
        </div>
      )}
      {template && (
        <div className="grid gap-3 md:grid-cols-2">
          <div className="space-y-1.5">
            {variables.map((v) => (
              <label key={v} className="flex items-center gap-2 text-xs">
                <span className="w-14 shrink-0 font-mono text-slate-500">{`{{${v}}}`}</span>
                <input
                  value={vars[v] ?? ''}
                  onChange={(e) => onVarsChange((x) => ({ ...x, [v]: e.target.value }))}
                  className="flex-1 rounded border border-slate-300 px-2 py-1 text-sm"
                  aria-label={`Template variable ${v}`}
                  data-testid={`template-var-${v}`}
                />
              </label>
            ))}
            {variables.length === 0 && <p className="text-xs text-slate-500">This template has no variables.</p>}
          </div>
          <div className="rounded-md bg-emerald-50 p-2 text-sm" data-testid="template-preview">
            <div className="mb-1 text-[10px] font-semibold uppercase text-emerald-700">Preview</div>
            <FormattedText text={fillTemplate(template.body, vars)} />
          </div>
        </div>
      )}
    </div>
  );
}
