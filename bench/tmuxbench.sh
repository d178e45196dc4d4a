# bench/tmuxbench.sh -- what the benchmarks that drive the interface share,
# sourced (`. bench/tmuxbench.sh`) by bench_tui.sh and bench_soak.sh.
#
#   tmuxbench_setup NAME
#
# sets sock (a private tmux socket: the script never touches the default
# server), tmp (a scratch folder), traps that kill that server and remove
# tmp on exit, tm() (tmux on that socket, no user config) and term (the
# TERM the pane gets: tmux-256color where its terminfo exists).

tmuxbench_setup() {
	sock=collabtui-$1-$$
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/collabtui-bench-$1.XXXXXX")
	trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT
	trap 'exit 1' INT TERM
	term=xterm-256color
	for d in /usr/share/terminfo /lib/terminfo /etc/terminfo; do
		[ -e "$d/t/tmux-256color" ] && term=tmux-256color
	done
	return 0
}

tm() { tmux -L "$sock" -f /dev/null "$@"; }
