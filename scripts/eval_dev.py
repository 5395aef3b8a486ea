#!/usr/bin/env python3
"""Scores `cloudatlas compile FILE --out -` against the dev gold files.

Usage: scripts/eval_dev.py [NOTES_FILE] [--gold DIR] [--bin PATH] [--json GRAPH.json] [-v]

Entities: a gold entity is found when a node has its id, or a node's label/aliases match one of
its accepted names (case-insensitive). Node precision is reported as the share of
service/concept/tool nodes whose id or names match a gold entity (a lower bound: the gold list
is not exhaustive) and listed with -v for a manual look.
Relations: a gold pair is found when an edge joins its two nodes (either direction).
Mean degree: distinct neighbours per service/concept/tool node.
Markers: a gold line is found when a marker of the same kind is on that line.
"""
import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict
import os
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")


def norm(s):
    return " ".join(s.lower().replace("-", " ").split())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notes", nargs="?", default=os.path.join(SHARED, "seeds", "aws-devops-notes.txt"))
    ap.add_argument("--gold", default=os.path.join(SHARED, "dev-eval"))
    ap.add_argument("--bin", default=None)
    ap.add_argument("--json", default=None, help="score this graph JSON instead of compiling")
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--wording-only", action="store_true",
                    help="ignore links with no evidence (catalog-only relations)")
    args = ap.parse_args()

    if args.json:
        graph = json.load(open(args.json))
    else:
        cmd = [args.bin] if args.bin else ["cargo", "run", "-q", "--"]
        out = subprocess.run(cmd + ["compile", args.notes, "--out", "-"], capture_output=True,
                             text=True, check=True)
        graph = json.loads(out.stdout)

    ents = json.load(open(os.path.join(args.gold, "entities.json")))
    rels = json.load(open(os.path.join(args.gold, "relations.json")))
    marks = json.load(open(os.path.join(args.gold, "markers.json")))

    if args.wording_only:
        graph["links"] = [l for l in graph["links"] if l.get("evidence")]
    nodes = graph["nodes"]
    by_id = {n["id"]: n for n in nodes}
    names = defaultdict(set)
    for n in nodes:
        if n["kind"] not in ("service", "concept", "tool"):
            continue
        for name in [n["id"], n.get("label", "")] + n.get("aliases", []):
            names[norm(name)].add(n["id"])

    def resolve(gold_id, accept=()):
        if gold_id in by_id:
            return gold_id
        for a in accept:
            hit = names.get(norm(a))
            if hit:
                return sorted(hit)[0]
        return None

    gold_by_id = {e["id"]: e for e in ents}
    mapped = {}
    for e in ents:
        mapped[e["id"]] = resolve(e["id"], e["accept"] + [e["canonical"]])
    core = [e for e in ents if e["core"]]
    rec_core = sum(1 for e in core if mapped[e["id"]]) / max(1, len(core))
    rec_all = sum(1 for e in ents if mapped[e["id"]]) / max(1, len(ents))
    print(f"entities: recall core {rec_core:.3f} ({sum(1 for e in core if mapped[e['id']])}/{len(core)}), "
          f"all {rec_all:.3f} ({sum(1 for e in ents if mapped[e['id']])}/{len(ents)})")
    missing = [e["id"] for e in ents if not mapped[e["id"]]]
    print("  missing:", " ".join(missing))

    sct = [n for n in nodes if n["kind"] in ("service", "concept", "tool")]
    matched_nodes = set(v for v in mapped.values() if v)
    rel_ids = set()
    for r in rels:
        rel_ids.add(r["a"])
        rel_ids.add(r["b"])
    in_gold = [n for n in sct if n["id"] in matched_nodes or n["id"] in rel_ids]
    print(f"nodes: {len(nodes)} total, {len(sct)} service/concept/tool, "
          f"{len(in_gold)} of them in the gold lists ({len(in_gold) / max(1, len(sct)):.3f}, lower bound)")
    if args.v:
        extra = sorted((n["id"], n["mentions"]) for n in sct if n not in in_gold)
        print("  not in gold (check by hand):", " ".join(f"{i}({m})" for i, m in extra))
        topics = sorted(n["label"] for n in nodes if n["kind"] == "topic")
        print(f"  topics ({len(topics)}):", " | ".join(topics))

    adj = defaultdict(set)
    for l in graph["links"]:
        adj[l["source"]].add(l["target"])
        adj[l["target"]].add(l["source"])
    found = 0
    kind_ok = 0
    miss = []
    for r in rels:
        a = resolve(r["a"], gold_by_id.get(r["a"], {}).get("accept", []))
        b = resolve(r["b"], gold_by_id.get(r["b"], {}).get("accept", []))
        if a and b and b in adj[a]:
            found += 1
            kinds = {l["kind"] for l in graph["links"]
                     if {l["source"], l["target"]} == {a, b}}
            if r["kind"] in kinds:
                kind_ok += 1
        else:
            miss.append(f"{r['a']}{'' if a else '(-)'}~{r['b']}{'' if b else '(-)'}@{r['evidence_line']}")
    sct_ids = {n["id"] for n in sct}
    degrees = [len(adj[i]) for i in sct_ids]
    mean_deg = sum(degrees) / max(1, len(degrees))
    print(f"relations: {found}/{len(rels)} gold pairs have an edge ({found / max(1, len(rels)):.3f}), "
          f"kind matches {kind_ok}/{found}; links {len(graph['links'])}, "
          f"mean degree (service/concept/tool) {mean_deg:.2f}, max {max(degrees, default=0)}")
    print("  missing:", " ".join(miss))

    got = defaultdict(set)
    for s in graph["sections"]:
        for m in s["markers"]:
            got[m["kind"]].add(m["line"])
    for kind in ("important", "uncertain"):
        gold_lines = {m["line"] for m in marks[kind]}
        hit = gold_lines & got[kind]
        extra = sorted(got[kind] - gold_lines)
        print(f"markers {kind}: recall {len(hit)}/{len(gold_lines)} ({len(hit) / max(1, len(gold_lines)):.3f}), "
              f"precision {len(hit)}/{len(got[kind])} ({len(hit) / max(1, len(got[kind])):.3f}); "
              f"missed {sorted(gold_lines - got[kind])}, extra {extra}")


if __name__ == "__main__":
    sys.exit(main())
