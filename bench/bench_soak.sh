#!/bin/sh
# bench/bench_soak.sh -- the interface's memory over a long session (see
# bench/README.md).
#
#   sh bench/bench_soak.sh BIN
#
# Runs `BIN --demo --epochs 1` (the built-in demo set: no files) in a
# private tmux server (its own -L socket, 120x40), focuses the Movies pane,
# and does RUNS (default 400) runs of: two resizes (to another size and
# back), a rating (a digit on one of 20 movies in turn, so the ratings file
# stays small), then a training run (`t`), every other one stopped at once
# (`t` `s`).  Each step waits for the screen (a resize: the status line on
# the new last row; a rating or a run: its message on the status line).  The
# interface's VmRSS (/proc/PID/status) is sampled every EVERY runs
# (default 10).  It prints one row of make bench's table (bench/bench.h's
# format; the peak RSS column is the VmHWM at the end):
#
#   tui-soak   RSS at the end, the run count, RSS after the warm-up and at
#              the end, the slope over the last half, and the verdict.
#
# The verdict, after a warm-up of WARMUP runs (default 50: the caches,
# the Runs pane's first records):
#   - the RSS at the end may exceed the RSS after the warm-up by at most
#     BOUND_MIB (default 8) MiB, and
#   - the least-squares slope of the samples over the last half of the runs
#     may be at most SLOPE_KIB (default 2) KiB a run: a leak of a few KB a
#     run (the Runs pane before its cap, ~12 KB a run) stays under any
#     fixed bound for a few hundred runs, but not under this.  The Runs
#     pane keeps the newest 200 runs (STATE_RUNS_MAX), and its array fills
#     a page every other run until then (a stopped run is not recorded), so
#     the run history is filled with PREFILL (default 200) copies of one
#     headless run before the interface starts: every run of the soak is
#     then past the cap, and what grows is a leak, not the pane filling.
# Either failing prints "bench: tui-soak FAILED: ..." and exits 1.
set -eu

usage="usage: sh bench/bench_soak.sh BIN"
bin=${1:?$usage}
runs=${RUNS:-400}
every=${EVERY:-10}
warmup=${WARMUP:-50}
bound=${BOUND_MIB:-8}
slope_max=${SLOPE_KIB:-2}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac

if ! command -v tmux >/dev/null 2>&1; then
	echo "bench: tmux not found (apt-get install tmux)" >&2
	exit 1
fi
if [ ! -r /proc/self/status ]; then
	echo "bench: /proc is needed for the RSS" >&2
	exit 1
fi
if [ "$runs" -lt $((warmup + 2 * every)) ]; then
	echo "bench: RUNS ($runs) must be at least WARMUP + 2 * EVERY" >&2
	exit 1
fi

. "$(dirname "$0")/tmuxbench.sh"
tmuxbench_setup soak

# the Runs pane at its cap from the start: PREFILL records of one run
prefill=${PREFILL:-200}
env HOME="$tmp" XDG_DATA_HOME="$tmp" XDG_CONFIG_HOME="$tmp" "$bin" train --demo --epochs 1 \
	>/dev/null 2>&1 || { echo "bench: tui-soak: $bin train --demo failed" >&2; exit 1; }
hist="$tmp/collabtui/history.jsonl"
line=$(tail -n 1 "$hist")
i=1
while [ $i -lt "$prefill" ]; do
	printf '%s\n' "$line"
	i=$((i + 1))
done >> "$hist"

tm start-server \; set-option -g status off \; \
	set-option -g default-shell /bin/sh \; \
	new-session -d -s b -x 120 -y 40 \
	"cd '$tmp' && exec env -u NO_COLOR HOME='$tmp' XDG_CONFIG_HOME='$tmp' \
XDG_DATA_HOME='$tmp' TERM=$term LANG=C.UTF-8 LC_ALL=C.UTF-8 '$bin' --demo --epochs 1"

# wait_status PATTERN [SECONDS]: poll the status line (60 s) until it
# matches the extended regular expression PATTERN
wait_status() {
	until=$(($(date +%s) + ${2:-60}))
	while ! tm capture-pane -p -t b 2>/dev/null | tail -n 1 | grep -Eq -- "$1"; do
		if [ "$(date +%s)" -gt "$until" ]; then
			echo "bench: tui-soak: \"$1\" never appeared at run $run; the screen:" >&2
			tm capture-pane -p -t b >&2 || true
			exit 1
		fi
		sleep 0.01
	done
}

# resize W H: resize the window and wait (up to 2 s) for the interface to
# draw the new size (its status line on row H).  One it has not drawn by
# then is counted as lost, and the window is resized again (1 row less,
# then H); after 5 tries the soak fails.
resize() {
	tries=0
	tm resize-window -t b -x "$1" -y "$2"
	i=0
	while ! tm capture-pane -p -t b | sed -n "$2p" | grep -q "q quit"; do
		i=$((i + 1))
		if [ $i -gt 200 ]; then
			lost=$((lost + 1))
			tries=$((tries + 1))
			echo "bench: warning: tui-soak: run $run: the resize to $1x$2 was not drawn in 2 s; resizing again" >&2
			if [ $tries -ge 5 ]; then
				echo "bench: tui-soak: the resize to $1x$2 was never drawn at run $run; the screen:" >&2
				tm capture-pane -p -t b >&2 || true
				exit 1
			fi
			tm resize-window -t b -x "$1" -y $(($2 - 1))
			sleep 0.2
			tm resize-window -t b -x "$1" -y "$2"
			i=0
		fi
		sleep 0.01
	done
}

run=0
stopped=0
lost=0
wait_status "loaded: " 120
pid=$(tm display-message -p -t b '#{pane_pid}')
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
tm send-keys -t b 4                     # focus Movies: digits rate

: > "$tmp/samples"
t0=$(date +%s%N)
while [ $run -lt "$runs" ]; do
	run=$((run + 1))
	case $((run % 3)) in
	0) resize 80 24 ;;
	1) resize 160 50 ;;
	*) resize 100 30 ;;
	esac
	resize 120 40
	# one of 20 movies in turn, rated 1..5
	if [ $((run % 20)) -eq 1 ]; then tm send-keys -t b g; else tm send-keys -t b j; fi
	tm send-keys -t b $((run % 5 + 1))
	wait_status "you rated it"
	if [ $((run % 2)) -eq 0 ]; then
		tm send-keys -t b t s
	else
		tm send-keys -t b t
	fi
	wait_status "training (finished|stopped)"
	if tm capture-pane -p -t b | tail -n 1 | grep -q "training stopped"; then
		stopped=$((stopped + 1))
	fi
	if [ $((run % every)) -eq 0 ]; then
		echo "$run $(rss) $(date +%s)" >> "$tmp/samples"
		[ -z "${SOAK_SAMPLES:-}" ] || cp "$tmp/samples" "$SOAK_SAMPLES"
	fi
done
t1=$(date +%s%N)
hwm=$(awk '/^VmHWM:/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$pid/status")
tm send-keys -t b q
i=0
while tm has-session -t b 2>/dev/null && [ $i -lt 1200 ]; do
	i=$((i + 1))
	sleep 0.05
done

[ -z "${SOAK_SAMPLES:-}" ] || cp "$tmp/samples" "$SOAK_SAMPLES"
# The table's row format (bench/bench.h's BENCH_ROW_FMT); the verdict.
awk -v runs="$runs" -v warmup="$warmup" -v bound="$bound" -v smax="$slope_max" \
	-v hwm="$hwm" -v stopped="$stopped" -v lost="$lost" -v secs="$(echo "$t0 $t1" | awk '{ printf "%.0f", ($2 - $1) / 1e9 }')" \
	-v fmt='%-26s %-14s %12s %18s %10s  %s\n' '
	{ r[NR] = $1; k[NR] = $2 }
	END {
		for (i = 1; i <= NR; i++)
			if (r[i] >= warmup) { base = k[i]; break }
		end = k[NR]
		half = runs / 2                 # least squares over the last half
		for (i = 1; i <= NR; i++)
			if (r[i] > half) { n++; sx += r[i]; sy += k[i]; sxx += r[i] * r[i]; sxy += r[i] * k[i] }
		slope = (n > 1) ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : 0
		grow = (end - base) / 1024
		ok = grow <= bound && slope <= smax
		printf fmt, "tui-soak", "demo", sprintf("%.1f MiB", end / 1024), "-", hwm,
		       sprintf("%d runs in %d s (train, %d stopped, %d resizes, %d lost, rate): RSS %.1f MiB after %d, %.1f at the end (%+.1f MiB, bound %d); last half %+.2f KiB/run (bound %d); %s",
			       runs, secs, stopped, 2 * runs, lost, base / 1024, warmup, end / 1024, grow, bound, slope, smax,
			       ok ? "ok" : "FAILED")
		if (!ok) {
			printf "bench: tui-soak FAILED: the interface'"'"'s RSS grew %+.1f MiB from run %d to run %d (bound %d MiB), %+.2f KiB a run over the last half (bound %d): memory grows without bound\n",
			       grow, warmup, runs, bound, slope, smax > "/dev/stderr"
			exit 1
		}
	}' "$tmp/samples"
