// The interactive review for apply and rollback: choose changes, acknowledge each warning, confirm. Loaded only
// when a terminal asks (plan and --help never load the prompt library).
import type { Plan } from '../core/plan/planner.js';
import { normalizeValue } from '../core/sysctl/sysctl-value.js';

export class PromptAborted extends Error {}

type Prompts = typeof import('@inquirer/prompts');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const prompts = (): Prompts => require('@inquirer/prompts') as Prompts;

/** Runs a prompt; Ctrl-C (or a closed terminal) becomes PromptAborted. */
async function asking<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if ((e as Error).name === 'ExitPromptError') throw new PromptAborted('aborted');
    throw e;
  }
}

const shown = (v: string | null) => (v === null ? '(absent)' : normalizeValue(v));

/**
 * Asks which changes to apply (refused ones shown, not selectable) and acknowledges each warning of a selected
 * change; returns the selected keys. `selectable: false` (a saved plan) skips the checklist: the plan is whole.
 */
export async function chooseChanges(plan: Plan, selectable: boolean): Promise<string[]> {
  const { checkbox, confirm } = prompts();
  return asking(async () => {
    const changes = plan.changes.filter((c) => c.status === 'change');
    const choices = plan.changes
      .filter((c) => c.status === 'change' || c.status === 'refused')
      .map((c) => ({
        name: `${c.key}: ${shown(c.current)} -> ${shown(c.target)}`,
        value: c.key,
        checked: c.status === 'change',
        disabled:
          c.status === 'refused' ? `refused: ${c.findings.find((f) => f.severity === 'refuse')?.rule ?? ''}` : false,
      }));
    const selected =
      selectable && changes.length
        ? await checkbox({ message: 'Changes to apply', choices, required: false })
        : changes.map((c) => c.key);
    for (const c of changes.filter((x) => selected.includes(x.key))) {
      for (const f of c.findings.filter((x) => x.severity === 'warn')) {
        const ok = await confirm({ message: `${c.key}: ${f.rule}: ${f.message} Apply anyway?`, default: false });
        if (ok) continue;
        if (!selectable) return [];
        selected.splice(selected.indexOf(c.key), 1);
        break;
      }
    }
    return selected;
  });
}

/** A yes/no question that defaults to no. */
export async function confirmYes(message: string): Promise<boolean> {
  return asking(() => prompts().confirm({ message, default: false }));
}

/** "Keep the change?" until the deadline: true, false, or 'deadline' when the time ran out unanswered. */
export async function keepChange(message: string, deadline: Date): Promise<boolean | 'deadline'> {
  const signal = AbortSignal.timeout(Math.max(0, deadline.getTime() - Date.now()));
  try {
    return await asking(() => prompts().confirm({ message, default: true }, { signal }));
  } catch (e) {
    if ((e as Error).name === 'AbortPromptError') return 'deadline';
    throw e;
  }
}
