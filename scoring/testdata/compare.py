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
print("# shareagainst LEVEL x n b -> diff p")
print("# index LEVEL p1 d1 n1 p2 d2 n2 -> diff low high p   (# which test)")
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
    print(f"shareagainst 0.95 {x} {n} {b} -> {x/n - b!r} {p!r}")

# Index comparisons. The interval of the difference is the difference of
# the two adjusted Wald indexes (3/4 added to promoters and detractors, 3 to
# n) +- z * sqrt(v1' + v2'). The p-value is the pooled-variance z test, or
# for a group under 30 answers the exact test conditional on the pooled
# band counts: enumerate the first group's tables with scipy's
# multivariate_hypergeom and add the probabilities of differences at least
# as large as the one observed.
def adj(p, d, n):
    n2 = n + 3
    fp, fd = (p + 0.75) / n2, (d + 0.75) / n2
    return 100 * (fp - fd), 1e4 * (fp + fd - (fp - fd) ** 2) / n2

def index_diff(p, d, n):
    return 100 * (p - d) / n

def exact_conditional(p1, d1, n1, p2, d2, n2):
    P, D, N = p1 + p2, d1 + d2, n1 + n2
    A = N - P - D
    obs = abs(index_diff(p1, d1, n1) - index_diff(P - p1, D - d1, n2))
    tail = 0.0
    for xp in range(0, n1 + 1):
        for xd in range(0, n1 - xp + 1):
            xa = n1 - xp - xd
            if xp > P or xd > D or xa > A:
                continue
            diff = abs(index_diff(xp, xd, n1) - index_diff(P - xp, D - xd, n2))
            if diff >= obs - 1e-9:
                tail += stats.multivariate_hypergeom.pmf([xp, xa, xd], [P, A, D], n1)
    return min(1.0, tail)

def index_case(level, p1, d1, n1, p2, d2, n2):
    z = stats.norm.ppf(1 - (1 - level) / 2)
    diff = index_diff(p1, d1, n1) - index_diff(p2, d2, n2)
    a1, v1 = adj(p1, d1, n1)
    a2, v2 = adj(p2, d2, n2)
    half = z * math.sqrt(v1 + v2)
    if min(n1, n2) < 30:
        p, test = exact_conditional(p1, d1, n1, p2, d2, n2), "exact"
    else:
        P, D, N = (p1 + p2) / (n1 + n2), (d1 + d2) / (n1 + n2), n1 + n2
        se = math.sqrt(1e4 * (P + D - (P - D) ** 2) * (1 / n1 + 1 / n2))
        p, test = (2 * stats.norm.sf(abs(diff / se)) if se > 0 else (1.0 if diff == 0 else 0.0)), "pooled"
    print(f"index {level} {p1} {d1} {n1} {p2} {d2} {n2} -> {diff!r} {a1 - a2 - half!r} {a1 - a2 + half!r} {p!r}  # {test}")

# The small units: 5 promoters, 5 passives and 5 detractors against
# a county of 1 000 (600 promoters, 150 detractors); n = 1 in either band.
icases = [(5, 0, 5, 600, 150, 1000), (0, 0, 5, 600, 150, 1000), (0, 5, 5, 600, 150, 1000), (1, 0, 1, 600, 150, 1000),
          (0, 0, 1, 600, 150, 1000), (12, 3, 20, 40, 10, 60), (29, 0, 29, 30, 0, 31), (3, 3, 10, 4, 4, 12)]
icases += [(60, 10, 100, 500, 150, 1000), (7, 1, 10, 680, 120, 1000), (20, 20, 50, 30, 10, 60)]
icases += [(lambda n1, n2: (a := rnd.randint(0, n1), rnd.randint(0, n1 - a), n1, b := rnd.randint(0, n2), rnd.randint(0, n2 - b), n2))(rnd.randint(5, 200), rnd.randint(5, 2000)) for _ in range(6)]
for level in (0.95, 0.998):
    for c in icases:
        index_case(level, *c)
# All in one band on both sides: no difference.
index_case(0.95, 40, 0, 40, 80, 0, 80)

# Index against a reference population (promoter and detractor shares
# p0, d0): exact multinomial test under 30 answers (scipy's multinomial
# pmf, differences at least as far from the reference index), else the
# score z test with the reference's variance.
print("# indexagainst LEVEL p d n p0 d0 -> diff low high p")
for level in (0.95,):
    for p, d, n, p0, d0 in [(5, 0, 5, 0.6, 0.15), (0, 0, 5, 0.6, 0.15), (0, 5, 5, 0.6, 0.15), (3, 1, 9, 0.5, 0.2),
                            (20, 2, 29, 0.6, 0.15), (60, 10, 100, 0.6, 0.15), (400, 300, 1000, 0.45, 0.25), (0, 0, 3, 0.0, 0.0)]:
        ref = 100 * (p0 - d0)
        est = index_diff(p, d, n)
        a, v = adj(p, d, n)
        z = stats.norm.ppf(1 - (1 - level) / 2)
        lo, hi = max(-100, a - z * math.sqrt(v)) - ref, min(100, a + z * math.sqrt(v)) - ref
        if n < 30:
            obs = abs((p - d) - n * (p0 - d0))
            pv = 0.0
            for xp in range(n + 1):
                for xd in range(n - xp + 1):
                    if abs((xp - xd) - n * (p0 - d0)) >= obs - 1e-9 * n:
                        pv += stats.multinomial.pmf([xp, n - xp - xd, xd], n, [p0, 1 - p0 - d0, d0])
            pv = min(1.0, pv)
        else:
            se = math.sqrt(1e4 * (p0 + d0 - (p0 - d0) ** 2) / n)
            pv = 2 * stats.norm.sf(abs((est - ref) / se))
        print(f"indexagainst {level} {p} {d} {n} {p0} {d0} -> {est - ref!r} {lo!r} {hi!r} {pv!r}")

# Tail probabilities far out: 2 * Phi(-|z|) from scipy's survival function.
print("# tail Z -> two-sided p")
for z in [0, 0.5, 1.959963984540054, -3, 5, 8, 8.5, 10, -12, 15, 20, 25, 30, 35, 37.5]:
    print(f"tail {z!r} -> {2 * stats.norm.sf(abs(z))!r}")

# Student's t intervals of means (scipy.stats.t.interval), clipped to 1-5.
print("# mean LEVEL mean sd n -> low high")
for level, m, sd, n in [(0.95, 3.0, 0.1, 2), (0.95, 4.2, 0.9, 30), (0.998, 3.1, 0.4, 7), (0.95, 5.0, 0.0, 12), (0.95, 2.3, 0.5, 3), (0.95, 4.8, 0.9, 5), (0.9, 3.9, 1.1, 1000)]:
    lo, hi = (m, m) if sd == 0 else stats.t.interval(level, n - 1, loc=m, scale=sd / math.sqrt(n))
    print(f"mean {level} {m!r} {sd!r} {n} -> {max(1.0, lo)!r} {min(5.0, hi)!r}")

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
