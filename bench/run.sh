#!/bin/sh
# bench/run.sh -- collabtui's benchmarks, one table (see bench/README.md).
#
#   sh bench/run.sh BIN DATASETS [NAME]
#
# BIN is the collabtui binary, DATASETS the folder holding ml-100k/ (the
# real MovieLens copies); NAME runs one benchmark only.  Each line is the
# median wall time of REPS runs (default 5) of a whole command, load
# included, timed with date +%s%N; peak RSS comes from one more run under
# GNU time when /usr/bin/time exists.
set -eu

bin=${1:?usage: sh bench/run.sh BIN DATASETS [NAME]}
datasets=${2:?usage: sh bench/run.sh BIN DATASETS [NAME]}
only=${3:-}
reps=${REPS:-5}
ml=$datasets/ml-100k
tmp=$(mktemp -d "${TMPDIR:-/tmp}/collabtui-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ ! -d "$ml" ]; then
	echo "bench: $ml not found; pass the folder holding ml-100k/ (make bench DATASETS=...)" >&2
	exit 1
fi

now_ns() { date +%s%N; }

# peak RSS in MiB of one run of "$@", from GNU time if present, else "-"
peak_rss() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%M' -o "$tmp/rss" "$@" >/dev/null 2>&1 || true
		awk '{ printf "%.1f", $1 / 1024 }' "$tmp/rss"
	else
		printf -- '-'
	fi
}

# median of the numbers on stdin
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# row NAME DATASET WORK CMD...: one table line; WORK (ratings processed per
# run) gives the throughput column
row() {
	name=$1 dataset=$2 work=$3
	shift 3
	[ -z "$only" ] || [ "$only" = "$name" ] || return 0
	: > "$tmp/times"
	i=0
	while [ $i -lt "$reps" ]; do
		t0=$(now_ns)
		"$@" > "$tmp/out" 2>&1 || { echo "bench: $name failed:" >&2; cat "$tmp/out" >&2; exit 1; }
		t1=$(now_ns)
		echo "$t0 $t1" | awk '{ printf "%.6f\n", ($2 - $1) / 1e9 }' >> "$tmp/times"
		i=$((i + 1))
	done
	med=$(median < "$tmp/times")
	rss=$(peak_rss "$@")
	thr=$(echo "$work $med" | awk '{ if ($1 > 0) printf "%.3g/s", $1 / $2; else printf "-" }')
	printf '%-26s %-16s %10.3f s %14s %10s MiB\n' "$name" "$dataset" "$med" "$thr" "$rss"
}

# The chapter's run: valid MSE at the last epoch for seeds 1..5, median.
mse_row() {
	[ -z "$only" ] || [ "$only" = "chapter-mse" ] || return 0
	: > "$tmp/mse"
	for seed in 1 2 3 4 5; do
		"$bin" train --data "$ml" --item-key title --factors 50 --epochs 5 \
			--lr 5e-3 --wd 0.1 --bs 64 --seed "$seed" > "$tmp/out"
		tail -n 1 "$tmp/out" | awk '{ print $3 }' >> "$tmp/mse"
	done
	printf '%-26s %-16s %12s %14s   (seeds 1-5: %s)\n' "chapter-mse" "ml-100k" \
		"$(median < "$tmp/mse")" "valid MSE" "$(tr '\n' ' ' < "$tmp/mse" | sed 's/ $//')"
}

# A MovieLens-shaped ratings.csv of N ratings for the parser benchmark.
synth_csv() {
	n=$1 out=$2
	mkdir -p "$out"
	awk -v n="$n" 'BEGIN {
		srand(1); print "userId,movieId,rating,timestamp"
		for (i = 0; i < n; i++)
			printf "%d,%d,%.1f,%d\n", int(rand() * 160000) + 1,
				int(rand() * rand() * 60000) + 1, (int(rand() * 10) + 1) / 2,
				1100000000 + int(rand() * 4e8)
	}' > "$out/ratings.csv"
}

printf '%-26s %-16s %12s %14s %14s\n' "task" "dataset" "median" "throughput" "peak RSS"
row chapter-train-5ep ml-100k 400000 \
	"$bin" train --data "$ml" --item-key title --factors 50 --epochs 5 --lr 5e-3 --wd 0.1 --bs 64 --seed 1
row chapter-train-5ep-2thr ml-100k 400000 \
	"$bin" train --data "$ml" --item-key title --factors 50 --epochs 5 --lr 5e-3 --wd 0.1 --bs 64 --seed 1 --threads 2
mse_row
row load-ml100k ml-100k 100000 "$bin" summary --data "$ml"
if [ -z "$only" ] || [ "$only" = "load-synth-5m" ]; then
	synth_csv 5000000 "$tmp/synth"
	row load-synth-5m synth-csv-5M 5000000 "$bin" summary --data "$tmp/synth"
fi

# The fast trainer on ML-100K: 20 epochs at k = 50, load included (target
# 0.1 s; LIBMF 0.19 s).
row fast-train-ml100k-20ep ml-100k 1600000 \
	"$bin" train --data "$ml" --trainer fast --opt sgd --mom 0 --factors 50 --epochs 20 --lr 0.02 --wd 0.05 \
	--schedule constant --y-range none --seed 1

# Scale: the ML-25M-shaped synthetic set (seed 42), opt-in because it
# writes 650 MB and takes about a minute: BENCH_LARGE=1.  The loader and
# trainer lines come from bench/bench_load.c and bench/bench_fasttrain.c,
# which time the step itself (medians inside) and print their own line.
benchdir=${BENCH_DIR:-$(dirname "$bin")/build/bench}
large() { [ "${BENCH_LARGE:-0}" = 1 ] && { [ -z "$only" ] || [ "$only" = "$1" ]; }; }
if large synth-25m || large load-25m || large fast-train-25m-1thr || large fast-train-25m-2thr; then
	reps_saved=$reps
	reps=${REPS_LARGE:-3}
	large synth-25m && row synth-25m synth-25M 25000095 "$bin" synth --out "$tmp/s25m" --seed 42
	reps=$reps_saved
	[ -f "$tmp/s25m/ratings.csv" ] || "$bin" synth --out "$tmp/s25m" --seed 42 > /dev/null
	if large load-25m; then
		printf '%-26s %-16s ' load-25m synth-25M
		"$benchdir/bench_load" "$tmp/s25m" 3
	fi
	for t in 1 2; do
		if large fast-train-25m-${t}thr; then
			printf '%-26s %-16s ' "fast-train-25m-${t}thr" synth-25M
			"$benchdir/bench_fasttrain" "$tmp/s25m" "$t" 3 50
		fi
	done
fi
