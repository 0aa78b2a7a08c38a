#!/usr/bin/python3
"""Reference values for scoring's indicators and intervals.

Independent of the Go code: shares use statsmodels' proportion_confint
(wilson, beta = Clopper-Pearson, jeffreys, normal = Wald); the Jeffreys
limits are set to 0 at x = 0 and 1 at x = n as Brown, Cai and DasGupta
(2001) recommend and the library documents. The recommendation index uses
the adjusted Wald formula of Rocks (2016) and plain Wald, with scipy's normal
quantile; means use scipy's Student t quantile. All limits are clipped to
the possible range.

Debian: apt-get install python3-scipy python3-statsmodels
Run:    /usr/bin/python3 indicators.py > indicators.txt
"""
import math
import random
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

print("# Conformance vectors for package scoring, made by indicators.py")
print("# (statsmodels", __import__("statsmodels").__version__, "/ scipy", __import__("scipy").__version__ + ").")
print("#")
print("# share METHOD LEVEL x n            -> estimate low high   (share of x in n)")
print("# index METHOD LEVEL promoters passives detractors -> estimate low high (points)")
print("# mean LEVEL c1 c2 c3 c4 c5         -> estimate low high   (counts of answers 1-5)")
print("# Numbers are compared with a relative tolerance of 1e-9.")

def clip(x, lo, hi):
    return max(lo, min(hi, x))

rnd = random.Random(2026)
share_cases = [(0, 1), (1, 1), (0, 10), (10, 10), (1, 10), (5, 10), (9, 10), (3, 7), (95, 100), (450, 500), (2956, 3000), (0, 3554), (3554, 3554), (61200, 68000)]
share_cases += [(x, n) for n in (rnd.randint(2, 50) for _ in range(8)) for x in [rnd.randint(0, n)]]
sm = {"wilson": "wilson", "clopper-pearson": "beta", "jeffreys": "jeffreys", "wald": "normal"}
for level in (0.95, 0.998, 0.90):
    for method, smname in sm.items():
        for x, n in share_cases:
            lo, hi = proportion_confint(x, n, alpha=1 - level, method=smname)
            if method == "jeffreys":
                if x == 0: lo = 0.0
                if x == n: hi = 1.0
            print(f"share {method} {level} {x} {n} -> {x/n!r} {clip(lo,0,1)!r} {clip(hi,0,1)!r}")

index_cases = [(1, 0, 0), (0, 0, 1), (5, 3, 2), (60, 25, 15), (680, 200, 120), (0, 10, 0), (3, 0, 3), (9000, 700, 300), (1, 1, 1)]
index_cases += [(rnd.randint(0, 40), rnd.randint(0, 20), rnd.randint(0, 20)) for _ in range(8)]
for level in (0.95, 0.998):
    z = stats.norm.ppf(1 - (1 - level) / 2)
    for P, A, D in index_cases:
        n = P + A + D
        if n == 0:
            continue
        est = 100 * (P - D) / n
        for method in ("adjusted-wald", "wald"):
            if method == "adjusted-wald":
                nn, p, d = n + 3, (P + 0.75) / (n + 3), (D + 0.75) / (n + 3)
            else:
                nn, p, d = n, P / n, D / n
            c = p - d
            se = math.sqrt((p + d - c * c) / nn)
            print(f"index {method} {level} {P} {A} {D} -> {est!r} {clip(100*(c-z*se),-100,100)!r} {clip(100*(c+z*se),-100,100)!r}")

mean_cases = [(0, 0, 0, 1, 1), (1, 2, 3, 4, 5), (10, 0, 0, 0, 90), (0, 0, 50, 0, 0), (30, 60, 150, 900, 1816)]
mean_cases += [tuple(rnd.randint(0, 30) for _ in range(5)) for _ in range(6)]
for level in (0.95, 0.99):
    for cs in mean_cases:
        values = [v for v, c in zip(range(1, 6), cs) for _ in range(c)]
        n = len(values)
        m = sum(values) / n
        sd = stats.tstd(values) if n > 1 else 0.0
        if sd == 0:
            lo, hi = m, m
        else:
            lo, hi = stats.t.interval(level, n - 1, loc=m, scale=sd / math.sqrt(n))
        print(f"mean {level} {' '.join(map(str, cs))} -> {m!r} {clip(lo,1,5)!r} {clip(hi,1,5)!r}")
