#!/bin/sh
# deps.sh -- make sure the Debian packages collabtui needs are installed.
#
#   sh scripts/deps.sh build    compiler, make, pkg-config, ncursesw, openblas, libyaml,
#                               jansson (JSON: the run history, Spark's factor files)
#   sh scripts/deps.sh test     the above, plus Criterion, tmux and clang
#                               (libFuzzer, for the fuzz harnesses)
#   sh scripts/deps.sh data     what `make data` needs: curl (or wget), unzip,
#                               CA certificates for https
#
# It runs on every `make`, so when nothing is missing it prints nothing and
# returns at once.  When something is missing it installs it with apt-get
# (as root, or through passwordless sudo); otherwise it prints the one
# command to run and exits 1.

set -eu

usage() {
	echo "usage: sh scripts/deps.sh build|test|data" >&2
	exit 2
}

[ $# -eq 1 ] || usage
mode=$1
case $mode in
build|test|data) ;;
*) usage ;;
esac

# pkg-config module -> Debian package, and command -> Debian package.
build_mods="ncursesw:libncurses-dev openblas:libopenblas-dev yaml-0.1:libyaml-dev jansson:libjansson-dev"
build_cmds="cc:build-essential make:build-essential pkg-config:pkg-config"
test_mods="criterion:libcriterion-dev"
test_cmds="tmux:tmux clang:clang"

mods=$build_mods
cmds=$build_cmds
case $mode in
test)
	mods="$mods $test_mods"
	cmds="$cmds $test_cmds"
	;;
data)
	mods=""
	cmds="unzip:unzip"
	;;
esac

missing=""
add() {
	case " $missing " in
	*" $1 "*) ;;
	*) missing="${missing:+$missing }$1" ;;
	esac
}

# Fill $missing with the packages that provide what is not there.
find_missing() {
	missing=""
	for pair in $cmds; do
		command -v "${pair%%:*}" >/dev/null 2>&1 || add "${pair#*:}"
	done
	if [ "$mode" = data ]; then
		command -v curl >/dev/null 2>&1 || command -v wget >/dev/null 2>&1 ||
			add curl
		# https needs the CA bundle, which curl only recommends.
		if [ -f /etc/debian_version ] &&
		   [ ! -f /etc/ssl/certs/ca-certificates.crt ]; then
			add ca-certificates
		fi
		return 0
	fi
	if ! command -v pkg-config >/dev/null 2>&1; then
		# Nothing to ask: assume every library is missing (apt-get
		# skips the ones already installed).
		for pair in $mods; do
			add "${pair#*:}"
		done
		return 0
	fi
	names=""
	for pair in $mods; do
		names="$names ${pair%%:*}"
	done
	# One call for the common case where everything is present.
	# shellcheck disable=SC2086
	pkg-config --exists $names 2>/dev/null && return 0
	for pair in $mods; do
		pkg-config --exists "${pair%%:*}" 2>/dev/null || add "${pair#*:}"
	done
}

find_missing
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo="sudo"
else
	echo "collabtui needs these packages ($mode): $missing" >&2
	echo "Install them with:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y $missing" >&2
	exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "collabtui needs these Debian/Ubuntu packages: $missing" >&2
	echo "apt-get is not available here: install the equivalent packages" \
	     "with your system's package manager." >&2
	exit 1
fi

echo "deps.sh: installing $missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
# shellcheck disable=SC2086
$sudo apt-get install -y --no-install-recommends $missing

# Check again: a package that installed but did not provide what we test
# for must not pass silently.
wanted=$missing
find_missing
if [ -n "$missing" ]; then
	echo "deps.sh: installed $wanted but still missing: $missing" >&2
	exit 1
fi
exit 0
