# bash completion for pgrampart
_pgrampart() {
    local cur prev cmd
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    cmd="${COMP_WORDS[1]}"
    if [ "$COMP_CWORD" -eq 1 ]; then
        # The commands, from the usage lines of --help (main.c builds them from its table).
        COMPREPLY=($(compgen -W "$(pgrampart --help 2>/dev/null | sed -n 's/^\(usage:\)\{0,1\} *pgrampart \([a-z][a-z]*\).*/\2/p') --help --version" -- "$cur"))
        return
    fi
    case "$prev" in
        --format) COMPREPLY=($(compgen -W "$(pgrampart check --format list 2>/dev/null | awk '{print $1}')" -- "$cur")); return ;;
        --fail-on) COMPREPLY=($(compgen -W "error warning info" -- "$cur")); return ;;
        --config|--baseline|--write-baseline|--output|--services|--stdin-filename) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --select|--ignore) COMPREPLY=($(compgen -W "$(pgrampart rules 2>/dev/null | awk '{print $1}')" -- "$cur")); return ;;
        --color) COMPREPLY=($(compgen -W "always never auto" -- "$cur")); return ;;
        --plugin-dir|--migrations) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    esac
    case "$cmd" in
        explain)
            COMPREPLY=($(compgen -W "--markdown --readme-table $(pgrampart rules 2>/dev/null | awk '{print $1}')" -- "$cur")) ;;
        check)
            COMPREPLY=($(compgen -W "--format --fail-on --staged --diff-base --baseline --write-baseline --output --jobs --select --ignore --exit-zero --quiet --statistics --stdin-filename --color --config --plugin-dir --no-color --help" -- "$cur"))
            [ "${cur#-}" = "$cur" ] && COMPREPLY+=($(compgen -f -- "$cur")) ;;
        audit)
            COMPREPLY=($(compgen -W "--migrations --inventory --all-databases --services --jobs --schema --exclude-schema --timeout --format --fail-on --output --select --ignore --exit-zero --quiet --statistics --color --config --plugin-dir --no-color --help" -- "$cur")) ;;
        verify)
            COMPREPLY=($(compgen -W "--server --server-user --timeout --format --fail-on --output --select --ignore --exit-zero --quiet --statistics --color --config --plugin-dir --no-color --help" -- "$cur"))
            [ "${cur#-}" = "$cur" ] && COMPREPLY+=($(compgen -d -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "--help" -- "$cur")) ;;
    esac
}
complete -o filenames -F _pgrampart pgrampart
