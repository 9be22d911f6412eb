#!/usr/bin/env bash
# Incremental build time of a machine declared with state_machine! beside
# the same machine written by hand (an enum and one match), built in
# alternation so both see the same machine load. Not a test: run it by
# hand, read the medians and the paired ratios.
#
#   scripts/compile_time.sh            # 100 states, 50 events, 500 arms; 5 rounds
#   ROUNDS=3 scripts/compile_time.sh 6 6 8   # the task machine's size
set -euo pipefail
states=${1:-100} events=${2:-50} arms=${3:-500} rounds=${ROUNDS:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="$work/target"

for form in stateforge hand; do
    mkdir -p "$work/$form/src"
    deps=""
    [ "$form" = stateforge ] && deps="stateforge = { path = \"$root\", default-features = false }"
    cat > "$work/$form/Cargo.toml" <<TOML
[package]
name = "machine_$form"
version = "0.0.0"
edition = "2024"
[dependencies]
$deps
[workspace]
TOML
    python3 "$root/scripts/gen_machine.py" "$states" "$events" "$arms" "$form" > "$work/$form/src/main.rs"
    (cd "$work/$form" && cargo build -q 2>/dev/null) # dependencies, once
done

build() { # prints the seconds an incremental build of $1 takes
    touch "$work/$1/src/main.rs"
    (cd "$work/$1" && python3 -c '
import subprocess, time
start = time.monotonic()
subprocess.run(["cargo", "build", "-q"], check=True)
print(f"{time.monotonic() - start:.3f}")')
}

ours=() hand=()
for _ in $(seq "$rounds"); do
    ours+=("$(build stateforge)")
    hand+=("$(build hand)")
done
python3 - "$states" "$events" "$arms" "${ours[*]}" "${hand[*]}" <<'PY'
import statistics, sys
states, events, arms = sys.argv[1:4]
ours = [float(x) for x in sys.argv[4].split()]
hand = [float(x) for x in sys.argv[5].split()]
ratios = [o / h for o, h in zip(ours, hand)]
print(f"machine: {states} states, {events} events, {arms} arms; {len(ours)} rounds")
print(f"  state_machine!: median {statistics.median(ours):.2f} s  {ours}")
print(f"  hand-written  : median {statistics.median(hand):.2f} s  {hand}")
print(f"  paired ratio  : median {statistics.median(ratios):.2f}  (min {min(ratios):.2f}, max {max(ratios):.2f})")
PY
