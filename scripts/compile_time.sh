#!/usr/bin/env bash
# Issue 6: incremental build time of one machine written in several forms
# (see scripts/gen_machine.py: state_machine!, with and without serde, a
# hand-written enum + match, a hand-written typestate, both, rust-fsm,
# smlang). Not a test: run it by hand, read the medians and the paired
# ratios.
#
#   scripts/compile_time.sh                 # 100 states, 50 events, 500 arms
#   scripts/compile_time.sh task            # use case 1's task machine
#   ROUNDS=7 scripts/compile_time.sh 20,10,60
#   PASSES=1 scripts/compile_time.sh task   # where rustc's time goes
#
# Each form is a library crate of its own in a temporary directory (a
# library, so that linking, which does not depend on the machine, is not
# timed), sharing one target directory so that the dependencies are built
# once, up front. Then, ROUNDS times, every form in turn has its source
# touched and `cargo build` (dev profile, incremental) timed; each round
# starts with a different form, so that a drift of the machine's load does
# not always land on the same one. A round's ratio is a form's time divided
# by the hand-written enum + match's time in that same round; the report
# gives the median of those ratios, with their range.
#
# With PASSES=1, each timed build is `cargo rustc -- -Z time-passes`
# instead (RUSTC_BOOTSTRAP=1, on the stable toolchain), and the report
# gives, per form, the median over the rounds of rustc's total and of a
# fixed list of passes (`shown` below: those that differed most between
# the forms when the mode was written).
set -euo pipefail
machine=${1:-100,50,500}
rounds=${ROUNDS:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="$work/target"
# -Z time-passes needs RUSTC_BOOTSTRAP, which some build scripts read
# (proc-macro2 and thiserror probe for unstable features under it): set for
# the whole run, so that the warm-up builds the dependencies the timed
# builds use.
if [ -n "${PASSES:-}" ]; then export RUSTC_BOOTSTRAP=1; fi
read -r -a forms <<< "$(python3 "$root/scripts/gen_machine.py" --forms)"

for form in "${forms[@]}"; do
    mkdir -p "$work/$form/src"
    case $form in
        stateforge) dep="stateforge = { path = \"$root\", default-features = false }" ;;
        stateforge_serde) dep="stateforge = { path = \"$root\", default-features = false, features = [\"serde\"] }" ;;
        rust_fsm) dep='rust-fsm = "0.8"' ;;
        smlang) dep='smlang = "0.8"' ;;
        *) dep="" ;;
    esac
    cat > "$work/$form/Cargo.toml" <<TOML
[package]
name = "machine_$form"
version = "0.0.0"
edition = "2024"
publish = false
[dependencies]
$dep
[workspace]
TOML
    python3 "$root/scripts/gen_machine.py" "$machine" "$form" > "$work/$form/src/lib.rs"
    # The dependencies and a first build, the way the timed builds run.
    if [ -n "${PASSES:-}" ]; then
        (cd "$work/$form" && cargo rustc -q -- -Z time-passes >/dev/null 2>&1)
    else
        (cd "$work/$form" && cargo build -q)
    fi
done

passes="$work/passes.txt" # lines: round form pass seconds
build() { # prints the seconds an incremental build of form $1 takes
    touch "$work/$1/src/lib.rs"
    if [ -n "${PASSES:-}" ]; then
        local out # rustc's report, on stderr
        if ! out=$(cd "$work/$1" && cargo rustc -q -- -Z time-passes 2>&1 >/dev/null); then
            echo "the build of $1 failed: $out" >&2
            kill $$ # from the $(build ...) subshell: stop the whole run
        fi
        awk -v r="$round" -v f="$1" '$1 == "time:" { sub(";", "", $2); print r, f, $NF, $2 }' \
            <<< "$out" >> "$passes"
        echo 0
        return
    fi
    (cd "$work/$1" && python3 -c '
import subprocess, time
start = time.monotonic()
subprocess.run(["cargo", "build", "-q"], check=True)
print(f"{time.monotonic() - start:.3f}")')
}

results="$work/results.txt" # lines: round form seconds
n=${#forms[@]}
for round in $(seq 0 $((rounds - 1))); do
    for i in $(seq 0 $((n - 1))); do
        form=${forms[$(((round + i) % n))]}
        echo "$round $form $(build "$form")" >> "$results"
    done
done

if [ -n "${PASSES:-}" ]; then
    python3 - "$machine" "$rounds" "$passes" "${forms[@]}" <<'PY'
import collections, statistics, sys
machine, rounds, path, forms = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
shown = {"macro_expand_crate": "expand", "resolve_crate": "resolve",
         "type_check_crate": "typeck", "misc_checking_3": "misc_3",
         "generate_crate_metadata": "metadata", "codegen_crate": "codegen",
         "serialize_dep_graph": "dep_graph", "link": "link", "total": "total"}
seconds = collections.defaultdict(list)
for line in open(path):
    _, f, name, t = line.split()
    seconds[(f, name)].append(float(t))
print(f"machine: {machine}; {rounds} rounds; rustc -Z time-passes, median s per pass")
print(f"{'form':<12}" + "".join(f"{label:>10}" for label in shown.values()))
for f in forms:
    if len(seconds[(f, "total")]) != rounds:
        sys.exit(f"{f}: {len(seconds[(f, 'total')])} of {rounds} builds reported their passes")
    cells = [statistics.median(seconds[(f, p)]) if seconds[(f, p)] else float("nan") for p in shown]
    print(f"{f:<12}" + "".join(f"{c:>10.3f}" for c in cells))
PY
    exit 0
fi

python3 - "$machine" "$rounds" "$results" "${forms[@]}" <<'PY'
import statistics, sys
machine, rounds, path, forms = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
times = {f: [0.0] * rounds for f in forms}
for line in open(path):
    r, f, t = line.split()
    times[f][int(r)] = float(t)
print(f"machine: {machine}; {rounds} rounds; incremental `cargo build` (dev) after touching the source")
print(f"{'form':<12} {'median s':>9}  {'ratio to hand (median [min, max])':<36} times (s)")
for f in forms:
    ratios = [a / b for a, b in zip(times[f], times["hand"])]
    ratio = f"{statistics.median(ratios):.2f} [{min(ratios):.2f}, {max(ratios):.2f}]"
    print(f"{f:<12} {statistics.median(times[f]):>9.3f}  {ratio:<36} {' '.join(f'{t:.3f}' for t in times[f])}")
PY
