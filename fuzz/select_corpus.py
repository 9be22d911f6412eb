#!/usr/bin/env python3
"""Cuts a fuzz corpus to at most LIMIT inputs, keeping as many coverage
edges as it can: greedy, each pick the input adding the most edges not yet
covered (the smaller on a tie). cargo fuzz cmin keeps every input that adds
an edge, which after a few minutes is more than a repository should hold.

Usage (from fuzz/, after `cargo fuzz cmin <target> -- -use_counters=0`):

    mkdir -p /tmp/empty
    target/x86_64-unknown-linux-gnu/release/<target> -merge=1 -use_counters=0 \\
        -merge_control_file=/tmp/<target>.mcf /tmp/empty corpus/<target>
    python3 select_corpus.py /tmp/<target>.mcf 300

Deletes the inputs it does not keep, and says how many edges are kept.
"""

import os
import sys


def main() -> None:
    control, limit = sys.argv[1], int(sys.argv[2])
    lines = open(control).read().split("\n")
    # The control file: the number of inputs, the number in the first
    # (empty) corpus, the inputs' paths, then per input `COV i edge...`.
    count = int(lines[0])
    files = lines[2 : 2 + count]
    cov = {}
    for line in lines[2 + count :]:
        parts = line.split()
        if parts and parts[0] == "COV":
            cov[int(parts[1])] = set(map(int, parts[2:]))
    every = set().union(*cov.values()) if cov else set()
    chosen, covered = [], set()
    while len(chosen) < limit and cov:
        best = max(cov, key=lambda i: (len(cov[i] - covered), -os.path.getsize(files[i])))
        if not cov[best] - covered:
            break
        chosen.append(best)
        covered |= cov.pop(best)
    keep = {files[i] for i in chosen}
    for path in files:
        if path not in keep:
            os.remove(path)
    print(f"kept {len(keep)} of {count} inputs, {len(covered)} of {len(every)} edges")


if __name__ == "__main__":
    main()
