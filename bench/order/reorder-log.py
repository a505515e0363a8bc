#!/usr/bin/env python3
"""Reorder an exchange log for the order-dependence experiment (docs/design/0006-cluster-plan.md).

usage: reorder-log.py IN.jsonl.gz MODE OUT.jsonl.gz [SEED]
  MODE interleaved: a random interleaving of the accounts' streams that keeps each account's own order (what a cluster
                    partitioned by account could feed an engine); each account's exchanges get sorted uniform random keys
  MODE grouped:     each account's whole stream at once, accounts in random order (the extreme case)
Lines are copied verbatim; nothing else changes.
"""
import collections, gzip, random, sys

src, mode, out = sys.argv[1], sys.argv[2], sys.argv[3]
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 7)
lines, per = [], collections.defaultdict(list)
for line in gzip.open(src, 'rt', encoding='utf-8'):
    if not line.strip():
        continue
    j = line.find('"account_id":"')
    account = line[j + 14:line.find('"', j + 14)] if j >= 0 else ''
    per[account].append(len(lines))
    lines.append(line)
if mode == 'interleaved':
    key = [0.0] * len(lines)
    for idx in per.values():
        for i, k in zip(idx, sorted(rng.random() for _ in idx)):
            key[i] = k
    order = sorted(range(len(lines)), key=key.__getitem__)
elif mode == 'grouped':
    accounts = list(per)
    rng.shuffle(accounts)
    order = [i for a in accounts for i in per[a]]
else:
    sys.exit(f'unknown mode {mode}: expected interleaved or grouped')
with gzip.open(out, 'wt', encoding='utf-8', compresslevel=1) as f:
    for i in order:
        f.write(lines[i])
