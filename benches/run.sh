#!/usr/bin/env bash
# Benchmark of `tenet check` on the reference policy (benches/reference.tenet).
#
#   benches/run.sh            # 1M and 10M events, JSON Lines and CSV (a few minutes)
#   benches/run.sh --quick    # 1M events only
#
# Options: --quick (skip 10M), --dir DIR (keep the generated logs in DIR and
# reuse them on the next run; default: a temporary directory, removed at the
# end), --runs N (timed runs per measurement, default 3).
#
# Needs only the Rust toolchain: it builds `tenet` and three helpers with
# `cargo build --release` (benches/tools: `gen` writes the synthetic log,
# `floor` is the one-thread serde_json / CSV-splitting floor, `peak` measures
# peak memory where GNU time is missing). For each size and format it writes
# the log once (fixed seed, so always the same bytes), warms the page cache,
# then times `tenet check benches/reference.tenet --events LOG --summary` and
# the floor: best wall time of N runs, largest peak RSS. It prints a Markdown
# table; MB are 10^6 bytes for file sizes and throughput, MiB for RSS.
# BENCH_TIMER=peak forces the `peak` helper even where GNU time exists.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

quick=0
dir=""
runs=3
while (($#)); do
    case "$1" in
        --quick) quick=1 ;;
        --dir)
            dir="${2:?--dir needs a directory}"
            shift
            ;;
        --runs)
            runs="${2:?--runs needs a number}"
            shift
            ;;
        -h | --help)
            sed -n '2,19p' "$0"
            exit 0
            ;;
        *)
            echo "run.sh: unknown option $1 (try --help)" >&2
            exit 2
            ;;
    esac
    shift
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --runs needs a positive number" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/tenet-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
if [[ -z "$dir" ]]; then
    dir="$work/logs"
fi
mkdir -p "$dir"

echo "building (cargo build --release) ..." >&2
cargo build --release --quiet --bin tenet --example gen --example floor --example peak

# Private copies, so that a concurrent rebuild cannot swap a binary mid-run.
mkdir -p "$work/bin"
cp target/release/tenet target/release/examples/{gen,floor,peak} "$work/bin/"
tenet="$work/bin/tenet"
gen="$work/bin/gen"
floor="$work/bin/floor"
peak="$work/bin/peak"
policy=benches/reference.tenet

# GNU time when it works, else the `peak` helper (same output format).
if [[ "${BENCH_TIMER:-}" != peak ]] && /usr/bin/time -f '%e %M' -o "$work/probe" true 2>/dev/null; then
    timer=gnu
else
    timer=peak
fi

now_ns() { date +%s%N; }

# measure LABEL CMD...: runs CMD $runs times (stdout to $work/out; exit
# status 0 or 1 accepted, 1 being "violations found"); sets WALL (best,
# seconds) and KIB (largest peak RSS).
measure() {
    local label="$1"
    shift
    WALL=""
    KIB=0
    local i rc start end wall kib
    for ((i = 0; i < runs; i++)); do
        rc=0
        start=$(now_ns)
        if [[ $timer == gnu ]]; then
            /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || rc=$?
        else
            "$peak" "$work/time" "$@" >"$work/out" 2>"$work/err" || rc=$?
        fi
        end=$(now_ns)
        if ((rc > 1)); then
            echo "run.sh: $label failed (exit status $rc): $*" >&2
            tail -n 20 "$work/err" >&2
            exit 1
        fi
        read -r _ kib < <(tail -n 1 "$work/time")
        wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
        if [[ -z "$WALL" ]] || awk -v w="$wall" -v b="$WALL" 'BEGIN { exit !(w < b) }'; then
            WALL=$wall
        fi
        if ((kib > KIB)); then KIB=$kib; fi
        echo "  $label run $((i + 1)): ${wall}s, $((kib / 1024)) MiB" >&2
    done
}

# Logs are named after the generator's source, so that a changed generator
# never reuses an old log from --dir.
stamp=$(cksum <benches/generator.rs | cut -d ' ' -f 1)

sizes=(1000000)
((quick)) || sizes+=(10000000)

rows=()
for n in "${sizes[@]}"; do
    for format in jsonl csv; do
        log="$dir/ref-$n-$stamp.$format"
        if [[ ! -s "$log" ]]; then
            echo "generating $log ..." >&2
            "$gen" --events "$n" --format "$format" --seed 42 >"$log.part"
            mv "$log.part" "$log"
        fi
        bytes=$(stat -L -c %s "$log")
        cat "$log" >/dev/null
        echo "$format, $n events:" >&2
        measure tenet "$tenet" check "$policy" --events "$log" --summary
        if ! grep -q "^$n events" "$work/out"; then
            echo "run.sh: tenet did not report $n events:" >&2
            cat "$work/out" >&2
            exit 1
        fi
        cp "$work/out" "$work/summary-$n-$format.txt"
        t_wall=$WALL
        t_kib=$KIB
        measure floor "$floor" "$log"
        f_wall=$WALL
        rows+=("$(awk -v f="$format" -v n="$n" -v b="$bytes" -v t="$t_wall" -v k="$t_kib" -v fl="$f_wall" 'BEGIN {
            printf "| %s | %d | %.0f | %.2f | %.2fM | %.0f | %.0f | %.2f | %.2f |",
                f, n, b / 1e6, t, n / t / 1e6, b / 1e6 / t, k / 1024, fl, t / fl
        }')")
    done
done

cpus=$(nproc 2>/dev/null || echo "?")
echo
echo "tenet check $policy --events LOG --summary ($cpus CPUs, best of $runs; RSS: largest of $runs, via $timer)"
echo
echo "| format | events | file MB | tenet wall s | events/s | MB/s | peak RSS MiB | floor wall s | tenet/floor |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
last=${sizes[-1]}
echo "verdicts on the ${last}-event JSON Lines log:"
echo
sed 's/^/    /' "$work/summary-$last-jsonl.txt"
