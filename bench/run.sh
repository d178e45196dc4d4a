#!/bin/sh
# bench/run.sh -- make bench: every benchmark in one table (see
# bench/README.md for what each line measures).
#
#   sh bench/run.sh BIN DATASETS BENCHDIR
#
# BIN is the collabtui binary, DATASETS the folder holding ml-100k/ (the
# real MovieLens copy), BENCHDIR the folder of the bench_* programs.
# ONLY=PATTERN (a shell glob) runs only the lines whose task or dataset
# matches it, e.g. ONLY=fast-train-25m-2thr, ONLY='query-*', ONLY=synth-25M.
# A shell-timed line is the median of REPS runs (default 5) of a whole
# command, load included, with the peak RSS of one more run under GNU
# time; the programs take their medians inside (REPS_LARGE, default 3,
# for the large sets).  The synthetic sets (fixed seed 1) are written to a
# temporary folder under $TMPDIR and deleted at the end.
set -eu
set -f                  # no pathname expansion: ONLY is a pattern

usage="usage: sh bench/run.sh BIN DATASETS BENCHDIR"
bin=${1:?$usage}
datasets=${2:?$usage}
benchdir=${3:?$usage}
only=${ONLY:-}
reps=${REPS:-5}
reps_large=${REPS_LARGE:-3}
ml=$datasets/ml-100k
fmt='%-26s %-14s %12s %18s %10s  %s\n'   # bench/bench.h's BENCH_ROW_FMT

if [ ! -d "$ml" ]; then
	echo "bench: $ml not found; pass the folder holding ml-100k/ (make bench DATASETS=...)" >&2
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/collabtui-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

# want TASK DATASET: is the line selected by ONLY?
want() {
	[ -z "$only" ] && return 0
	case $1 in $only) return 0 ;; esac
	case $2 in $only) return 0 ;; esac
	return 1
}

# want_any "TASK..." DATASET: is any of the lines selected?
want_any() {
	for t in $1; do
		want "$t" "$2" && return 0
	done
	return 1
}

# Pass the selected rows of a program's output through.
select_rows() {
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		# shellcheck disable=SC2086
		set -- $line
		if want "$1" "$2"; then
			printf '%s\n' "$line"
		fi
	done
}

now_ns() { date +%s%N; }

# median of the numbers on stdin
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# peak RSS of one run of "$@", from GNU time if present, else "-"
peak_rss() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%M' -o "$tmp/rss" "$@" >/dev/null 2>&1 || true
		awk '{ printf "%.0f MiB", $1 / 1024 }' "$tmp/rss"
	else
		printf -- '-'
	fi
}

# row TASK DATASET WORK THREADS NOTE CMD...: the median wall time of REPS
# runs of CMD.  WORK ratings per run give the throughput, per thread
# when THREADS > 0.
row() {
	task=$1 dataset=$2 work=$3 threads=$4 note=$5
	shift 5
	want "$task" "$dataset" || return 0
	: > "$tmp/times"
	i=0
	while [ "$i" -lt "$reps" ]; do
		t0=$(now_ns)
		"$@" > "$tmp/out" 2>&1 || { echo "bench: $task failed:" >&2; cat "$tmp/out" >&2; exit 1; }
		t1=$(now_ns)
		echo "$t0 $t1" | awk '{ printf "%.6f\n", ($2 - $1) / 1e9 }' >> "$tmp/times"
		i=$((i + 1))
	done
	med=$(median < "$tmp/times")
	rss=$(peak_rss "$@")
	thr=$(echo "$work $med $threads" | awk '{
		if ($1 <= 0) { printf "-"; exit }
		if ($3 > 0) printf "%.3g r/s/thr", $1 / $2 / $3; else printf "%.3g r/s", $1 / $2 }')
	printf "$fmt" "$task" "$dataset" "$(printf '%.3f s' "$med")" "$thr" "$rss" \
		"$note, median of $reps"
}

# The chapter's run: valid MSE at the last epoch for seeds 1..5, median.
mse_row() {
	want chapter-mse ml-100k || return 0
	: > "$tmp/mse"
	for seed in 1 2 3 4 5; do
		"$bin" train --data "$ml" --item-key title --factors 50 --epochs 5 \
			--lr 5e-3 --wd 0.1 --bs 64 --seed "$seed" > "$tmp/out"
		tail -n 1 "$tmp/out" | awk '{ print $3 }' >> "$tmp/mse"
	done
	printf "$fmt" chapter-mse ml-100k "$(median < "$tmp/mse")" - - \
		"valid MSE after 5 epochs, seeds 1-5: $(tr '\n' ' ' < "$tmp/mse" | sed 's/ $//')"
}

# A synthetic set of N ratings in the ML-25M shape (162,000 users, 59,000
# movies, planted rank 10, seed 1) into DIR, once.
synth() {
	[ -f "$2/ratings.csv" ] || "$bin" synth --ratings "$1" --users 162000 --items 59000 \
		--seed 1 --out "$2" > /dev/null
}

printf "$fmt" task dataset median throughput "peak RSS" note

# ---- loading --------------------------------------------------------------
row load-ml100k ml-100k 100000 0 "collabtui summary: load and summarise" \
	"$bin" summary --data "$ml"
if want demo-load demo; then
	"$benchdir/bench_load" :demo 20 demo-load demo
fi
row demo-summary demo 100000 0 "collabtui summary --demo: generate and summarise" \
	"$bin" summary --demo
if want load-5m synth-5M; then
	synth 5000000 "$tmp/s5m"
	"$benchdir/bench_load" "$tmp/s5m" "$reps_large" load-5m synth-5M
fi
large="synth-25m load-25m summary-25m summary-25m-1thr fast-train-25m-1thr fast-train-25m-2thr fast-train-25m-mom
	fast-train-25m-adam fast-train-25m-adarow fast-train-25m-adarow-2thr adarow-to-0.5409-1thr
	adarow-to-0.5409-2thr scale-first-update scale-run-peak-rss scale-first-update-again
	ials-sweep-25m-2thr"
queries="query-first-after-load query-first-after-train query-recommend-10
	query-recommend-ease query-recommend-ials query-similar-items-10 query-similar-users-10 query-bias-10-10 query-item-detail
	query-recommend-meta-10 query-pca"
tui_scale="tui-load tui-key-latency tui-curve-gap tui-stop"
if want_any "$large $queries $tui_scale" synth-25M; then
	if want synth-25m synth-25M; then
		t0=$(now_ns)
		synth 25000000 "$tmp/s25m"
		t1=$(now_ns)
		printf "$fmt" synth-25m synth-25M \
			"$(echo "$t0 $t1" | awk '{ printf "%.3f s", ($2 - $1) / 1e9 }')" \
			"$(echo "$t0 $t1" | awk '{ printf "%.3g r/s", 25e6 / (($2 - $1) / 1e9) }')" - \
			"collabtui synth: write the 25M set (671 MB), one run"
	fi
	synth 25000000 "$tmp/s25m"
	if want load-25m synth-25M; then
		"$benchdir/bench_load" "$tmp/s25m" "$reps_large" load-25m synth-25M
	fi
	row summary-25m synth-25M 25000000 0 \
		"collabtui summary on the 25M ratings.csv, the whole process" \
		"$bin" summary --data "$tmp/s25m"
	row summary-25m-1thr synth-25M 25000000 0 \
		"the same, --threads 1: the parse and the dense ids on one thread" \
		"$bin" summary --threads 1 --data "$tmp/s25m"
fi

# ---- the chapter's trainer ------------------------------------------------
chapter="train --data $ml --item-key title --factors 50 --epochs 5 --lr 5e-3 --wd 0.1 --bs 64 --seed 1"
# shellcheck disable=SC2086
row chapter-train-5ep ml-100k 400000 1 "fastai's fit, 5 epochs, load included" \
	"$bin" $chapter
# shellcheck disable=SC2086
row chapter-train-5ep-2thr ml-100k 400000 2 "the same with --threads 2" \
	"$bin" $chapter --threads 2
mse_row

# ---- the fast trainer -----------------------------------------------------
row fast-train-ml100k-20ep ml-100k 1600000 1 "--trainer fast, k 50, 20 epochs, load included" \
	"$bin" train --data "$ml" --trainer fast --opt sgd --mom 0 --factors 50 --epochs 20 \
	--lr 0.02 --wd 0.05 --schedule constant --y-range none --seed 1
for line in "fast-train-25m-1thr 1 sgd" "fast-train-25m-2thr 2 sgd" \
	"fast-train-25m-mom 1 mom" "fast-train-25m-adam 1 adam" \
	"fast-train-25m-adarow 1 adarow" "fast-train-25m-adarow-2thr 2 adarow"; do
	# shellcheck disable=SC2086
	set -- $line
	if want "$1" synth-25M; then
		"$benchdir/bench_fasttrain" "$tmp/s25m" "$2" "$reps_large" 50 "$3" "$1" synth-25M
	fi
done

# accuracy per second: the preset fast-adarow's time to LIBMF's RMSE
if want_any "adarow-to-0.5409-1thr adarow-to-0.5409-2thr" synth-25M; then
	"$benchdir/bench_to_rmse" "$tmp/s25m" "$reps_large" synth-25M | select_rows
fi

if want_any "scale-first-update scale-run-peak-rss scale-first-update-again" synth-25M; then
	"$benchdir/bench_scale" "$tmp/s25m" 10 2 synth-25M | select_rows
fi

# ---- the ranking models -----------------------------------------------------
# The top-10 protocol, one seed, whole command (load, fit, evaluate): the
# issue's bound is fit + evaluation <= 5 s on 2 cores.
row rank-protocol-ials ml-100k 0 0 "eval --protocol ranking --preset ranking-best --seeds 1" \
	"$bin" eval --protocol ranking --data "$ml" --preset ranking-best --seeds 1
row rank-protocol-ease ml-100k 0 0 "eval --protocol ranking --model ease --wd 400 --seeds 1" \
	"$bin" eval --protocol ranking --data "$ml" --model ease --wd 400 --seeds 1
# The quality target: mean precision@10 and NDCG@10 over seeds 42..46.
if want rank-quality-ials ml-100k; then
	"$bin" eval --protocol ranking --data "$ml" --preset ranking-best > "$tmp/out"
	p=$(awk '/^precision@10/ { print $(NF - 1) }' "$tmp/out")
	n=$(awk '/^NDCG@10/ { print $(NF - 1) }' "$tmp/out")
	m=$(awk '/^MAP/ { print $(NF - 1) }' "$tmp/out")
	printf "$fmt" rank-quality-ials ml-100k "$p" - - \
		"mean precision@10 of seeds 42-46 (target >= 0.42); NDCG@10 $n (>= 0.48), MAP $m"
fi
if want ials-sweep-25m-2thr synth-25M; then
	"$benchdir/bench_ials" "$tmp/s25m" 2 "$reps_large" 64 ials-sweep-25m-2thr synth-25M
fi

# ---- queries --------------------------------------------------------------
if want_any "$queries" ml-100k; then
	"$benchdir/bench_queries" ml-100k "$datasets" | select_rows
fi
if want_any "$queries" synth-25M; then
	"$benchdir/bench_queries" synth "$tmp/s25m" synth-25M | select_rows
fi

# ---- the engine's rings and the interface -----------------------------------
if want_any "ring-throughput-64B ring-throughput-evt ring-latency-1way" -; then
	"$benchdir/bench_ring" "$reps" | select_rows
fi
if want_any "tui-key-latency tui-idle-cpu-3s" ml-100k; then
	sh "$(dirname "$0")/bench_tui.sh" "$bin" "$datasets" | select_rows
fi
if want_any "$tui_scale" synth-25M; then
	sh "$(dirname "$0")/bench_tui.sh" "$bin" "$datasets" "$tmp/s25m" synth-25M | select_rows
fi
if want tui-soak demo; then
	# fails (exit 1, and make bench with it) when the RSS grows without bound
	sh "$(dirname "$0")/bench_soak.sh" "$bin"
fi
