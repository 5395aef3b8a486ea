#!/usr/bin/env python3
"""Measures plain-text section detection against a gold file.

Usage: scripts/eval_sections.py NOTES.txt GOLD.json [--bin PATH] [--show]

Runs `cloudatlas compile NOTES --out -`, then reports recall (gold section starts found within
+-1 line), level agreement on the matched ones, and how many of our sections match no gold start
(gold lists are samples, so these are candidates to read, not all errors).
"""
import json
import subprocess
import sys


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show = "--show" in sys.argv
    binary = "target/debug/cloudatlas"
    if "--bin" in sys.argv:
        binary = sys.argv[sys.argv.index("--bin") + 1]
        args = [a for a in args if a != binary]
    notes, gold_path = args[0], args[1]
    out = subprocess.run([binary, "compile", notes, "--out", "-"], capture_output=True,
                         text=True, check=True).stdout
    ours = [s for s in json.loads(out)["sections"] if s["level"] > 0]
    gold = json.load(open(gold_path))
    lines = open(notes, encoding="utf-8", errors="replace").read().split("\n")
    found = 0
    level_ok = 0
    for g in gold:
        near = [s for s in ours if abs(s["line_start"] - g["start_line"]) <= 1]
        if near:
            found += 1
            if any(s["level"] == g["level"] for s in near):
                level_ok += 1
            elif show:
                print(f"LEVEL  gold {g['level']} ours {near[0]['level']}: {g['title']}")
        elif show:
            print(f"MISSED {g['start_line']}: {g['title']!r}")
    gold_starts = {g["start_line"] for g in gold}
    extra = [s for s in ours if not any(abs(s["line_start"] - x) <= 1 for x in gold_starts)]
    if show:
        for s in extra:
            print(f"EXTRA  {s['line_start']} L{s['level']}: {s['title']!r}"
                  f"   | {lines[s['line_start'] - 1].strip()[:70]!r}")
    print(f"recall {found}/{len(gold)} = {found / len(gold):.3f}; "
          f"level agreement {level_ok}/{found}; ours {len(ours)}, "
          f"not in gold {len(extra)} (gold is a sample)")


if __name__ == "__main__":
    main()
