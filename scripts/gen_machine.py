#!/usr/bin/env python3
"""Writes one machine in several forms, for scripts/compile_time.sh.

usage: gen_machine.py MACHINE FORM > src/lib.rs
       gen_machine.py --forms

MACHINE is `task` (use case 1's task machine: 6 states, 6 events, 8 arms,
without state data or guards, which rust-fsm cannot express) or
`STATES,EVENTS,ARMS` (e.g. `100,50,500`): a generated machine where state
i has an arm to state i+1 (so every state is reachable) and the remaining
arms are spread by a fixed stride, each (event, source) pair used once.
The output depends on nothing but the arguments.

FORM is one of:
  stateforge   the state_machine! macro
  stateforge_serde
               the same source; scripts/compile_time.sh builds it with the
               facade's `serde` feature, whose impls the macro then adds
  hand         an enum of states, an enum of events, one match with an arm
               per transition (the baseline of issue 6)
  hand_typed   a typestate: a struct per state, a method per arm
  hand_both    `hand_typed` and `hand` together: the two APIs the macro
               generates, written by hand
  rust_fsm     rust-fsm 0.8's state_machine! macro
  smlang       smlang 0.8's statemachine! macro
"""
import sys

FORMS = ["stateforge", "stateforge_serde", "hand", "hand_typed", "hand_both", "rust_fsm", "smlang"]


def camel(name):
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def task():
    states = ["Pending", "Assigned", "InProgress", "Completed", "Failed", "Escalated"]
    arms = [
        ("assign", "Pending", "Assigned"),
        ("start", "Assigned", "InProgress"),
        ("complete", "InProgress", "Completed"),
        ("fail", "Assigned", "Failed"),
        ("fail", "InProgress", "Failed"),
        ("escalate", "Assigned", "Escalated"),
        ("escalate", "InProgress", "Escalated"),
        ("retry", "Failed", "Pending"),
    ]
    events = ["assign", "start", "complete", "fail", "escalate", "retry"]
    return "Task", states, events, arms, {"Completed", "Escalated"}


def generated(n_states, n_events, n_arms):
    pairs, used = [], set()
    for i in range(n_states - 1):  # a path through every state
        pairs.append((i % n_events, i, i + 1))
        used.add((i % n_events, i))
    k = 0
    while len(pairs) < n_arms:
        e, s = (k * 7) % n_events, (k * 13 + 5) % (n_states - 1)
        k += 1
        if (e, s) in used:
            continue
        used.add((e, s))
        pairs.append((e, s, (s * 31 + e) % n_states))
    states = [f"S{i}" for i in range(n_states)]
    events = [f"e{e}" for e in range(n_events)]
    arms = [(f"e{e}", f"S{s}", f"S{t}") for e, s, t in pairs]
    # The last state is final: no arm leaves it (sources stop at n - 2).
    return "Big", states, events, arms, {states[-1]}


def stateforge(name, states, events, arms, finals):
    out = ["stateforge::state_machine! {", "    #[stateforge(allow_dead_ends)]", f"    pub machine {name} {{"]
    for i, s in enumerate(states):
        kind = ("initial " if i == 0 else "") + ("final " if s in finals else "")
        out.append(f"        {kind}state {s};")
    for e in events:
        arms_of = [f"{s} -> {t}" for ev, s, t in arms if ev == e]
        if arms_of:
            out.append(f"        event {e}: {', '.join(arms_of)};")
    out += ["    }", "}"]
    return out


def hand(name, states, events, arms, finals):
    out = ["#[derive(Debug, Clone, Copy, PartialEq)]", f"pub enum {name}State {{"]
    out += [f"    {s}," for s in states]
    out += ["}", "#[derive(Debug, Clone, Copy)]", f"pub enum {name}Event {{"]
    out += [f"    {camel(e)}," for e in events]
    out += ["}", f"pub fn fire(s: {name}State, e: {name}Event) -> Result<{name}State, ({name}State, {name}Event)> {{",
            "    match (s, e) {"]
    out += [f"        ({name}State::{s}, {name}Event::{camel(e)}) => Ok({name}State::{t})," for e, s, t in arms]
    out += ["        (s, e) => Err((s, e)),", "    }", "}"]
    return out


def hand_typed(name, states, events, arms, finals):
    out = [f"pub struct {s};" for s in states]
    out += [f"pub struct {name}<S> {{", "    pub state: S,", "}",
            f"impl {name}<{states[0]}> {{",
            f"    pub fn new() -> Self {{ {name} {{ state: {states[0]} }} }}", "}"]
    for s in states:
        mine = [(e, t) for e, src, t in arms if src == s]
        if not mine:
            continue
        out.append(f"impl {name}<{s}> {{")
        out += [f"    pub fn {e}(self) -> {name}<{t}> {{ {name} {{ state: {t} }} }}" for e, t in mine]
        out.append("}")
    return out


def rust_fsm(name, states, events, arms, finals):
    out = ["rust_fsm::state_machine! {", f"    pub {name.lower()}({states[0]})", ""]
    for s in states:
        mine = [(e, t) for e, src, t in arms if src == s]
        if mine:
            out.append(f"    {s} => {{ {', '.join(f'{camel(e)} => {t}' for e, t in mine)} }},")
    out.append("}")
    return out


def smlang(name, states, events, arms, finals):
    out = ["smlang::statemachine! {", f"    name: {name},", "    transitions: {"]
    start = True
    for e, s, t in sorted(arms, key=lambda a: a[1] != states[0]):  # the initial state's arms first
        star = "*" if start else ""
        start = False
        out.append(f"        {star}{s} + {camel(e)} = {t},")
    out += ["    }", "}", "pub struct Ctx;", f"impl {name}StateMachineContext for Ctx {{}}"]
    return out


def main():
    if sys.argv[1:] == ["--forms"]:
        print(" ".join(FORMS))
        return
    machine, form = sys.argv[1], sys.argv[2]
    spec = task() if machine == "task" else generated(*map(int, machine.split(",")))
    if form == "hand_both":
        lines = hand_typed(*spec) + hand(*spec)
    else:
        lines = {"stateforge": stateforge, "stateforge_serde": stateforge, "hand": hand, "hand_typed": hand_typed, "rust_fsm": rust_fsm,
                 "smlang": smlang}[form](*spec)
    print(f"//! {machine} as `{form}`, written by scripts/gen_machine.py.")
    print("\n".join(lines))


main()
