# bash completion for tune(1). Generated from the command tree by scripts/gen-reference.mjs (npm run docs:reference); do not edit.

_tune_profiles() {
  local own
  own=$(cd /etc/tune/profiles 2>/dev/null && for f in *.conf */tuned.conf; do [[ -e $f ]] && echo "${f%%/tuned.conf}"; done | sed 's/\.conf$//')
  COMPREPLY=($(compgen -W 'nfs-client proxy short-connection-api syn-flood-guard '"$own" -- "$cur") $(compgen -f -- "$cur"))
}

_tune_command() {
  case $path in
    '')
      subs='plan snapshot profiles audit explain apply rollback reset history status confirm recover verify diagnose check metrics watch'
      opts='-V --version -h --help'
      valued='  '
      named=
      ;;
    'plan')
      subs=''
      opts='-p --profile --set --allow --root --file --snapshot --json --format --max-age --fail-on --detailed-exitcode -h --help'
      valued=' -p --profile --set --allow --root --file --snapshot --format --max-age --fail-on '
      named=
      [[ -n $prev ]] && case $prev in
        -p|--profile) _tune_profiles; return ;;
        --set) COMPREPLY=(); return ;;
        --allow) COMPREPLY=(); return ;;
        --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --snapshot) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --format) COMPREPLY=(); return ;;
        --max-age) COMPREPLY=(); return ;;
        --fail-on) COMPREPLY=(); return ;;
      esac
      ;;
    'snapshot')
      subs=''
      opts='-o --output --all --root -h --help'
      valued=' -o --output --root '
      named=
      [[ -n $prev ]] && case $prev in
        -o|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
      esac
      ;;
    'profiles')
      subs='show'
      opts='--json --root -h --help'
      valued=' --root '
      named=
      [[ -n $prev ]] && case $prev in
        --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
      esac
      ;;
    'profiles show')
      subs=''
      opts='--json --root -h --help'
      valued=' --root '
      named=1
      [[ -n $prev ]] && case $prev in
        --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
      esac
      ;;
    'audit')
      subs=''
      opts='--root --snapshot --json --format --fail-on -h --help'
      valued=' --root --snapshot --format --fail-on '
      named=
      [[ -n $prev ]] && case $prev in
        --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --snapshot) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --format) COMPREPLY=(); return ;;
        --fail-on) COMPREPLY=(); return ;;
      esac
      ;;
    'explain')
      subs=''
      opts='--root --snapshot --json -h --help'
      valued=' --root --snapshot '
      named=
      [[ -n $prev ]] && case $prev in
        --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --snapshot) COMPREPLY=($(compgen -f -- "$cur")); return ;;
      esac
      ;;
    'apply')
      subs=''
      opts='-p --profile --set --allow --root --file --state-dir -y --yes --skip-refused --dry-run -m --message --plan --confirm-within --adopt -h --help'
      valued=' -p --profile --set --allow --root --file --state-dir -m --message --plan --confirm-within '
      named=
      [[ -n $prev ]] && case $prev in
        -p|--profile) _tune_profiles; return ;;
        --set) COMPREPLY=(); return ;;
        --allow) COMPREPLY=(); return ;;
        --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --state-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        -m|--message) COMPREPLY=(); return ;;
        --plan) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --confirm-within) COMPREPLY=(); return ;;
      esac
      ;;
    'rollback')
      subs=''
      opts='--root --state-dir -y --yes --force -h --help'
      valued=' --root --state-dir '
      named=
      [[ -n $prev ]] && case $prev in
        --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --state-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
      esac
      ;;
    'reset')
      subs=''
      opts='--root --state-dir -y --yes --force -h --help'
      valued=' --root --state-dir '
      named=
      [[ -n $prev ]] && case $prev in
        --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --state-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
      esac
      ;;
    'history')
      subs=''
      opts='--state-dir --json -h --help'
      valued=' --state-dir '
      named=
      [[ -n $prev ]] && case $prev in
        --state-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
      esac
      ;;
    'status')
      subs=''
      opts='--root --state-dir --json -h --help'
      valued=' --root --state-dir '
      named=
      [[ -n $prev ]] && case $prev in
        --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --state-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
      esac
      ;;
    'confirm')
      subs=''
      opts='--state-dir -h --help'
      valued=' --state-dir '
      named=
      [[ -n $prev ]] && case $prev in
        --state-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
      esac
      ;;
    'recover')
      subs=''
      opts='--root --state-dir -h --help'
      valued=' --root --state-dir '
      named=
      [[ -n $prev ]] && case $prev in
        --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --state-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
      esac
      ;;
    'verify')
      subs=''
      opts='--root --file --json -h --help'
      valued=' --root --file '
      named=
      [[ -n $prev ]] && case $prev in
        --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
      esac
      ;;
    'diagnose')
      subs=''
      opts='--json --interval --root --top --source --port --dst --state -h --help'
      valued=' --interval --root --top --source --port --dst --state '
      named=
      [[ -n $prev ]] && case $prev in
        --interval) COMPREPLY=(); return ;;
        --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --top) COMPREPLY=(); return ;;
        --source) COMPREPLY=($(compgen -W 'auto netlink procfs' -- "$cur")); return ;;
        --port) COMPREPLY=(); return ;;
        --dst) COMPREPLY=(); return ;;
        --state) COMPREPLY=(); return ;;
      esac
      ;;
    'check')
      subs=''
      opts='--warn --crit --root --top --source --port --dst --state -h --help'
      valued=' --warn --crit --root --top --source --port --dst --state '
      named=
      [[ -n $prev ]] && case $prev in
        --warn) COMPREPLY=(); return ;;
        --crit) COMPREPLY=(); return ;;
        --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --top) COMPREPLY=(); return ;;
        --source) COMPREPLY=($(compgen -W 'auto netlink procfs' -- "$cur")); return ;;
        --port) COMPREPLY=(); return ;;
        --dst) COMPREPLY=(); return ;;
        --state) COMPREPLY=(); return ;;
      esac
      ;;
    'metrics')
      subs=''
      opts='-o --output --root --top --source --port --dst --state -h --help'
      valued=' -o --output --root --top --source --port --dst --state '
      named=
      [[ -n $prev ]] && case $prev in
        -o|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --top) COMPREPLY=(); return ;;
        --source) COMPREPLY=($(compgen -W 'auto netlink procfs' -- "$cur")); return ;;
        --port) COMPREPLY=(); return ;;
        --dst) COMPREPLY=(); return ;;
        --state) COMPREPLY=(); return ;;
      esac
      ;;
    'watch')
      subs=''
      opts='--interval --count --json --root --top --source --port --dst --state -h --help'
      valued=' --interval --count --root --top --source --port --dst --state '
      named=
      [[ -n $prev ]] && case $prev in
        --interval) COMPREPLY=(); return ;;
        --count) COMPREPLY=(); return ;;
        --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --top) COMPREPLY=(); return ;;
        --source) COMPREPLY=($(compgen -W 'auto netlink procfs' -- "$cur")); return ;;
        --port) COMPREPLY=(); return ;;
        --dst) COMPREPLY=(); return ;;
        --state) COMPREPLY=(); return ;;
      esac
      ;;
  esac
}

_tune() {
  local cur prev='' path='' subs opts valued named i w
  cur=${COMP_WORDS[COMP_CWORD]}
  # Walk the words before the cursor: a known subcommand descends, an option's value is skipped.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    _tune_command
    if [[ $valued == *" $w "* ]]; then
      ((i++))
    elif [[ $w != -* && " $subs " == *" $w "* ]]; then
      path=${path:+$path }$w
    fi
  done
  _tune_command
  if ((COMP_CWORD > 1)) && [[ $valued == *" ${COMP_WORDS[COMP_CWORD - 1]} "* ]]; then
    prev=${COMP_WORDS[COMP_CWORD - 1]}
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
