// Shell completion for bash and zsh, generated from the command tree: commands, their options (with choices) and
// which options take a value, so completion offers exactly what the parser accepts.
import { allCommands, type CommandRef, type OptionRef } from './command-tree.js';

const HEADER = 'Generated from the command tree by scripts/gen-reference.mjs (npm run docs:reference); do not edit.';

/** What a value is completed with: a fixed list, profile names, paths, or nothing to offer. */
type ValueKind = { words: readonly string[] } | 'profile' | 'file' | 'dir' | 'none';

function valueKind(o: OptionRef): ValueKind {
  if (o.choices) return { words: o.choices };
  if (o.long === '--profile') return 'profile';
  if (o.value === 'dir') return 'dir';
  if (o.value === 'file' || o.value === 'path') return 'file';
  return 'none';
}

const names = (o: OptionRef) => [o.short, o.long].filter((n): n is string => !!n);

/** The bash completion script (for /usr/share/bash-completion/completions/tune). */
export function renderBashCompletion(tree: CommandRef, profiles: string[]): string {
  const commands = allCommands(tree);
  const cases = commands.map((c) => {
    const takesValue = c.options.filter((o) => o.value).flatMap(names);
    const values = c.options
      .filter((o) => o.value)
      .map((o) => {
        const k = valueKind(o);
        const action =
          k === 'profile'
            ? '_tune_profiles'
            : k === 'file'
              ? 'COMPREPLY=($(compgen -f -- "$cur"))'
              : k === 'dir'
                ? 'COMPREPLY=($(compgen -d -- "$cur"))'
                : k === 'none'
                  ? 'COMPREPLY=()'
                  : `COMPREPLY=($(compgen -W '${k.words.join(' ')}' -- "$cur"))`;
        return `        ${names(o).join('|')}) ${action}; return ;;`;
      });
    return [
      `    '${c.path.join(' ')}')`,
      `      subs='${c.subcommands.map((s) => s.path.at(-1)).join(' ')}'`,
      `      opts='${c.options.flatMap(names).join(' ')}'`,
      `      valued=' ${takesValue.join(' ')} '`,
      `      named=${c.args.some((a) => a.name === 'name') ? 1 : ''}`,
      ...(values.length ? ['      [[ -n $prev ]] && case $prev in', ...values, '      esac'] : []),
      '      ;;',
    ].join('\n');
  });
  return `# bash completion for tune(1). ${HEADER}

_tune_profiles() {
  local own
  own=$(cd /etc/tune/profiles 2>/dev/null && for f in *.conf */tuned.conf; do [[ -e $f ]] && echo "\${f%%/tuned.conf}"; done | sed 's/\\.conf$//')
  COMPREPLY=($(compgen -W '${profiles.join(' ')} '"$own" -- "$cur") $(compgen -f -- "$cur"))
}

_tune_command() {
  case $path in
${cases.join('\n')}
  esac
}

_tune() {
  local cur prev='' path='' subs opts valued named i w
  cur=\${COMP_WORDS[COMP_CWORD]}
  # Walk the words before the cursor: a known subcommand descends, an option's value is skipped.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    _tune_command
    if [[ $valued == *" $w "* ]]; then
      ((i++))
    elif [[ $w != -* && " $subs " == *" $w "* ]]; then
      path=\${path:+$path }$w
    fi
  done
  _tune_command
  if ((COMP_CWORD > 1)) && [[ $valued == *" \${COMP_WORDS[COMP_CWORD - 1]} "* ]]; then
    prev=\${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    _tune_command
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [[ -n $named ]]; then
    _tune_profiles
  else
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  fi
}
complete -F _tune tune
`;
}

/** Text inside a zsh _arguments spec: brackets, colons and quotes escaped. */
const zq = (s: string) =>
  s
    .replace(/\\/g, '\\\\')
    .replace(/([[\]:])/g, '\\$1')
    .replace(/'/g, "'\\''");

function zshOption(o: OptionRef): string {
  const k = o.value ? valueKind(o) : undefined;
  const action =
    k === undefined
      ? ''
      : `:${zq(o.value ?? '')}:${
          k === 'profile'
            ? '_tune_profiles'
            : k === 'file'
              ? '_files'
              : k === 'dir'
                ? '_files -/'
                : k === 'none'
                  ? ' '
                  : `(${k.words.join(' ')})`
        }`;
  const spec = `[${zq(o.description)}]${action}`;
  const ns = names(o);
  const star = o.repeatable ? '*' : `(${ns.join(' ')})`;
  return ns.length > 1 ? `'${star}'{${ns.join(',')}}'${spec}'` : `'${star}${ns[0]}${spec}'`;
}

function zshFunction(c: CommandRef): string {
  const fn = ['_tune', ...c.path].join('_').replace(/-/g, '_');
  const specs = c.options.map(zshOption);
  if (c.subcommands.length) {
    const described = (t: string) => t.replace(/:/g, '\\:').replace(/'/g, "'\\''");
    const list = c.subcommands.map((s) => `    '${described(s.path.at(-1) ?? '')}:${described(s.description)}'`);
    return `${fn}() {
  local curcontext=$curcontext state line
  local -a commands=(
${list.join('\n')}
  )
  _arguments -C \\
    ${[...specs, "'1: :->command'", "'*:: :->arguments'"].join(' \\\n    ')}
  case $state in
    command) _describe -t commands 'tune command' commands ;;
    arguments) (( $+functions[${fn}_$line[1]] )) && ${fn}_$line[1] ;;
  esac
}`;
  }
  const args = c.args.map((a) =>
    a.name === 'name'
      ? `'${a.required ? '' : ':'}:${a.name}:_tune_profiles'`
      : `'${a.required ? '' : ':'}:${a.name}: '`,
  );
  return `${fn}() {
  _arguments \\
    ${[...specs, ...args].join(' \\\n    ')}
}`;
}

/** The zsh completion function (for /usr/share/zsh/vendor-completions/_tune). */
export function renderZshCompletion(tree: CommandRef, profiles: string[]): string {
  return `#compdef tune
# zsh completion for tune(1). ${HEADER}

_tune_profiles() {
  local -a own=(/etc/tune/profiles/*.conf(N:t:r) /etc/tune/profiles/*/tuned.conf(N:h:t))
  _alternatives 'profiles:profile:(${profiles.join(' ')} $own)' 'files:profile file:_files'
}

${allCommands(tree).map(zshFunction).join('\n\n')}

_tune "$@"
`;
}
