#!/usr/bin/python3
"""Reference values for scoring's comparisons, adjustments and reliability.

Independent of the Go code: statsmodels' proportions_ztest (pooled
two-sample test, and the one-sample score test with prop_var = benchmark),
confint_proportions_2indep(method="newcomb") for Newcombe's hybrid score
interval, multipletests for Holm and Benjamini-Hochberg, and
combine_effects(method_re="dl") for the DerSimonian-Laird tau^2. Index
comparisons use the Wald formulas with scipy's normal distribution.

Run: /usr/bin/python3 compare.py > compare.txt
"""
import math
import random
import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest, confint_proportions_2indep
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.meta_analysis import combine_effects

rnd = random.Random(11)
print("# Conformance vectors for scoring comparisons, made by compare.py.")
print("# shares LEVEL x1 n1 x2 n2 -> diff low high p")
print("# benchshare LEVEL x n b -> diff p")
print("# index LEVEL p1 d1 n1 p2 d2 n2 -> diff low high p")
print("# holm|bh p1 p2 ... -> adjusted p1 p2 ...")
print("# dl x1 n1 x2 n2 ... -> tau2   (shares, variances from the pooled share)")

cases = [(45, 50, 400, 500), (10, 20, 300, 400), (95, 100, 800, 1000), (3, 10, 700, 1000), (50, 60, 50, 60), (0, 12, 40, 100)]
cases += [(lambda n1, n2: (rnd.randint(0, n1), n1, rnd.randint(0, n2), n2))(rnd.randint(5, 300), rnd.randint(5, 3000)) for _ in range(10)]
for level in (0.95, 0.998):
    for x1, n1, x2, n2 in cases:
        _, p = proportions_ztest([x1, x2], [n1, n2])
        lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff", alpha=1 - level)
        print(f"shares {level} {x1} {n1} {x2} {n2} -> {x1/n1 - x2/n2!r} {lo!r} {hi!r} {p!r}")

for x, n, b in [(90, 100, 0.8), (45, 50, 0.9), (400, 500, 0.9), (10, 30, 0.5), (29, 30, 0.9)]:
    _, p = proportions_ztest(x, n, value=b, prop_var=b)
    print(f"benchshare 0.95 {x} {n} {b} -> {x/n - b!r} {p!r}")

def idx_var(p, d, n):
    fp, fd = p / n, d / n
    return 1e4 * (fp + fd - (fp - fd) ** 2) / n
icases = [(60, 10, 100, 500, 150, 1000), (7, 1, 10, 680, 120, 1000), (20, 20, 50, 30, 10, 60)]
icases += [(lambda n1, n2: (a := rnd.randint(0, n1), rnd.randint(0, n1 - a), n1, b := rnd.randint(0, n2), rnd.randint(0, n2 - b), n2))(rnd.randint(5, 200), rnd.randint(5, 2000)) for _ in range(6)]
for level in (0.95, 0.998):
    z = stats.norm.ppf(1 - (1 - level) / 2)
    for p1, d1, n1, p2, d2, n2 in icases:
        diff = 100 * (p1 - d1) / n1 - 100 * (p2 - d2) / n2
        se = math.sqrt(idx_var(p1, d1, n1) + idx_var(p2, d2, n2))
        p = 2 * stats.norm.sf(abs(diff / se))
        print(f"index {level} {p1} {d1} {n1} {p2} {d2} {n2} -> {diff!r} {diff - z*se!r} {diff + z*se!r} {p!r}")

for _ in range(6):
    ps = [rnd.choice([rnd.random(), rnd.random() ** 4]) for _ in range(rnd.randint(2, 12))]
    for name, method in (("holm", "holm"), ("bh", "fdr_bh")):
        adj = multipletests(ps, method=method)[1]
        print(f"{name} {' '.join(repr(p) for p in ps)} -> {' '.join(repr(float(a)) for a in adj)}")

for _ in range(6):
    k = rnd.randint(3, 15)
    groups = []
    for _ in range(k):
        n = rnd.randint(10, 400)
        true = min(0.99, max(0.5, rnd.gauss(0.85, 0.06)))
        x = sum(rnd.random() < true for _ in range(n))
        groups.append((x, n))
    pooled = sum(x for x, _ in groups) / sum(n for _, n in groups)
    eff = np.array([x / n for x, n in groups])
    var = np.array([pooled * (1 - pooled) / n for _, n in groups])
    tau2 = combine_effects(eff, var, method_re="dl").tau2
    print(f"dl {' '.join(f'{x} {n}' for x, n in groups)} -> {float(tau2)!r}")
