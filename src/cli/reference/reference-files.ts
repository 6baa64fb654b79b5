// The generated reference files and their paths in the repository: written by scripts/gen-reference.mjs, compared
// by the staleness test, packaged by the release.
import { readCommandTree } from './command-tree.js';
import { renderBashCompletion, renderZshCompletion } from './completions.js';
import { renderManPage } from './man-page.js';

/** Path (relative to the repository) to content; `profileFiles` are the shipped profiles/ entries (NAME.conf). */
export function referenceFiles(profileFiles: string[]): Record<string, string> {
  const tree = readCommandTree();
  const profiles = profileFiles.map((f) => f.replace(/\.conf$/, '')).sort();
  return {
    'man/tune.1': renderManPage(tree, tree.version ?? ''),
    'completions/tune.bash': renderBashCompletion(tree, profiles),
    'completions/_tune': renderZshCompletion(tree, profiles),
  };
}
