#!/usr/bin/env python3
"""Writes the same machine in two forms, for scripts/compile_time.sh.

usage: gen_machine.py STATES EVENTS ARMS FORM > src/main.rs
FORM is `stateforge` (the state_machine! macro) or `hand` (an enum of
states, an enum of events and one match with an arm per transition).
The machine is deterministic: state i has arms to i+1 (so every state is
reachable), and the remaining arms are spread by a fixed stride, each
(event, source) pair used once.
"""
import sys

states, events, arms, form = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
pairs = []  # (event, source, target)
used = set()
for i in range(states - 1):  # a path through every state
    pairs.append((i % events, i, i + 1)); used.add((i % events, i))
k = 0
while len(pairs) < arms:
    e, s = (k * 7) % events, (k * 13 + 5) % (states - 1)
    k += 1
    if (e, s) in used:
        continue
    used.add((e, s)); pairs.append((e, s, (s * 31 + e) % states))
last = states - 1

if form == "stateforge":
    print("stateforge::state_machine! {\n    #[stateforge(allow_dead_ends)]\n    pub machine Big {")
    print("        initial state S0;")
    for i in range(1, states):
        print(f"        {'final ' if i == last else ''}state S{i};")
    by_event = {}
    for e, s, t in pairs:
        by_event.setdefault(e, []).append(f"S{s} -> S{t}")
    for e in sorted(by_event):
        print(f"        event e{e}: {', '.join(by_event[e])};")
    print("    }\n}")
    print("fn main() {\n    let m = AnyBig::from(Big::new());\n    let m = m.fire(BigEvent::E0).map(|m| m.state());\n    println!(\"{:?}\", m.is_ok());\n}")
else:
    print("#[derive(Debug, Clone, Copy, PartialEq)]\nenum State {")
    print("".join(f"    S{i},\n" for i in range(states)) + "}")
    print("#[derive(Debug, Clone, Copy)]\nenum Event {")
    print("".join(f"    E{e},\n" for e in range(events)) + "}")
    print("fn fire(s: State, e: Event) -> Result<State, (State, Event)> {\n    match (s, e) {")
    for e, s, t in pairs:
        print(f"        (State::S{s}, Event::E{e}) => Ok(State::S{t}),")
    print("        (s, e) => Err((s, e)),\n    }\n}")
    print("fn main() {\n    println!(\"{:?}\", fire(State::S0, Event::E0).is_ok());\n}")
