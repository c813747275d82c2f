"""``raybench evaluate --classifiers``: the models scored on a held-out corpus and on the real samples.

Held-out means other seeds (:data:`raybench.classify.corpus.SEEDS` ``evaluate``) and so other records and
other perturbation draws than training and calibration. Figures:

* held-out spellings: every fourth header alias (:func:`raybench.classify.corpus.held_out_alias`) appears
  only in this split; the mapping accuracy of those columns is reported on its own.
* layout / carrier accuracy: share of the generated-layout files classified right (abstaining counts as
  not right); error rate: share classified wrong (not abstained); ``other`` files accepted as a layout.
* column mapping: share of the columns of those files mapped to their true field, by the mapper given
  the true layout, and end to end (given the layout the model chose; abstained files count as wrong).
* record type: share of descriptors (vocabulary variants drawn with the evaluation seed, and the
  descriptor values of the held-out files) given their true type; abstaining counts as wrong. Separately,
  descriptors never seen in training (:data:`raybench.classify.descriptors.HELD_OUT`), without a target.
* expected calibration error (10 equal-width bins) of the layout and record-type confidences.
* template match rate: templates proposed from held-out files, matched against next week's delivery of
  the same exports (same header, other records); and how many of those columns the template reads right.
* real cases (../shared/cases/real): through rules, templates and models (``resolve``), and the models
  alone; each right, abstained or wrong.
"""

from __future__ import annotations

import os
import time

import numpy as np

from raybench.catalog import BUILTIN
from raybench.classify.corpus import MODEL_LAYOUTS, SEEDS, corpus, layout_file
from raybench.classify.descriptors import HELD_OUT, descriptor_corpus
from raybench.classify.models import Classifiers
from raybench.classify.resolve import resolve
from raybench.classify.sample import decode_sample, sample_text
from raybench.classify.templates import match_template, parse_template, propose_template
from raybench.errors import InputFileError
from raybench.identify.sniff import normalize_header

REAL_CASES = {
    "bandicoot_ego.csv": "bandicoot_csv",
    "bandicoot_antennas.csv": "bandicoot_antennas",
    "bandicoot_orange_u_test.csv": "orange_csv",
    "cdrstats_import_cdr_100.txt": "cdrstats_import_txt",
    "cdrstats_cdrimport_2015-10-26.csv": "cdrstats_cdrimport_csv",
}
"""The real samples' layouts (../shared/cases/real/README.md)."""

TARGETS = {"layout": 0.99, "carrier": 0.99, "column_mapping": 0.98, "record_type": 0.99}


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """ECE: the bin-weighted mean of ``|accuracy - mean confidence|`` over equal-width confidence bins.

    Args:
        confidence: ``(n,)`` probabilities in [0, 1].
        correct: ``(n,)`` bool.
    """
    confidence, correct = np.asarray(confidence, float), np.asarray(correct, bool)
    if not len(confidence):
        return 0.0
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            ece += m.mean() * abs(correct[m].mean() - confidence[m].mean())
    return float(ece)


def default_real_dir() -> str | None:
    """``../shared/cases/real`` beside the working folder or the repository; None when it is not there."""
    repo = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    for path in (os.path.join(os.getcwd(), "..", "shared", "cases", "real"),
                 os.path.join(repo, "..", "shared", "cases", "real")):
        if os.path.isdir(path):
            return os.path.abspath(path)
    return None


def evaluate_models(*, per_layout: int = 100, others: int = 150, descriptor_variants: int = 8,
                    templates: int = 40, real_dir: str | None = None, model_dir: str | None = None,
                    log=print) -> dict:
    """Score the classifiers on the held-out corpus and the real samples.

    Args:
        per_layout, others: held-out files per generated layout, and ``other`` files.
        descriptor_variants: descriptor strings per vocabulary entry.
        templates: exports to propose a template for and re-deliver.
        real_dir: folder of the real samples (default: :func:`default_real_dir`; skipped when none).
        model_dir: the models (default: the shipped ones).
        log: progress lines.

    Returns:
        Figures by name (see the module docstring), each a float or a small dict, plus ``targets``.
    """
    t0 = time.perf_counter()
    clf = Classifiers(model_dir=model_dir)
    files = corpus("evaluate", per_layout, others)
    n_layout = sum(f.layout != "other" for f in files)
    right_layout = right_carrier = wrong_layout = other_accepted = 0
    col_total = col_right = col_right_e2e = unseen_total = unseen_right = 0
    conf, correct = [], []
    latencies = []
    for f in files:
        t = time.perf_counter()
        sample = sample_text(decode_sample(f.data))
        result = clf.classify_sample(sample)
        latencies.append(time.perf_counter() - t)
        conf.append(result.top3[0][1])
        correct.append(result.top3[0][0] == f.layout)
        if f.layout == "other":
            other_accepted += not result.abstained
            continue
        right_layout += result.layout == f.layout
        right_carrier += result.carrier == f.carrier
        wrong_layout += not result.abstained and result.layout != f.layout
        col_total += len(f.fields)
        if sample.width == len(f.fields):
            given = clf.map_columns(sample, f.layout)
            col_right += sum(c.field == t for c, t in zip(given, f.fields))
            if result.layout == f.layout:
                col_right_e2e += sum(c.field == t for c, t in zip(result.columns, f.fields))
            unseen_total += len(f.held_out_headers)
            unseen_right += sum(given[i].field == f.fields[i] for i in f.held_out_headers)
    pairs = descriptor_corpus(SEEDS["evaluate"], descriptor_variants)
    for f in files:
        pairs.extend(d for d in f.descriptors if d[0])
    types, probs = clf.record_types([d for d, _ in pairs])
    rt_right = np.array([t == r for t, (_, r) in zip(types, pairs)])
    raw_types, _ = clf.predict_record_types([d for d, _ in pairs])
    unseen = [(d, r) for r, ds in HELD_OUT.items() for d in ds]
    u_types, _ = clf.record_types([d for d, _ in unseen])
    out = {
        "files": {"layout": n_layout, "other": others},
        "layout_accuracy": right_layout / n_layout,
        "layout_error_rate": wrong_layout / n_layout,
        "layout_abstain_rate": (n_layout - right_layout - wrong_layout) / n_layout,
        "carrier_accuracy": right_carrier / n_layout,
        "other_accepted_rate": other_accepted / max(1, others),
        "column_mapping_accuracy": col_right / max(1, col_total),
        "column_mapping_accuracy_end_to_end": col_right_e2e / max(1, col_total),
        "columns": col_total,
        "column_mapping_unseen_alias_accuracy": unseen_right / max(1, unseen_total),
        "columns_unseen_alias": unseen_total,
        "record_type_accuracy": float(rt_right.mean()),
        "record_type_descriptors": len(pairs),
        "record_type_unseen_accuracy": float(np.mean([t == r for t, (_, r) in zip(u_types, unseen)])),
        "layout_ece": expected_calibration_error(np.array(conf), np.array(correct)),
        "record_type_ece": expected_calibration_error(np.array(probs), np.array(
            [t == r for t, (_, r) in zip(raw_types, pairs)])),
        "thresholds": {"file_layout": clf.threshold("file_layout"), "record_type": clf.threshold("record_type")},
        "latency_ms_p50": 1000 * float(np.percentile(latencies, 50)),
        "latency_ms_p95": 1000 * float(np.percentile(latencies, 95)),
    }
    out.update(_template_rate(clf, templates))
    real_dir = real_dir or default_real_dir()
    if real_dir:
        out["real_cases"] = _real_cases(clf, real_dir)
    out["targets"] = TARGETS
    out["wall_s"] = round(time.perf_counter() - t0, 1)
    log(f"evaluated {len(files)} files, {len(pairs)} descriptors ({out['wall_s']} s)")
    return out


def _template_rate(clf, n: int) -> dict:
    """Propose templates from held-out files with a header and match next week's deliveries."""
    proposed, deliveries = [], []
    seed = SEEDS["evaluate"] + 50_000
    while len(proposed) < n and seed < SEEDS["evaluate"] + 60_000:
        layout_id = MODEL_LAYOUTS[seed % len(MODEL_LAYOUTS)]
        first = layout_file(layout_id, seed)
        sample = sample_text(decode_sample(first.data))
        seed += 1
        result = clf.classify_sample(sample)
        if sample.header is None or result.abstained:
            continue
        t = parse_template(propose_template(sample, result.layout, [(c.name, c.field) for c in result.columns],
                                           f"t{seed}"), f"t{seed}.yaml")
        proposed.append(t)
        deliveries.append(layout_file(layout_id, seed - 1, records_seed=seed + 7_000_000))
    matched = cols = cols_right = 0
    for t, f in zip(proposed, deliveries):
        sample = sample_text(decode_sample(f.data))
        hit = match_template(sample, tuple(proposed))
        matched += hit is not None
        if hit is not None:
            by_norm = {normalize_header(c): v for c, v in hit.columns.items()}
            got = [by_norm.get(normalize_header(h), "ignore") for h in sample.header]
            cols += len(f.fields)
            cols_right += sum(g == w for g, w in zip(got, f.fields))
    return {"template_match_rate": matched / max(1, len(proposed)), "templates": len(proposed),
            "template_column_accuracy": cols_right / max(1, cols)}


def _real_cases(clf, real_dir: str) -> dict:
    out = {}
    for name, want in REAL_CASES.items():
        path = os.path.join(real_dir, name)
        if not os.path.exists(path):
            continue
        try:
            full, _ = resolve(path, BUILTIN, classifiers=clf)
            full_layout = full.layout
        except InputFileError as exc:
            full_layout = f"error: {exc.reason}"
        with open(path, "rb") as f:
            model = clf.classify_sample(sample_text(decode_sample(f.read(1 << 16))))

        def verdict(got: str) -> str:
            return "right" if got == want else ("abstained" if got == "unknown" else "wrong")

        out[name] = {"expected": want, "resolved": full_layout, "resolved_verdict": verdict(full_layout),
                     "model": model.layout, "model_verdict": verdict(model.layout),
                     "model_top3": [list(x) for x in model.top3]}
    return out


def format_table(result: dict) -> str:
    """The evaluation as a plain-text table (metric, value, target, met)."""
    t = result["targets"]
    rows = [
        ("layout accuracy", result["layout_accuracy"], t["layout"]),
        ("carrier accuracy", result["carrier_accuracy"], t["carrier"]),
        ("column mapping (given layout)", result["column_mapping_accuracy"], t["column_mapping"]),
        ("column mapping (end to end)", result["column_mapping_accuracy_end_to_end"], None),
        ("column mapping, held-out spellings", result["column_mapping_unseen_alias_accuracy"], None),
        ("record type accuracy", result["record_type_accuracy"], t["record_type"]),
        ("record type, unseen descriptors", result["record_type_unseen_accuracy"], None),
        ("layout wrong (not abstained)", result["layout_error_rate"], None),
        ("layout abstained", result["layout_abstain_rate"], None),
        ("'other' files accepted as a layout", result["other_accepted_rate"], None),
        ("layout ECE", result["layout_ece"], None),
        ("record type ECE", result["record_type_ece"], None),
        ("template match rate", result["template_match_rate"], None),
        ("template column accuracy", result["template_column_accuracy"], None),
    ]
    lines = [f"{'metric':<38} {'value':>8} {'target':>8}  met",
             f"{'-' * 38} {'-' * 8} {'-' * 8}  ---"]
    for name, value, target in rows:
        met = "" if target is None else ("yes" if value >= target else "NO")
        lines.append(f"{name:<38} {value:>8.4f} {'' if target is None else f'>={target:.2f}':>8}  {met}")
    files = result["files"]
    lines.append(f"held-out: {files['layout']} layout files ({result['columns']} columns), {files['other']} other "
                 f"files, {result['record_type_descriptors']} descriptors, {result['columns_unseen_alias']} columns with a spelling "
                 f"never trained on, {result['templates']} templates; "
                 f"thresholds: file {result['thresholds']['file_layout']:.2f}, record type "
                 f"{result['thresholds']['record_type']:.2f}; classification latency p50 "
                 f"{result['latency_ms_p50']:.1f} ms, p95 {result['latency_ms_p95']:.1f} ms")
    if result.get("real_cases"):
        lines.append("")
        lines.append(f"{'real case':<36} {'expected':<24} {'rules+templates+models':<24} {'models alone'}")
        for name, r in result["real_cases"].items():
            top = ", ".join(f"{k} {p:.2f}" for k, p in r["model_top3"])
            lines.append(f"{name:<36} {r['expected']:<24} {r['resolved_verdict'] + ' (' + r['resolved'] + ')':<24} "
                         f"{r['model_verdict']} ({r['model']}; top-3 {top})")
    return "\n".join(lines)
