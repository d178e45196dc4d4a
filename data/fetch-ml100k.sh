#!/bin/sh
# fetch-ml100k.sh -- download MovieLens 100K from GroupLens and unpack it.
#
#   sh data/fetch-ml100k.sh [DEST]      (DEST defaults to this script's directory)
#
# Result: DEST/ml-100k/{u.data,u.item,u.user,...}.  The archive's SHA-256 is
# checked before it is opened and the unpacked rating, movie and user files
# are checked again after, so a changed or damaged download never reaches the
# loader.  The new directory appears in one rename: an interrupted run leaves
# either the old directory or the new one, never half of it.
#
# MovieLens is (c) GroupLens Research, University of Minnesota: research use
# only, no redistribution.  That is why collabtui never ships it and fetches
# it for each user from GroupLens instead.
#
# Environment: ML100K_ZIP=FILE uses a copy of ml-100k.zip already on disk
# instead of downloading (it is verified just the same); ML100K_URL=URL
# downloads from elsewhere (a mirror; the tests use an unreachable one).
#
# Offline, the download gives up within seconds (a 5-second connect
# timeout, no retries) and says in one line on stderr what to do instead,
# with exit status 1; `make run` then opens collabtui on its demo set.

set -eu

url=${ML100K_URL:-https://files.grouplens.org/datasets/movielens/ml-100k.zip}

# SHA-256 of ml-100k.zip (4,924,029 bytes).  GroupLens publishes only an MD5
# (ml-100k.zip.md5: 0e33842e24a9c977be4e0107933c0723); this SHA-256 of the
# same archive is the one pinned by several independent public loaders, and
# the unpacked files below are checked against the project's reference copy.
zip_sha256=50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229

# SHA-256 of the unpacked files (same values as shared/datasets/ml-100k/SHA256SUMS).
sums="06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490 u.data
553841ebc7de3a0fd0d6b62a204ea30c1e651aacfb2814c7a6584ac52f2c5701 u.item
f120e114da2e8cf314fd28f99417c94ae9ddf1cb6db8ce0e4b5995d40e90e62c u.user
ce253ec86c448b44fb3ba9a30d12dcfc2e9210cbde71efada3730c22e9ac212a u1.base
18c6014a4b2c7324f250a63f8904a7b16b2b19f911129e346141507b0cbac950 u1.test"

prog=fetch-ml100k.sh
die() {
	echo "$prog: $*" >&2
	exit 1
}

here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-$here}

# --- tools ----------------------------------------------------------------
if command -v sha256sum >/dev/null 2>&1; then
	sha256() { sha256sum "$1" | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null 2>&1; then
	sha256() { shasum -a 256 "$1" | cut -d ' ' -f 1; }
else
	die "need sha256sum (Debian package coreutils) or shasum"
fi

# 0 when every file in $sums under directory $1 has the expected hash;
# otherwise prints what differs (with $2 = "quiet", prints nothing).
verify_dir() {
	ok=0
	while read -r sum name; do
		if [ ! -f "$1/$name" ]; then
			[ "${2-}" = quiet ] || echo "$prog: $1/$name: missing" >&2
			ok=1
			continue
		fi
		got=$(sha256 "$1/$name")
		if [ "$got" != "$sum" ]; then
			[ "${2-}" = quiet ] || echo "$prog: $1/$name: SHA-256 $got, expected $sum" >&2
			ok=1
		fi
	done <<EOF
$sums
EOF
	return $ok
}

out=$dest/ml-100k
if [ -d "$out" ] && verify_dir "$out" quiet; then
	echo "MovieLens 100K already in $out (checksums verified)"
	exit 0
fi

command -v unzip >/dev/null 2>&1 ||
	die "unzip not found: install it (Debian: sudo apt-get install -y unzip)"
if [ -z "${ML100K_ZIP-}" ]; then
	# Quiet, so that a failure is the one line below (with the tool's
	# reason in it); a stalled transfer is dropped after 30 s.
	if command -v curl >/dev/null 2>&1; then
		fetch() { curl -fsSL --connect-timeout 5 --speed-limit 1000 --speed-time 30 \
			-o "$2" "$1" 2>&1; }
	elif command -v wget >/dev/null 2>&1; then
		fetch() { wget -nv --tries=1 --dns-timeout=5 --connect-timeout=5 --read-timeout=30 \
			-O "$2" "$1" 2>&1; }
	else
		die "neither curl nor wget found: install one (Debian: sudo apt-get install -y curl)"
	fi
fi

# --- download, verify, unpack, verify, rename -------------------------------
mkdir -p "$dest" || die "cannot create $dest"
# The work directory sits inside $dest so that the final rename stays on one
# file system and is atomic.
tmp=$(mktemp -d "$dest/.ml-100k.XXXXXX") || die "cannot create a temporary directory in $dest"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

zip=$tmp/ml-100k.zip
if [ -n "${ML100K_ZIP-}" ]; then
	[ -f "$ML100K_ZIP" ] || die "ML100K_ZIP=$ML100K_ZIP: no such file"
	cp "$ML100K_ZIP" "$zip"
else
	echo "downloading $url"
	if ! why=$(fetch "$url" "$zip"); then
		why=$(printf '%s' "$why" | tr '\n' ' ' | sed 's/ *$//')
		die "MovieLens 100K could not be fetched from $url (${why:-no reason given}): run \`make data\` when online, \`make run DATA=DIR\` for a local copy, or ML100K_ZIP=FILE for a downloaded ml-100k.zip"
	fi
fi

got=$(sha256 "$zip")
[ "$got" = "$zip_sha256" ] ||
	die "ml-100k.zip has SHA-256 $got, expected $zip_sha256 (damaged or changed download; nothing was unpacked)"

unzip -q "$zip" -d "$tmp/unpacked" || die "unzip of ml-100k.zip failed"
[ -d "$tmp/unpacked/ml-100k" ] || die "ml-100k.zip holds no ml-100k/ directory"
verify_dir "$tmp/unpacked/ml-100k" || die "unpacked files do not match their checksums"

if [ -e "$out" ]; then
	# A stale or damaged copy: move it into the work directory (removed on
	# exit) and put the verified one in its place.
	mv "$out" "$tmp/old" || die "cannot move the old $out aside"
fi
mv "$tmp/unpacked/ml-100k" "$out" || die "cannot rename into $out"

echo "MovieLens 100K ready in $out (checksums verified)"
echo "MovieLens data is (c) GroupLens Research: research use only, no redistribution (see $out/README)."
