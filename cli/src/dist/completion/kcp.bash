# kcp's completion for bash and zsh: source this file (e.g. from ~/.bashrc or ~/.zshrc).
# The script itself is generated when sourced, by the bin/kcp next to this directory from its own
# commands and options ('kcp completion'), so it always matches the kcp it completes; under zsh
# the generated script turns on bashcompinit itself.
if [ -n "${BASH_VERSION:-}" ]; then
  _kcp_completion_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
else
  _kcp_completion_dir=$(cd "$(dirname "${(%):-%x}")" && pwd)
fi
. <("$_kcp_completion_dir/../bin/kcp" completion)
unset _kcp_completion_dir
