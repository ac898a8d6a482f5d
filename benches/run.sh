#!/usr/bin/env bash
# Benchmark of `tenet check` on the reference policy (benches/reference.tenet)
# against DuckDB running the same six rules as SQL (benches/peers/).
#
#   benches/run.sh            # 1M and 10M events, JSON Lines, CSV and Parquet (several minutes)
#   benches/run.sh --quick    # 1M events only
#
# Options: --quick (skip 10M), --dir DIR (keep the generated logs and the
# Python environment in DIR and reuse them on the next run; default: a
# temporary directory, removed at the end), --runs N (rounds, default 3).
#
# Needs the Rust toolchain and Python 3 with venv/pip (DuckDB's Python
# package, pinned, is installed into a virtual environment by the script).
# It builds `tenet` and three helpers with `cargo build --release`
# (benches/tools: `gen` writes the synthetic log, `floor` is the one-thread
# serde_json / CSV-splitting floor, `peak` measures where GNU time is
# missing). For each size and format it writes the log once (fixed seed, so
# always the same bytes), warms the page cache, then runs N rounds, each
# alternating: `tenet check --summary`, `tenet check --format json` (the
# report written to a file), DuckDB (2 threads, `duckdb_counts.py`), the
# floor. It checks that DuckDB's counts equal Tenet's, and prints a Markdown
# table of medians (wall, CPU) and the largest peak RSS, with ratios to
# DuckDB. MB are 10^6 bytes for file sizes, MiB for RSS.
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
if [[ "${BENCH_TIMER:-}" != peak ]] && /usr/bin/time -f '%e %M %U %S' -o "$work/probe" true 2>/dev/null; then
    timer=gnu
else
    timer=peak
fi

# DuckDB, pinned, in a virtual environment kept with the logs.
duckdb_version=2.0.1
venv="$dir/venv-duckdb-$duckdb_version"
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import duckdb' 2>/dev/null; then
    echo "installing duckdb $duckdb_version into $venv ..." >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "duckdb==$duckdb_version"
fi
duckdb=("$venv/bin/python" benches/peers/duckdb_counts.py)

now_ns() { date +%s%N; }

# run_once LABEL CMD...: runs CMD once (stdout to $work/out-LABEL; exit
# status 0 or 1 accepted, 1 being "violations found") and appends
# "wall cpu kib" to $work/times-LABEL.
run_once() {
    local label="$1"
    shift
    local rc=0 start end wall cpu kib
    start=$(now_ns)
    if [[ $timer == gnu ]]; then
        /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" >"$work/out-$label" 2>"$work/err" || rc=$?
    else
        "$peak" "$work/time" "$@" >"$work/out-$label" 2>"$work/err" || rc=$?
    fi
    end=$(now_ns)
    if ((rc > 1)); then
        echo "run.sh: $label failed (exit status $rc): $*" >&2
        tail -n 20 "$work/err" >&2
        exit 1
    fi
    read -r _ kib user sys < <(tail -n 1 "$work/time")
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    echo "$wall $cpu $kib" >>"$work/times-$label"
    echo "  $label: ${wall}s wall, ${cpu}s CPU, $((kib / 1024)) MiB" >&2
}

# stats LABEL: "median-wall median-cpu largest-kib" of LABEL's runs.
stats() {
    awk '{ w[NR] = $1; c[NR] = $2; if ($3 > k) k = $3 }
        function median(a, n,   i, j, t) {
            for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        END { printf "%.3f %.3f %d\n", median(w, NR), median(c, NR), k }' "$work/times-$1"
}

# Logs are named after the generator's source, so that a changed generator
# never reuses an old log from --dir.
stamp=$(cksum <benches/generator.rs | cut -d ' ' -f 1)

sizes=(1000000)
((quick)) || sizes+=(10000000)

load_before=$(cut -d ' ' -f 1-3 /proc/loadavg)
rows=()
for n in "${sizes[@]}"; do
    for format in jsonl csv parquet; do
        log="$dir/ref-$n-$stamp.$format"
        if [[ ! -s "$log" ]]; then
            echo "generating $log ..." >&2
            "$gen" --events "$n" --format "$format" --seed 42 >"$log.part"
            mv "$log.part" "$log"
        fi
        bytes=$(stat -L -c %s "$log")
        cat "$log" >/dev/null
        echo "$format, $n events:" >&2
        rm -f "$work"/times-*
        for ((i = 0; i < runs; i++)); do
            run_once summary "$tenet" check "$policy" --events "$log" --summary
            run_once json "$tenet" check "$policy" --events "$log" --format json
            run_once duckdb "${duckdb[@]}" "$log" --threads 2
            # The floor splits text; a Parquet file has none.
            [[ $format == parquet ]] || run_once floor "$floor" "$log"
        done
        if ! grep -q "^$n events" "$work/out-summary"; then
            echo "run.sh: tenet did not report $n events:" >&2
            cat "$work/out-summary" >&2
            exit 1
        fi
        # DuckDB prints `rule satisfied violated pending`; Tenet's table has
        # the jurisdiction after the rule.
        if ! awk 'NR == FNR { want[$1] = $2 " " $3 " " $4; next }
                  ($1 in want) && $3 " " $4 " " $5 == want[$1] { ok++ }
                  END { exit ok != length(want) }' "$work/out-duckdb" "$work/out-summary"; then
            echo "run.sh: DuckDB's counts differ from Tenet's on $log:" >&2
            cat "$work/out-duckdb" "$work/out-summary" >&2
            exit 1
        fi
        cp "$work/out-summary" "$work/summary-$n-$format.txt"
        report_mb=$(stat -c %s "$work/out-json")
        read -r d_wall d_cpu d_kib < <(stats duckdb)
        labels=(summary json duckdb)
        [[ $format == parquet ]] || labels+=(floor)
        for label in "${labels[@]}"; do
            case $label in
                summary) name="tenet --summary" ;;
                json) name="tenet --format json" ;;
                duckdb) name="DuckDB, 2 threads" ;;
                floor) name="floor (parse only, 1 thread)" ;;
            esac
            read -r wall cpu kib < <(stats "$label")
            rows+=("$(awk -v f="$format" -v n="$n" -v b="$bytes" -v name="$name" -v w="$wall" -v c="$cpu" -v k="$kib" \
                -v dw="$d_wall" -v dk="$d_kib" 'BEGIN {
                printf "| %s | %dM | %.0f | %s | %.2f | %.2f | %.2f | %.2fM | %.0f | %.2f | %.2f |",
                    f, n / 1e6, b / 1e6, name, w, c, c / n * 1e6, n / w / 1e6, k / 1024, w / dw, k / dk
            }')")
        done
        echo "  (JSON report: $((report_mb / 1000000)) MB)" >&2
    done
done
load_after=$(cut -d ' ' -f 1-3 /proc/loadavg)

cpus=$(nproc 2>/dev/null || echo "?")
echo
echo "$policy on $cpus CPUs, median of $runs alternating rounds (peak RSS: largest, via $timer);"
echo "load average before: $load_before, after: $load_after"
echo
echo "| format | events | file MB | run | wall s | CPU s | CPU µs/event | events/s | peak RSS MiB | wall/DuckDB | peak/DuckDB |"
echo "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
last=${sizes[-1]}
echo "verdicts on the ${last}-event JSON Lines log:"
echo
sed 's/^/    /' "$work/summary-$last-jsonl.txt"
