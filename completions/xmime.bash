# bash completion for xmime. Source it: . /path/to/node_modules/xmime/completions/xmime.bash
_xmime() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in -*) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac
  done
  case $prev in
    -o|--output|--manifest|--attachments) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --schemes) COMPREPLY=($(compgen -W "https http https,http cid" -- "$cur")); return ;;
    --variant) COMPREPLY=($(compgen -W "auto mboxo mboxrd mboxcl2" -- "$cur")); return ;;
  esac
  local opts
  case $cmd in
    '') COMPREPLY=($(compgen -W "encode decode verify compose extract convert help --help --version" -- "$cur")); return ;;
    encode) opts="--output --wire --mbox --tree --variant --debug --help" ;;
    decode) opts="--output --fetch --schemes --debug --help" ;;
    verify) opts="--wire --stats --mbox --tree --variant --debug --help" ;;
    compose) opts="--output --debug --help" ;;
    extract) opts="--output --index --message-id --debug --help" ;;
    convert) opts="--output --decode --jobs --manifest --attachments --attachment-size --resume --shard --max-size --quiet --wire --variant --debug --help" ;;
    help) COMPREPLY=($(compgen -W "encode decode verify compose extract convert help" -- "$cur")); return ;;
  esac
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
}
complete -o filenames -F _xmime xmime
