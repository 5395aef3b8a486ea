#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>/, not committed) from our own fixtures: the
# built-in notes in data/notes, the inputs the fuzzer found (tests/fixtures/fuzz/), queries
# written here, and study files made by the CLI. Usage: scripts/fuzz-corpus.sh [path/to/cloudatlas]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/debug/cloudatlas}
C=fuzz/corpus
mkdir -p "$C/plain_outline" "$C/markdown" "$C/query" "$C/study_file"

# Notes: every note as a whole, and each as pieces of 40 lines (small inputs mutate faster).
for f in data/notes/*.txt data/notes/topics/*.md; do
    case "$f" in *.txt) t=plain_outline ;; *) t=markdown ;; esac
    name=$(basename "$f")
    cp "$f" "$C/$t/$name"
    split -l 40 -d "$f" "$C/$t/$name.part-"
done
# The fuzzer's own finds, kept as regression fixtures.
for t in plain_outline markdown query study_file; do
    if [ -d "tests/fixtures/fuzz/$t" ]; then cp tests/fixtures/fuzz/$t/* "$C/$t/" 2>/dev/null || true; fi
done

# Queries: the syntax the parser knows, and heading lines of the notes as a student would type them.
n=0
q() { n=$((n + 1)); printf '%s' "$1" > "$C/query/seed-$n"; }
q 'what is the difference between blue/green and canary'
q '"rolling update" -lambda in:codedeploy'
q 'kind:service deploy'
q 'kind:important cache'
q 'leader_only buildspec.yml'
q 'ASG lifecycle hoks'
q '-"immutable deployment" beanstalk'
q 'cross-account role assume'
q 'cloudform'
q 'in:S3 replication "version'
grep -hE '^(#+ )?[A-Z][A-Za-z0-9 /-]{3,40}$' data/notes/*.txt data/notes/topics/*.md | head -40 |
    while IFS= read -r line; do n=$((n + 1)); printf '%s' "${line#\#* }" > "$C/query/heading-$n"; done

# Study files: marks, notes and reviews made with the CLI on the built-in notes.
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
run() { CLOUDATLAS_DATA_DIR=$data RUST_LOG=off "$BIN" "$@" > /dev/null 2>&1; }
run weak add codedeploy --level weak --note 'hooks order: ApplicationStop first'
run weak add elastic-beanstalk --level shaky
run weak add 'AWS CodePipeline' --level solid --note 'manual approval "stage"'
cp "$data"/collections/builtin/study.ron "$C/study_file/marks.ron"
run weak review codedeploy good
run weak review elastic-beanstalk again
run weak review codedeploy easy
cp "$data"/collections/builtin/study.ron "$C/study_file/reviews.ron"
run weak suggest --accept-all
cp "$data"/collections/builtin/study.ron "$C/study_file/suggested.ron"
printf '(version: 1, dismissed: {"cloudwatch": (at: 1795979672, label: "CloudWatch")})\n' \
    > "$C/study_file/dismissed.ron"
printf '(version: 1)\n' > "$C/study_file/minimal.ron"
printf '(version: 1, marks: {"x": (id: "x", memory: Some((stability: 2.5, difficulty: 5.0)))})\n' \
    > "$C/study_file/memory.ron"
for t in plain_outline markdown query study_file; do echo "$t: $(ls "$C/$t" | wc -l) seeds"; done
