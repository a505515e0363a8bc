#!/usr/bin/env python3
"""Compare two findings.json files as issue 7 defines equality: same verdicts per account, same campaign membership.

usage: compare-findings.py A/findings.json B/findings.json
"""
import collections, json, sys

def load(path):
    d = json.load(open(path, encoding='utf-8'))
    return ({a['account_id']: a['verdict'] for a in d['accounts']},
            {frozenset(c['account_ids']) for c in d['campaigns']},
            collections.Counter(c['account_count'] for c in d['campaigns']))

(va, ca, sa), (vb, cb, sb) = load(sys.argv[1]), load(sys.argv[2])
diff = [(va.get(k), vb.get(k)) for k in set(va) | set(vb) if va.get(k) != vb.get(k)]
print(f'accounts listed {len(va)} / {len(vb)}; verdict differences {len(diff)} {collections.Counter(diff).most_common(4)}')
print(f'attack accounts {sum(v == "attack" for v in va.values())} / {sum(v == "attack" for v in vb.values())}')
print(f'campaigns {len(ca)} / {len(cb)}; identical membership {len(ca & cb)}')
print(f'  only in A (sizes): {sorted((len(s) for s in ca - cb), reverse=True)[:12]}')
print(f'  only in B (sizes): {sorted((len(s) for s in cb - ca), reverse=True)[:12]}')
print(f'  single-account campaigns {sa[1]} / {sb[1]}')
