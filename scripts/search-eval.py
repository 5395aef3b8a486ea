#!/usr/bin/env python3
"""Side-by-side relevance and latency: cloudatlas search vs the MiniSearch peer (Omnisearch's
settings), on the same sections (ours, from `cloudatlas compile --out --with-text`) and the same
queries, judged the same way: a hit is relevant when its line range holds one of the query's
relevant lines; MRR@10, hit@1, hit@3, hit@10.

Usage: scripts/search-eval.py [NOTES] [QUERIES] [--bin PATH] [--peers DIR] [--repeat N] [-v]
Defaults: ../shared/seeds/aws-devops-notes.txt, ../shared/dev-eval/queries.json,
target/release/cloudatlas, /tmp/peers (set up with
`cp -r ../shared/bench/peers /tmp/peers && cd /tmp/peers && npm ci`).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import os
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")


def judge(queries, ranked):
    """ranked: one list of (line_start, line_end) per query, best first."""
    rr = h1 = h3 = h10 = 0
    per = []
    for q, hits in zip(queries, ranked):
        rank = next((i for i, (a, b) in enumerate(hits[:10])
                     if any(a <= l <= b for l in q["relevant_lines"])), None)
        if rank is not None:
            rr += 1 / (rank + 1)
            h10 += 1
            h3 += rank < 3
            h1 += rank == 0
        per.append(None if rank is None else rank + 1)
    n = len(queries)
    return {"mrr10": round(rr / n, 3), "hit1": round(h1 / n, 3), "hit3": round(h3 / n, 3),
            "hit10": round(h10 / n, 3)}, per


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notes", nargs="?", default=os.path.join(SHARED, "seeds", "aws-devops-notes.txt"))
    ap.add_argument("queries", nargs="?", default=os.path.join(SHARED, "dev-eval", "queries.json"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "cloudatlas"))
    ap.add_argument("--peers", default="/tmp/peers")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    queries = json.load(open(args.queries))
    with tempfile.TemporaryDirectory() as tmp:
        graph = os.path.join(tmp, "graph.json")
        subprocess.run([args.bin, "compile", args.notes, "--out", graph, "--with-text", "--json"],
                       check=True, stdout=subprocess.DEVNULL)
        sections = [{"id": s["id"], "title": s["title"], "text": s.get("text") or "",
                     "line_start": s["line_start"], "line_end": s["line_end"]}
                    for s in json.load(open(graph))["sections"]]
        sec_file = os.path.join(tmp, "sections.json")
        json.dump(sections, open(sec_file, "w"))
        peer = json.loads(subprocess.run(
            ["node", os.path.join(args.peers, "search-minisearch.mjs"), sec_file, args.queries,
             "--repeat", str(args.repeat)],
            check=True, capture_output=True, text=True).stdout)
        ours_out = json.loads(subprocess.run(
            [args.bin, "search", args.notes, "--queries", args.queries, "--json",
             "--repeat", str(args.repeat)],
            check=True, capture_output=True, text=True).stdout)
    ranked = [[(h["line_start"], h["line_end"]) for h in r["hits"]] for r in ours_out["results"]]
    ours, per = judge(queries, ranked)
    print(f"sections: {len(sections)}  queries: {len(queries)}  repeat: {args.repeat}")
    print(f"{'':12}{'mrr@10':>8}{'hit@1':>8}{'hit@3':>8}{'hit@10':>8}{'p50 ms':>9}{'p99 ms':>9}{'index ms':>10}")
    print(f"{'cloudatlas':12}{ours['mrr10']:>8}{ours['hit1']:>8}{ours['hit3']:>8}{ours['hit10']:>8}"
          f"{ours_out['p50_ms']:>9.3f}{ours_out['p99_ms']:>9.3f}{ours_out['index_ms']:>10.1f}")
    print(f"{'minisearch':12}{peer['mrr10']:>8}{peer['hit1']:>8}{peer['hit3']:>8}{peer['hit10']:>8}"
          f"{peer['latency_ms_p50']:>9.3f}{peer['latency_ms_p99']:>9.3f}{peer['index_ms']:>10.1f}")
    peer_rank = {p["q"]: p["rank"] for p in peer["per_query"]}
    worse = 0
    for q, rank, res in zip(queries, per, ours_out["results"]):
        pr = peer_rank.get(q["q"])
        flag = ""
        if rank != 1:
            flag = "  <-- not first"
        if args.verbose or rank != 1:
            top = res["hits"][0] if res["hits"] else None
            desc = f"{top['title'][:40]} {top['line_start']}-{top['line_end']}" if top else "-"
            print(f"  [{q.get('kind', '')}] {q['q']!r}: ours {rank} peer {pr}  top: {desc}{flag}")
        if (rank or 99) > (pr or 99):
            worse += 1
    print(f"queries where the peer ranks better: {worse}")
    ok = (ours["mrr10"] >= 0.97 and ours["hit1"] >= 0.93 and ours["mrr10"] >= peer["mrr10"]
          and ours["hit1"] >= peer["hit1"])
    print("bar (MRR@10 >= 0.97, hit@1 >= 0.93, both >= peer):", "MET" if ok else "NOT MET")
    return 0


if __name__ == "__main__":
    sys.exit(main())
