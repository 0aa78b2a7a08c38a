#!/usr/bin/python3
"""Independent re-computation of palaute's protected tables (cell-key/2).

Written from scoring/METHODS.md (sections 2-6) and the national-feedback
spec (sections 3, 4, 8) alone, without reading the library's source.

Usage:
    /usr/bin/python3 scoring/testdata/protected.py \
        [--input examples/testdata/feedback.csv] \
        [--output scoring/testdata/protected.txt]

The secret, Through and the parameters are fixed below (they are the
vectors' definition); see the header of the output file.

Changed by the maintainers after it was written, when METHODS.md changed:
the noise's record-keyed half is a uniform draw, not a binomial one, and a figure
whose published n is under MinAnswers is hidden (2026-12-03); Student's
quantile is taken through the inverse incomplete beta (SciPy's t.ppf is
off by up to 1e-9).
"""

import argparse
import csv
import hashlib
import math
import os
import sys
from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from scipy.special import betaincinv
from scipy.stats import norm


def t_quantile(p, nu):
    """Student's t quantile for p > 0.5 through the inverse regularized
    incomplete beta: x = I⁻¹(2(1 − p); ν/2, ½), t = √(ν(1 − x)/x).
    (Added by the maintainers after the check: SciPy 1.10's t.ppf is off
    by up to 1e-9 — t.ppf(0.975, 5) gives 2.5705818366147 where mpmath at
    40 digits and the closed forms for ν = 1, 2 give 2.5705818356363 — and
    the beta route agrees with mpmath to 1e-13.)"""
    x = betaincinv(nu / 2.0, 0.5, 2.0 * (1.0 - p))
    return math.sqrt(nu * (1.0 - x) / x)

# ---------------------------------------------------------------------------
# Fixed inputs of the vectors
# ---------------------------------------------------------------------------

SECRET = b"independent re-computation secret #1"   # 36 ASCII bytes, no newline
THROUGH = date(2025, 3, 31)
MIN_ANSWERS = 5
EXACT_FROM = 11
NOISE = 6                     # D
TRUST_OPEN_CHANNELS = False
LEVEL = 0.95
INCLUDE_CANT_SAY = False      # can't-say excluded from share denominators

DATA_VERSION = b"palaute/cell-key/2"
RECORD_KEY = b"palaute/record/1"
GATED_CHANNELS = {"sms", "phone", "staff-device"}
TZ = ZoneInfo("Europe/Helsinki")

RECOMMEND_ITEM = "recommend"
# Spec section 8: statements are 1-5 with 0 = can't say (agree-5 scale).
STATEMENT_ITEMS = ["access", "encounter", "participation", "safety",
                   "information", "understandable", "usefulness"]

MASK64 = (1 << 64) - 1

# ---------------------------------------------------------------------------
# SipHash-2-4 (pure Python)
# ---------------------------------------------------------------------------


def _rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & MASK64


def siphash24(k0, k1, msg):
    """SipHash-2-4 of bytes msg under the key words k0, k1; returns a uint64."""
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573

    def rounds(v0, v1, v2, v3, n):
        for _ in range(n):
            v0 = (v0 + v1) & MASK64
            v1 = _rotl(v1, 13)
            v1 ^= v0
            v0 = _rotl(v0, 32)
            v2 = (v2 + v3) & MASK64
            v3 = _rotl(v3, 16)
            v3 ^= v2
            v0 = (v0 + v3) & MASK64
            v3 = _rotl(v3, 21)
            v3 ^= v0
            v2 = (v2 + v1) & MASK64
            v1 = _rotl(v1, 17)
            v1 ^= v2
            v2 = _rotl(v2, 32)
        return v0, v1, v2, v3

    length = len(msg)
    full = length - (length % 8)
    for i in range(0, full, 8):
        m = int.from_bytes(msg[i:i + 8], "little")
        v3 ^= m
        v0, v1, v2, v3 = rounds(v0, v1, v2, v3, 2)
        v0 ^= m
    tail = msg[full:]
    b = ((length & 0xFF) << 56) | int.from_bytes(tail, "little")
    v3 ^= b
    v0, v1, v2, v3 = rounds(v0, v1, v2, v3, 2)
    v0 ^= b
    v2 ^= 0xFF
    v0, v1, v2, v3 = rounds(v0, v1, v2, v3, 4)
    return (v0 ^ v1 ^ v2 ^ v3) & MASK64


def key_words(key16):
    assert len(key16) == 16
    return int.from_bytes(key16[:8], "little"), int.from_bytes(key16[8:], "little")


def check_siphash():
    k0, k1 = key_words(bytes(range(16)))
    got = siphash24(k0, k1, bytes(range(15)))
    assert got == 0xA129CA6149BE45E5, hex(got)
    # a few more vectors of the reference implementation (vectors.h)
    assert siphash24(k0, k1, b"") == 0x726FDB47DD0E0E31
    assert siphash24(k0, k1, bytes(range(8))) == 0x93F5F5799A932462


# ---------------------------------------------------------------------------
# Encodings (section 4)
# ---------------------------------------------------------------------------


def uvarint(x):
    assert x >= 0
    out = bytearray()
    while x >= 0x80:
        out.append((x & 0x7F) | 0x80)
        x >>= 7
    out.append(x)
    return bytes(out)


def svarint(x):
    """Go's binary.AppendVarint: zig-zag, then LEB128."""
    ux = (x << 1) & MASK64
    if x < 0:
        ux = ~ux & MASK64
    return uvarint(ux)


def enc_str(s):
    b = s.encode("utf-8")
    return uvarint(len(b)) + b


# ---------------------------------------------------------------------------
# Scales and categories (section 3)
# ---------------------------------------------------------------------------

# category value r -> (part, answer values).  part 0 = substantive, 1 = can't say
RECOMMEND_CATS = {6: (0, range(0, 7)), 8: (0, range(7, 9)), 10: (0, range(9, 11))}
AGREE_CATS = {v: (1 if v == 0 else 0, [v]) for v in range(0, 6)}


def categories(item):
    return RECOMMEND_CATS if item == RECOMMEND_ITEM else AGREE_CATS


def category_of(item, value):
    for r, (_, vals) in categories(item).items():
        if value in vals:
            return r
    raise ValueError("value %r out of scale for %s" % (value, item))


def parts_of(item):
    return sorted({p for p, _ in categories(item).values()})


# ---------------------------------------------------------------------------
# Reading the responses and building the base (section 2)
# ---------------------------------------------------------------------------


class Cell:
    def __init__(self, group, item):
        self.group = group        # (region, provider, unit, instr_id, instr_ver, year, month)
        self.item = item
        self.x = defaultdict(int)   # category r -> answers
        self.gx = defaultdict(int)  # category r -> gated answers
        self.key = 0                # cell key, sum mod 2^64 of record keys
        # filled by protect():
        self.y = {}
        self.var = {}
        self.e = {}
        self.part_exact = {}
        self.part_certain = {}
        self.part_G = {}


def read_base(path, rk0, rk1):
    items = [RECOMMEND_ITEM] + STATEMENT_ITEMS
    cells = {}
    present = set()
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            when = datetime.fromisoformat(row["submitted"]).astimezone(TZ)
            instr = row["instrument"]
            instr_id, _, instr_ver = instr.rpartition("/")
            if not instr_id:
                instr_id, instr_ver = instr, ""
            group = (row["region"], row["provider"], row["unit"], instr_id,
                     instr_ver, when.year, when.month)
            gated = TRUST_OPEN_CHANNELS or row["channel"].strip() in GATED_CHANNELS
            rkey = siphash24(rk0, rk1, row["id"].encode("utf-8"))
            for item in items:
                raw = (row.get(item) or "").strip()
                if raw == "":
                    continue
                value = int(raw)
                present.add(item)
                c = cells.get((group, item))
                if c is None:
                    c = cells[(group, item)] = Cell(group, item)
                r = category_of(item, value)
                c.x[r] += 1
                if gated:
                    c.gx[r] += 1
                c.key = (c.key + rkey) & MASK64
    return cells, [i for i in items if i in present]


def month_published(year, month):
    # the month's last day must be on or before Through
    if month == 12:
        last = date(year, 12, 31)
    else:
        last = date(year, month + 1, 1).toordinal() - 1
        last = date.fromordinal(last)
    return last <= THROUGH


# ---------------------------------------------------------------------------
# Protection of a cell (sections 4 and 5)
# ---------------------------------------------------------------------------


def protect(cell, nk0, nk1):
    _, _, unit, instr_id, instr_ver, year, month = cell.group
    place = (b"f" + enc_str(unit) + enc_str(instr_id) + enc_str(instr_ver)
             + svarint(year) + bytes([month]) + enc_str(cell.item))
    records = b"g" + cell.key.to_bytes(8, "little") + enc_str(cell.item)
    cats = categories(cell.item)
    for part in parts_of(cell.item):
        rs = [r for r, (p, _) in cats.items() if p == part]
        G = sum(cell.gx[r] for r in rs)
        cell.part_G[part] = G
        if G >= EXACT_FROM:
            cell.part_exact[part] = True
            cell.part_certain[part] = G
            for r in rs:
                cell.y[r] = cell.x[r]
                cell.var[r] = 0.0
        else:
            cell.part_exact[part] = False
            for r in rs:
                # The place half: the heads of D coins less D/2; the records
                # half: uniform on -D/2..D/2, floor(u*(D+1)/2^64) - D/2 (the
                # noise's shape as METHODS.md says since 2026-12-03; these
                # lines were changed by the maintainers, see the header).
                f = bin(siphash24(nk0, nk1, place + bytes([r])) & ((1 << NOISE) - 1)).count("1") - NOISE // 2
                g = ((siphash24(nk0, nk1, records + bytes([r])) * (NOISE + 1)) >> 64) - NOISE // 2
                e = f + g
                cell.e[r] = e
                cell.y[r] = cell.x[r] + e
                cell.var[r] = (NOISE / 4.0 + NOISE * (NOISE + 2) / 12.0)
            c = 0x40 if part == 0 else 0x41
            h = ((siphash24(nk0, nk1, place + bytes([c])) & 1)
                 + (siphash24(nk0, nk1, records + bytes([c])) & 1))
            cell.part_certain[part] = max(0, G + h - 2)


# ---------------------------------------------------------------------------
# Figures (section 6)
# ---------------------------------------------------------------------------

Z = norm.ppf(1 - (1 - LEVEL) / 2)


def clip(x, lo, hi):
    return min(hi, max(lo, x))


def figure(cells, item):
    """Sum the cells; return dict of summed y, var, certain per part, true G per part."""
    y = defaultdict(int)
    var = defaultdict(float)
    certain = defaultdict(int)
    true_g = defaultdict(int)
    for c in cells:
        for r, v in c.y.items():
            y[r] += v
            var[r] += c.var[r]
        for p, v in c.part_certain.items():
            certain[p] += v
            true_g[p] += c.part_G[p]
    pub = {r: max(0, y[r]) for r in categories(item)}   # 1. published counts
    return pub, {r: var[r] for r in categories(item)}, certain, true_g


def widen(est, low, high, v, noisy, lo, hi):
    if not noisy or low is None:
        return low, high
    s_lo = est - low
    s_hi = high - est
    add = Z * Z * v
    low = clip(est - math.sqrt(s_lo * s_lo + add), lo, hi)
    high = clip(est + math.sqrt(s_hi * s_hi + add), lo, hi)
    return low, high


def index_figure(pub, var, certain):
    P, pas, D = pub[10], pub[8], pub[6]
    n = P + pas + D
    cert = certain[0]
    res = dict(n=n, positive=P, neutral=pas, negative=D, cantsay=None, certain=cert)
    if cert < MIN_ANSWERS or n < MIN_ANSWERS:
        return None, res
    est = 100.0 * (P - D) / n
    n2 = n + 3
    p2 = (P + 0.75) / n2
    d2 = (D + 0.75) / n2
    centre = p2 - d2
    se = math.sqrt((p2 + d2 - centre * centre) / n2)
    low = clip(100.0 * (centre - Z * se), -100.0, 100.0)
    high = clip(100.0 * (centre + Z * se), -100.0, 100.0)
    I = (P - D) / n
    deriv = {10: 100.0 * (1 - I) / n, 6: 100.0 * (-1 - I) / n, 8: -100.0 * I / n}
    v = sum(deriv[k] ** 2 * var[k] for k in (6, 8, 10))
    noisy = any(var[k] > 0 for k in (6, 8, 10))
    low, high = widen(est, low, high, v, noisy, -100.0, 100.0)
    return (est, low, high, v), res


def share_figure(pub, var, certain):
    a = pub[4] + pub[5]
    neu = pub[3]
    neg = pub[1] + pub[2]
    in_n = [1, 2, 3, 4, 5] + ([0] if INCLUDE_CANT_SAY else [])
    n = sum(pub[k] for k in in_n)
    cert = certain[0] + (certain[1] if INCLUDE_CANT_SAY else 0)
    res = dict(n=n, positive=a, neutral=neu, negative=neg, cantsay=pub[0], certain=cert)
    if cert < MIN_ANSWERS or n < MIN_ANSWERS:
        return None, res
    est = a / n
    z2 = Z * Z
    den = 1 + z2 / n
    centre = (est + z2 / (2 * n)) / den
    half = Z / den * math.sqrt(est * (1 - est) / n + z2 / (4 * n * n))
    low = clip(centre - half, 0.0, 1.0)
    high = clip(centre + half, 0.0, 1.0)
    v = 0.0
    for k in in_n:
        d = (1 - est) / n if k in (4, 5) else -est / n
        v += d * d * var[k]
    noisy = any(var[k] > 0 for k in in_n)
    low, high = widen(est, low, high, v, noisy, 0.0, 1.0)
    return (est, low, high, v), res


def mean_figure(pub, var, certain):
    ks = [1, 2, 3, 4, 5]
    n = sum(pub[k] for k in ks)
    cert = certain[0]
    res = dict(n=n, positive=pub[4] + pub[5], neutral=pub[3],
               negative=pub[1] + pub[2], cantsay=pub[0], certain=cert)
    if cert < MIN_ANSWERS or n < MIN_ANSWERS:
        return None, res
    m = sum(k * pub[k] for k in ks) / n
    if n >= 2:
        ss = sum(pub[k] * (k - m) ** 2 for k in ks)
        sd = math.sqrt(ss / (n - 1))
        tq = t_quantile(1 - (1 - LEVEL) / 2, n - 1)
        half = tq * sd / math.sqrt(n)
        low = clip(m - half, 1.0, 5.0)
        high = clip(m + half, 1.0, 5.0)
    else:
        low = high = None
    v = sum(((k - m) / n) ** 2 * var[k] for k in ks)
    noisy = any(var[k] > 0 for k in ks)
    low, high = widen(m, low, high, v, noisy, 1.0, 5.0)
    return (m, low, high, v), res


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def fmt(x):
    if x is None:
        return "-"
    if isinstance(x, float):
        return repr(x)
    return str(x)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", default=os.path.join(root, "examples", "testdata", "feedback.csv"))
    ap.add_argument("--output", default=os.path.join(here, "protected.txt"))
    args = ap.parse_args()

    assert len(SECRET) >= 16
    assert EXACT_FROM >= MIN_ANSWERS + NOISE
    check_siphash()

    rk0, rk1 = key_words(RECORD_KEY)
    nk0, nk1 = key_words(hashlib.sha256(DATA_VERSION + b"\x00" + SECRET).digest()[:16])

    cells, items = read_base(args.input, rk0, rk1)
    pubcells = [c for c in cells.values() if month_published(c.group[5], c.group[6])]
    for c in pubcells:
        protect(c, nk0, nk1)

    months = sorted({(c.group[5], c.group[6]) for c in pubcells})
    units = sorted({c.group[2] for c in cells.values()})

    tables = []   # (table, unit, period, cells)
    for u in units:
        for (yy, mm) in months:
            tables.append(("unit-month", u, "%04d-%02d" % (yy, mm),
                           [c for c in pubcells if c.group[2] == u and (c.group[5], c.group[6]) == (yy, mm)]))
    for u in units:
        tables.append(("unit-all", u, "all", [c for c in pubcells if c.group[2] == u]))
    tables.append(("county", "-", "all", pubcells))

    lines = []
    counts = defaultdict(lambda: [0, 0])
    problems = []
    for table, unit, period, tcells in tables:
        for item in items:
            icells = [c for c in tcells if c.item == item]
            pub, var, certain, true_g = figure(icells, item)
            if item == RECOMMEND_ITEM:
                kinds = [("recommendation-index", index_figure)]
            else:
                kinds = [("agreement-share", share_figure), ("mean", mean_figure)]
            for kind, fn in kinds:
                out, res = fn(pub, var, certain)
                key = (table, unit, period, item, kind)
                if out is None:
                    counts[table][1] += 1
                    lines.append((key, "hidden", ["-"] * 9))
                    continue
                counts[table][0] += 1
                est, low, high, _v = out
                # self-check (c): certain never exceeds true gated answers
                tg = true_g[0] + (true_g[1] if (kind == "agreement-share" and INCLUDE_CANT_SAY) else 0)
                if res["certain"] > tg:
                    problems.append("certain %d > true gated %d at %r" % (res["certain"], tg, key))
                fields = [res["n"], res["positive"], res["neutral"], res["negative"],
                          res["cantsay"], res["certain"], float(est),
                          None if low is None else float(low),
                          None if high is None else float(high)]
                lines.append((key, "published", [fmt(f) for f in fields]))
    lines.sort(key=lambda t: t[0])

    cmd = "/usr/bin/python3 " + " ".join(
        [os.path.relpath(os.path.abspath(__file__), root)] + sys.argv[1:])
    with open(args.output, "w", encoding="utf-8") as fh:
        fh.write("# made by: (cd %s && %s) from %s; secret=%r (36 ASCII bytes, no newline); "
                 "Through=%s; MinAnswers=%d ExactFrom=%d Noise=%d TrustOpenChannels=%s; "
                 "level=%s; can't-say excluded from share denominators; protection %s; "
                 "fields: table unit period item kind suppressed n positive neutral negative "
                 "cantsay certain estimate low high\n"
                 % (root, cmd, os.path.relpath(args.input, root), SECRET.decode("ascii"),
                    THROUGH.isoformat(), MIN_ANSWERS, EXACT_FROM, NOISE,
                    "on" if TRUST_OPEN_CHANNELS else "off", LEVEL, DATA_VERSION.decode()))
        for key, sup, rest in lines:
            fh.write(" ".join(list(key) + [sup] + rest) + "\n")

    # ---- self-checks (a) and (b) ----
    es = [e for c in pubcells for e in c.e.values()]
    diffs = [c.y[r] - c.x[r] for c in pubcells for r in c.e]
    if any(abs(d) > NOISE for d in diffs):
        problems.append("a perturbed count differs from the true one by more than Noise")
    mean_e = sum(es) / len(es) if es else 0.0
    var_e = sum((e - mean_e) ** 2 for e in es) / (len(es) - 1) if len(es) > 1 else 0.0
    se_mean = math.sqrt((NOISE / 4.0 + NOISE * (NOISE + 2) / 12.0) / len(es)) if es else 0.0
    if es and abs(mean_e) > 4 * se_mean:
        problems.append("mean noise %.3f is more than 4 standard errors from 0" % mean_e)

    # ---- summary ----
    print("protected tables written to %s (%d lines)" % (args.output, len(lines)))
    for table in ("unit-month", "unit-all", "county"):
        p, h = counts[table]
        print("  %-10s published %3d  hidden %3d" % (table, p, h))
    parts = defaultdict(lambda: [0, 0])
    ncells_exact = ncells_mixed = ncells_pert = 0
    for c in pubcells:
        flags = []
        for p, ex in c.part_exact.items():
            parts["substantive" if p == 0 else "can't-say"][0 if ex else 1] += 1
            flags.append(ex)
        if all(flags):
            ncells_exact += 1
        elif any(flags):
            ncells_mixed += 1
        else:
            ncells_pert += 1
    print("cells in published months: %d (all parts exact %d, all parts perturbed %d, mixed %d)"
          % (len(pubcells), ncells_exact, ncells_pert, ncells_mixed))
    for name in ("substantive", "can't-say"):
        print("  %-11s parts: exact %3d  perturbed %3d" % (name, *parts[name]))
    print("self-check (a): perturbed categories %d, max |y - x| = %d (Noise %d)"
          % (len(diffs), max(abs(d) for d in diffs) if diffs else 0, NOISE))
    print("self-check (b): mean noise %+.4f (s.e. %.4f under D/2), sample variance %.3f (expected %.1f)"
          % (mean_e, se_mean, var_e, (NOISE / 4.0 + NOISE * (NOISE + 2) / 12.0)))
    print("self-check (c): certain <= true gated answers for every published figure: %s"
          % ("yes" if not any(p.startswith("certain") for p in problems) else "NO"))
    if problems:
        for p in problems:
            print("PROBLEM:", p)
        sys.exit(1)


if __name__ == "__main__":
    main()
