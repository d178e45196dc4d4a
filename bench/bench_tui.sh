#!/bin/sh
# bench/bench_tui.sh -- the interface's responsiveness (see bench/README.md).
#
#   sh bench/bench_tui.sh BIN DATASETS [DATA [LABEL]]
#
# BIN is the collabtui binary, DATASETS the folder holding ml-100k/.  Runs
# the interface in a private tmux server (its own -L socket, 120x40), and
# prints two rows of make bench's table (bench/bench.h's format; the peak
# RSS is the interface's VmHWM):
#
#   tui-key-latency   key-to-screen latency while training runs flat out:
#                     the median and the 99th percentile (max and count
#                     after them) of KEYS (default 200) navigation keys,
#                     from the times `collabtui --trace FILE` records (each
#                     key from the moment it is read to the end of the
#                     refresh that shows its effect);
#   tui-idle-cpu-3s   the CPU time (user + system, all threads, from
#                     /proc/PID/stat) the interface uses in 3 s with
#                     nothing happening, after loading and one training run.
#
# With DATA (a large dataset, e.g. the 25M one `collabtui synth` writes;
# LABEL names it in the table, default its folder's name) it measures the
# interface at scale instead, from FILE.events of --trace, in one run with
# --trainer fast:
#
#   tui-load          start to the screen showing the loaded dataset;
#   tui-key-latency   as above, while a fast-trainer epoch runs;
#   tui-curve-gap     the gaps between screens showing new training
#                     progress (median, largest);
#   tui-stop          from the stop key, mid-epoch, to the screen showing
#                     the run stopped.
set -eu

usage="usage: sh bench/bench_tui.sh BIN DATASETS [DATA [LABEL]]"
bin=${1:?$usage}
datasets=${2:?$usage}
data=${3:-}
label=${4:-}
nkeys=${KEYS:-200}
ml=$datasets/ml-100k
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
case $ml in /*) ;; *) ml=$(pwd)/$ml ;; esac
[ -z "$data" ] || case $data in /*) ml=$data ;; *) ml=$(pwd)/$data ;; esac

if [ ! -d "$ml" ]; then
	echo "bench: $ml not found; pass the folder holding ml-100k/ (make bench DATASETS=...)" >&2
	exit 1
fi
if ! command -v tmux >/dev/null 2>&1; then
	echo "bench: tmux not found (apt-get install tmux)" >&2
	exit 1
fi
if [ ! -r /proc/self/stat ]; then
	echo "bench: /proc is needed for the CPU time" >&2
	exit 1
fi

. "$(dirname "$0")/tmuxbench.sh"
tmuxbench_setup tui

# start ARGS...: collabtui in a fresh 120x40 pane, scratch HOME and XDG dirs
start() {
	tm kill-server 2>/dev/null || true
	tm start-server \; set-option -g status off \; \
		set-option -g default-shell /bin/sh \; \
		new-session -d -s b -x 120 -y 40 \
		"cd '$tmp' && exec env -u NO_COLOR HOME='$tmp' XDG_CONFIG_HOME='$tmp' \
XDG_DATA_HOME='$tmp' TERM=$term LANG=C.UTF-8 LC_ALL=C.UTF-8 '$bin' --data '$ml' $*"
}

# wait_for TEXT [SECONDS]: poll the screen (up to 60 s) until TEXT is on it
wait_for() {
	i=0
	while ! tm capture-pane -p -t b 2>/dev/null | grep -qF -- "$1"; do
		i=$((i + 1))
		if [ $i -gt $((${2:-60} * 20)) ]; then
			echo "bench: \"$1\" never appeared; the screen:" >&2
			tm capture-pane -p -t b >&2 || true
			exit 1
		fi
		sleep 0.05
	done
}

# wait_exit: poll until the pane's process has gone (up to 60 s)
wait_exit() {
	i=0
	while tm has-session -t b 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 1200 ]; then
			echo "bench: collabtui did not quit" >&2
			exit 1
		fi
		sleep 0.05
	done
}

# press_keys: KEYS navigation keys 20 ms apart in the movie list.  j/k move
# the selection (a redraw each); every 20th key moves the focus away and
# back (Tab, Shift-Tab).  No digits: in a movie list they rate the movie.
press_keys() {
	tm send-keys -t b 4
	i=0
	while [ $i -lt "$nkeys" ]; do
		i=$((i + 1))
		case $((i % 20)) in
		0) key=Tab ;;
		1) key=BTab ;;
		*) if [ $((i % 2)) -eq 0 ]; then key=j; else key=k; fi ;;
		esac
		tm send-keys -t b "$key"
		sleep 0.02
	done
	# still training?  (the status line says "training started" or "training")
	if ! tm capture-pane -p -t b | tail -n 1 | grep -Eq "training( started)? *$"; then
		echo "bench: warning: training was not running at the last key" >&2
	fi
}

# The table's row format (bench/bench.h's BENCH_ROW_FMT).
fmt='%-26s %-14s %12s %18s %10s  %s\n'

# peak resident memory of process $1, in MiB
hwm() { awk '/^VmHWM:/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$1/status"; }

# key_line DATASET WHAT RSS: the tui-key-latency row from $tmp/trace
key_line() {
	if [ ! -s "$tmp/trace" ]; then
		echo "bench: collabtui wrote no trace" >&2
		exit 1
	fi
	sort -n "$tmp/trace" | awk -v want="$nkeys" -v ds="$1" -v what="$2" -v rss="$3" -v fmt="$fmt" '
		{ v[NR] = $1 }
		function pct(p,   k) { k = int(p * NR + 0.999999); if (k < 1) k = 1; return v[k] / 1000 }
		END {
			printf fmt, "tui-key-latency", ds, sprintf("%.2f ms", pct(0.50)), "-", rss,
			       sprintf("p99 %.2f ms, max %.2f ms, %d keys, %s", pct(0.99),
				       v[NR] / 1000, NR, what)
			if (NR < want)
				printf "bench: warning: %d keys traced of %d sent\n", NR, want > "/dev/stderr"
		}'
}

# ---- at scale: load, keys while a fast epoch runs, curve updates, stop ----
if [ -n "$data" ]; then
	name=${label:-$(basename "$ml")}
	start --trace "$tmp/trace" --trainer fast --opt sgd --mom 0 --lr 0.02 --wd 0.05 \
		--schedule constant --epochs 1000 --valid-pct 0.1
	wait_for "density" 300          # the summary: the load is over
	tm send-keys -t b t
	# the run is prepared first (the split, the fast trainer's blocks)
	wait_for "epoch 1/1000" 300
	press_keys
	sleep 1                         # mid-epoch, at some point of it
	rss=$(hwm "$(tm display-message -p -t b '#{pane_pid}')")
	tm send-keys -t b s
	wait_for "training stopped" 60
	tm send-keys -t b q
	wait_exit
	key_line "$name" "fast trainer, 1000 epochs" "$rss"
	awk -v ds="$name" -v rss="$rss" -v fmt="$fmt" '
		$1 == "load" { load = $2 / 1e6 }
		$1 == "stop" { stop = $2 / 1000 }
		$1 == "curve" { g[++n] = $2 / 1000 }
		END {
			printf fmt, "tui-load", ds, sprintf("%.2f s", load), "-", rss,
			       "start to the loaded summary on screen"
			for (i = 2; i <= n; i++)        # insertion sort: n is small
				for (j = i; j > 1 && g[j - 1] > g[j]; j--) { t = g[j]; g[j] = g[j - 1]; g[j - 1] = t }
			if (n)
				printf fmt, "tui-curve-gap", ds, sprintf("%.0f ms", g[int((n + 1) / 2)]),
				       "-", rss, sprintf("max %.0f ms, %d gaps while training", g[n], n)
			printf fmt, "tui-stop", ds, sprintf("%.1f ms", stop), "-", rss,
			       "stop key mid-epoch to the stopped screen"
		}' "$tmp/trace.events"
	exit 0
fi

# ---- key-to-screen latency while training --------------------------------
# 1000 epochs: far longer than the keys take, so training never pauses.
start --trace "$tmp/trace" --epochs 1000
wait_for "users 943"
tm send-keys -t b t
wait_for "epoch 1/1000"
press_keys
rss=$(hwm "$(tm display-message -p -t b '#{pane_pid}')")
tm send-keys -t b q
wait_for "Quit anyway?"
tm send-keys -t b y
wait_exit
key_line ml-100k "training 1000 epochs" "$rss"

# ---- CPU time when idle ---------------------------------------------------
start --epochs 5
wait_for "users 943"
tm send-keys -t b t
wait_for "training finished"
pid=$(tm display-message -p -t b '#{pane_pid}')
sleep 0.5                               # let the last redraw settle
hz=$(getconf CLK_TCK)
ticks() { sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }'; }
t0=$(ticks)
sleep 3
t1=$(ticks)
rss=$(hwm "$pid")
tm send-keys -t b q
wait_exit
echo "$t0 $t1 $hz" | awk -v rss="$rss" -v fmt="$fmt" '{
	printf fmt, "tui-idle-cpu-3s", "ml-100k", sprintf("%.0f ms", ($2 - $1) * 1000 / $3), "-", rss,
	       sprintf("CPU time (user + system) in 3 s idle, ticks of 1/%d s", $3) }'
