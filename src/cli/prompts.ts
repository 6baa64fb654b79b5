// The interactive review for apply: choose changes, acknowledge each warning, confirm. Loaded only by apply.
import type { Plan } from '../core/planner.js';

export class PromptAborted extends Error {}

/** Asks which changes to apply (refused ones shown, not selectable), acknowledges warnings, confirms. */
export async function reviewPlan(plan: Plan): Promise<string[] | null> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { checkbox, confirm } = require('@inquirer/prompts') as typeof import('@inquirer/prompts');
  try {
    const choices = plan.changes
      .filter((c) => c.status === 'change' || c.status === 'refused')
      .map((c) => ({
        name: `${c.key}: ${c.current ?? '(absent)'} -> ${c.target}`,
        value: c.key,
        checked: c.status === 'change',
        disabled:
          c.status === 'refused' ? `refused: ${c.findings.find((f) => f.severity === 'refuse')?.rule ?? ''}` : false,
      }));
    const selected = choices.some((c) => !c.disabled)
      ? await checkbox({ message: 'Changes to apply', choices, required: false })
      : [];
    for (const c of plan.changes.filter((x) => selected.includes(x.key))) {
      for (const f of c.findings.filter((x) => x.severity === 'warn')) {
        const ok = await confirm({ message: `${c.key}: ${f.rule}: ${f.message} Apply anyway?`, default: false });
        if (!ok) selected.splice(selected.indexOf(c.key), 1);
        if (!ok) break;
      }
    }
    const ok = await confirm({
      message: `Apply ${selected.length} change(s) and write ${plan.file.path}?`,
      default: false,
    });
    return ok ? selected : null;
  } catch (e) {
    if ((e as Error).name === 'ExitPromptError') throw new PromptAborted('aborted');
    throw e;
  }
}
