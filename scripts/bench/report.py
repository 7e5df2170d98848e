# SPDX-License-Identifier: BSD-3-Clause
"""Medians, Xen/vhost ratios and the targets, for the summary object."""

import statistics

import shapes

# Throughput targets, Xen over vhost-user: reported, never asserted.
TARGETS = {"tx": 1.2, "rx": 1.0}


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return round(a / b, 3)


def _median(values):
    return round(statistics.median(values), 4) if values else None


def throughput(measurements):
    """Per shape and direction: median per path, ratio, target met."""
    rows = []
    for shape in shapes.SHAPES:
        metric = shapes.SHAPES[shape]["metric"]
        for d in shapes.DIRECTIONS:
            ms = [m for m in measurements
                  if m["shape"] == shape and m["dir"] == d]
            if not ms:
                continue
            med = {}
            runs = {}
            for path in ("xen", "vhost"):
                vals = [m[metric] for m in ms
                        if m["path"] == path and m.get(metric) is not None]
                runs[path] = len(vals)
                med[path] = _median(vals)
            r = ratio(med["xen"], med["vhost"])
            rows.append({
                "shape": shape, "dir": d, "metric": metric,
                "xen": med["xen"], "vhost": med["vhost"],
                "runs": runs, "ratio": r, "target": TARGETS[d],
                "met": None if r is None else r >= TARGETS[d]})
    return rows


def instructions(cg):
    """Per shape and direction: backend instructions per packet of each
    path, and whether Xen's is no more than vhost's."""
    rows = []
    keys = []
    for c in cg:
        if (c["shape"], c["dir"]) not in keys:
            keys.append((c["shape"], c["dir"]))
    for shape, d in keys:
        ipp = {}
        for path in ("xen", "vhost"):
            vals = [c["instr_per_pkt"] for c in cg
                    if c["shape"] == shape and c["dir"] == d and
                    c["path"] == path]
            ipp[path] = vals[-1] if vals else None
        rows.append({
            "shape": shape, "dir": d, "xen": ipp["xen"],
            "vhost": ipp["vhost"], "ratio": ratio(ipp["xen"], ipp["vhost"]),
            "met": None if None in ipp.values() else
            ipp["xen"] <= ipp["vhost"]})
    return rows


def summary(measurements, cg, failures, extra):
    tp = throughput(measurements)
    ins = instructions(cg)
    verdicts = [r["met"] for r in tp + ins if r["met"] is not None]
    out = {"type": "summary", "throughput": tp, "instructions": ins,
           "targets_met": bool(verdicts) and all(verdicts) and
           all(r["met"] is not None for r in tp + ins),
           "failures": failures}
    out.update(extra)
    return out
