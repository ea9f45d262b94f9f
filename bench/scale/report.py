#!/usr/bin/env python3
"""Turns bench/scale/run.sh's samples.tsv into results.md (tables, ratios) and scale.svg.

Standard library only. Every ratio is between numbers measured in the same run.
"""
import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "target/bench-scale")
S = defaultdict(dict)
for line in (OUT / "samples.tsv").read_text().splitlines():
    case, metric, value = line.split("\t")
    try:
        S[case][metric] = float(value)
    except ValueError:
        S[case][metric] = value

CASES = [c for c in S if c != "all"]
MBPS = S["all"].get("loopback_mb_per_s")


def key(c):
    n, m = c.split("x")
    return int(n), int(m)


CASES.sort(key=key)


def v(c, m):
    return S[c].get(m)


def build_only(c):
    b, cargo = v(c, "build_ms"), v(c, "cargo_ms")
    return None if b is None or cargo is None else b - cargo


def loopback_ms(c):
    return None if not MBPS else v(c, "bytes") / (MBPS * 1048576) * 1000


def metric(c, name):
    if name == "build (less cargo)":
        return build_only(c)
    if name == "loopback floor":
        return loopback_ms(c)
    return v(c, FIELDS[name])


FIELDS = {
    "verify": "verify_ms",
    "image": "image_ms",
    "push": "push_ms",
    "publish": "publish_ms",
    "push's audit": "push_audit_ms",
    "supply chain": "supplychain_ms",
    "audit goal": "audit_ms",
    "sha256sum": "sha256sum_ms",
    "gzip -6 (one platform)": "gzip6_one_platform_ms",
    "gzip -6 (both at once)": "gzip6_both_at_once_ms",
    "skopeo copy up": "skopeo_up_ms",
    "skopeo copy down": "skopeo_down_ms",
}
GOALS = ["build (less cargo)", "verify", "image", "push", "publish", "push's audit", "supply chain", "audit goal"]
FLOORS = ["sha256sum", "gzip -6 (one platform)", "gzip -6 (both at once)", "skopeo copy up", "skopeo copy down", "loopback floor"]


def fmt(x, digits=0):
    if x is None:
        return "–"
    if isinstance(x, str):
        return x
    return f"{x:,.{digits}f}"


def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


md = []
md.append("# bench-scale results\n")
md.append(
    f"Load average (1 min): {fmt(v('all', 'load_start'), 2)} at the start, "
    f"{fmt(v('all', 'load_end'), 2)} at the end; loopback throughput {fmt(MBPS, 1)} MB/s. "
    "Two targets (x86_64 and aarch64 gnu, static). Times in ms, each goal's own \"took\" line; "
    "cargo's time is taken from build's.\n"
)
md.append("## Goals and floors per case (ms)\n")
head = ["case", "binaries", "MiB", "load", "cargo"] + GOALS + ["heap deploy/audit MiB", "-Xmx256m"] + FLOORS
md.append("| " + " | ".join(head) + " |")
md.append("|" + "---|" * len(head))
for c in CASES:
    row = [
        c,
        fmt(v(c, "binaries")),
        fmt((v(c, "bytes") or 0) / 1048576, 1),
        f"{fmt(v(c, 'load_before'), 1)}→{fmt(v(c, 'load_after'), 1)}",
        fmt(v(c, "cargo_ms")),
    ]
    row += [fmt(metric(c, g)) for g in GOALS]
    row += [f"{fmt(v(c, 'deploy_heap_mb'))}/{fmt(v(c, 'audit_heap_mb'))}", fmt(v(c, "heap_256m"))]
    row += [fmt(metric(c, f)) for f in FLOORS]
    md.append("| " + " | ".join(row) + " |")


def verdict(r, limit):
    if r is None:
        return "not measured"
    return "met" if r <= limit else f"**not met** ({r / limit:.1f}× the limit)"


md.append("\n## Ratios (issue 28)\n")
md.append("| ratio | case | value | limit | verdict |")
md.append("|---|---|---|---|---|")
for small, big in (("1x1", "50x1"), ("1x1", "1x100")):
    if small not in S or big not in S:
        continue
    grow_in = v(big, "bytes") / v(small, "bytes")
    for g in GOALS:
        r = ratio(metric(big, g), metric(small, g))
        if r is None:
            continue
        # Time may grow with the input at most ~1.1 times as fast (50× input, ≤ 55× time).
        md.append(
            f"| {g}: time growth / input growth | {small}→{big} (input {grow_in:.1f}×, time {r:.1f}×) "
            f"| {r / grow_in:.2f} | 1.1 | {verdict(r / grow_in, 1.1)} |"
        )
for c in CASES:
    big = c in ("1x100", "50x1") or c == CASES[-1]
    if not big:
        continue
    checks = [
        ("image / gzip -6 of one platform's layer", metric(c, "image"), metric(c, "gzip -6 (one platform)"), 1.3),
        ("image / gzip -6 of both platforms' layers at once (this machine's two cores, today)",
         metric(c, "image"), metric(c, "gzip -6 (both at once)"), 1.3),
        ("publish / skopeo copy --all up", metric(c, "publish"), metric(c, "skopeo copy up"), 1.0),
        ("audit goal / skopeo copy --all down", metric(c, "audit goal"), metric(c, "skopeo copy down"), 1.2),
        ("push's audit / skopeo copy --all down", metric(c, "push's audit"), metric(c, "skopeo copy down"), 1.2),
        ("verify / sha256sum", metric(c, "verify"), metric(c, "sha256sum"), 1.2),
        ("supply chain / sha256sum", metric(c, "supply chain"), metric(c, "sha256sum"), 1.2),
    ]
    for name, a, b, limit in checks:
        r = ratio(a, b)
        md.append(f"| {name} | {c} | {fmt(r, 2)} | {limit} | {verdict(r, limit)} |")
    md.append(f"| every goal under -Xmx256m | {c} | {fmt(v(c, 'heap_256m'))} | pass | "
              f"{'met' if v(c, 'heap_256m') == 'pass' else '**not met**'} |")

# Marginal cost: the extra time per extra input, against the floor's, which takes the fixed costs out.
pairs = [(a, b) for a, b in (("1x1", "50x1"), ("1x1", "1x100")) if a in S and b in S]
if pairs:
    md.append("\n## Marginal cost (extra ms between the smallest and largest case, goal / floor)\n")
    md.append("| goal / floor | " + " | ".join(f"{a}→{b}" for a, b in pairs) + " |")
    md.append("|---|" + "---|" * len(pairs))
    for g, f in (("image", "gzip -6 (one platform)"), ("image", "gzip -6 (both at once)"), ("publish", "skopeo copy up"),
                 ("audit goal", "skopeo copy down"), ("verify", "sha256sum"), ("supply chain", "sha256sum"),
                 ("build (less cargo)", "sha256sum")):
        cells = []
        for a, b in pairs:
            ga, gb, fa, fb = metric(a, g), metric(b, g), metric(a, f), metric(b, f)
            if None in (ga, gb, fa, fb):
                cells.append("–")
            else:
                cells.append(f"{gb - ga:,.0f} / {fb - fa:,.0f} = {ratio(gb - ga, fb - fa) or 0:.2f}")
        md.append(f"| {g} / {f} | " + " | ".join(cells) + " |")

md.append("\nPlot: scale.svg (time against bytes for the 1xN series, against count for the Nx1 series).\n")
(OUT / "results.md").write_text("\n".join(md) + "\n")

# The plot: two panels drawn by hand.
COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
W, H, PAD = 560, 380, 60


def panel(x0, title, series, xlabel, xof):
    pts = {}
    for i, name in enumerate(["build (less cargo)", "verify", "image", "publish", "audit goal"] + FLOORS[:5]):
        p = [(xof(c), metric(c, name)) for c in series if metric(c, name) is not None]
        if p:
            pts[name] = p
    if not pts:
        return ""
    xmax = max(x for p in pts.values() for x, _ in p) or 1
    ymax = max(y for p in pts.values() for _, y in p) or 1

    def X(x):
        return x0 + PAD + (W - 2 * PAD) * x / xmax

    def Y(y):
        return H - PAD + 20 - (H - 2 * PAD) * y / ymax

    out = [f'<text x="{x0 + W / 2}" y="20" text-anchor="middle" font-weight="bold">{title}</text>',
           f'<line x1="{X(0)}" y1="{Y(0)}" x2="{X(xmax)}" y2="{Y(0)}" stroke="black"/>',
           f'<line x1="{X(0)}" y1="{Y(0)}" x2="{X(0)}" y2="{Y(ymax)}" stroke="black"/>',
           f'<text x="{X(xmax / 2)}" y="{H + 10}" text-anchor="middle">{xlabel}</text>',
           f'<text x="{X(0) - 5}" y="{Y(ymax)}" text-anchor="end">{ymax:,.0f} ms</text>',
           f'<text x="{X(0) - 5}" y="{Y(0)}" text-anchor="end">0</text>',
           f'<text x="{X(xmax)}" y="{Y(0) + 15}" text-anchor="middle">{xmax:,.0f}</text>']
    for i, (name, p) in enumerate(pts.items()):
        color = COLORS[i % len(COLORS)]
        dash = ' stroke-dasharray="5,3"' if name in FLOORS else ""
        path = " ".join(f"{X(x):.1f},{Y(y):.1f}" for x, y in p)
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        out += [f'<circle cx="{X(x):.1f}" cy="{Y(y):.1f}" r="3" fill="{color}"/>' for x, y in p]
        out.append(f'<text x="{X(0) + 10}" y="{40 + 14 * i}" fill="{color}" font-size="12">'
                   f'{name}{" (floor, dashed)" if dash else ""}</text>')
    return "\n".join(out)


size = [c for c in CASES if c.startswith("1x")]
count = [c for c in CASES if c.endswith("x1")]
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W}" height="{H + 30}" font-family="sans-serif" font-size="13">',
       '<rect width="100%" height="100%" fill="white"/>',
       panel(0, "time against bytes (1 binary, two platforms)", size, "MiB of binaries (both platforms)",
             lambda c: v(c, "bytes") / 1048576),
       panel(W, "time against count (~1 MiB data each, two platforms)", count, "binaries per platform",
             lambda c: key(c)[0]),
       "</svg>"]
(OUT / "scale.svg").write_text("\n".join(svg) + "\n")
print((OUT / "results.md").read_text())
