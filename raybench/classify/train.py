"""``raybench train``: fit the classifiers with scikit-learn, export them with skl2onnx, write the model card.

Four multinomial logistic regressions (scikit-learn, lbfgs: deterministic for the same data), each over a
numeric feature vector (:mod:`raybench.classify.features`):

* ``file_layout.onnx``: file sample -> layout (:data:`~raybench.classify.features.LAYOUT_CLASSES`);
* ``file_carrier.onnx``: file sample -> carrier (the generated layouts' carriers and ``unknown``);
* ``column_field.onnx``: source column -> field (:data:`~raybench.classify.fields.FIELDS`);
* ``record_type.onnx``: descriptor -> record type (:data:`raybench.schema.RECORD_TYPES`).

Abstention thresholds are calibrated on a separate split (:data:`raybench.classify.corpus.SEEDS`): the
lowest confidence at which the calibration files are classified with at most
:data:`CALIBRATION_ERROR` wrong answers among those not abstained. The card also records the
training-data hash and the held-out evaluation (:func:`raybench.harness.classify_eval.evaluate_models`).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass

import numpy as np

from raybench.classify.corpus import SEEDS, corpus
from raybench.classify.descriptors import descriptor_corpus
from raybench.classify.features import (
    COLUMN_DIM,
    DESCRIPTOR_DIM,
    FILE_DIM,
    LAYOUT_CLASSES,
    column_vector,
    descriptor_vector,
    file_vector,
)
from raybench.classify.fields import FIELDS
from raybench.classify.models import (
    MODEL_DIR,  # the models' folder belongs to loading; training writes it
    Classifiers,
)
from raybench.classify.sample import decode_sample, sample_text
from raybench.schema import RECORD_TYPES

CARD_NAME = "model_card.json"
CARRIER_CLASSES = ("att", "tmobile", "sprint", "verizon", "asterisk", "unknown")
CALIBRATION_ERROR = 0.002
"""Largest share of wrong answers (among files not abstained) a threshold may allow on calibration."""


@dataclass(frozen=True)
class TrainConfig:
    """Sizes of one training run.

    Attributes:
        per_layout: training files per generated layout.
        others: training files of the ``other`` class.
        calibrate_per_layout, calibrate_others: calibration files.
        descriptor_variants: strings per record-type vocabulary entry.
        C: inverse regularisation of the logistic regressions.
    """

    per_layout: int = 240
    others: int = 400
    calibrate_per_layout: int = 60
    calibrate_others: int = 100
    descriptor_variants: int = 12
    C: float = 20.0


def _fit(X, y: list[str], classes: tuple[str, ...], C: float):
    from sklearn.linear_model import (
        LogisticRegression,  # local: heavy: only model training
    )

    model = LogisticRegression(C=C, max_iter=2000, tol=1e-5)
    model.fit(X, np.array([classes.index(v) for v in y]))
    return model


def _export(model, dim: int, path: str) -> None:
    from skl2onnx import to_onnx  # local: heavy: only model training
    from skl2onnx.common.data_types import (
        FloatTensorType,  # local: heavy: only model training
    )

    onx = to_onnx(model, initial_types=[("features", FloatTensorType([None, dim]))],
                  options={id(model): {"zipmap": False}}, target_opset={"": 17, "ai.onnx.ml": 3})
    with open(path, "wb") as f:
        f.write(onx.SerializeToString())


def file_rows(files) -> tuple[list, list, list]:
    """Samples of labelled files, and their file vectors: ``(samples, vectors, files)``."""
    samples = [sample_text(decode_sample(f.data)) for f in files]
    return samples, [file_vector(s) for s in samples], list(files)


def column_rows(samples, files, layouts=None) -> tuple[list[np.ndarray], list[str]]:
    """Column vectors and true fields of the files whose sample splits into their true column count.

    Args:
        samples, files: as from :func:`file_rows`.
        layouts: the layout each file is read as (default: its true layout).
    """
    X, y = [], []
    for i, (sample, f) in enumerate(zip(samples, files)):
        if f.layout == "other" or sample.width != len(f.fields):
            continue
        layout = layouts[i] if layouts is not None else f.layout
        for j, field_name in enumerate(f.fields):
            head = sample.header[j] if sample.header is not None else None
            X.append(column_vector(head, sample.column(j), layout, j))
            y.append(field_name)
    return X, y


def threshold(confidence: np.ndarray, correct: np.ndarray, max_error: float = CALIBRATION_ERROR) -> float:
    """The lowest threshold (0.50..0.99 by 0.01) at which answers with ``confidence >= t`` are wrong at
    most ``max_error`` of the time; 0.99 when none is.

    Args:
        confidence: ``(n,)`` top probability of each answer.
        correct: ``(n,)`` bool, whether the answer was right (an ``other`` answer counts as abstained).
    """
    for t in np.round(np.arange(0.50, 1.0, 0.01), 2):
        kept = confidence >= t
        if kept.sum() and (~correct[kept]).sum() <= max_error * kept.sum():
            return float(t)
    return 0.99


def train(out_dir: str = MODEL_DIR, config: TrainConfig = TrainConfig(), *, evaluate=None,
          log=print) -> dict:
    """Build the corpus, fit and export the four models, calibrate, evaluate, write the card.

    Args:
        out_dir: folder for the ``.onnx`` files and ``model_card.json`` (created).
        config: corpus sizes and regularisation.
        evaluate: ``evaluate(model_dir, log) -> dict``, which scores the written models on held-out data
            (the CLI passes :func:`raybench.harness.classify_eval.evaluate_models`, kept above the
            classify layer); its figures are stored in the card under ``evaluation``. None: no evaluation.
        log: progress lines go here.

    Returns:
        The model card (also written to ``out_dir/model_card.json``).
    """
    import scipy.sparse as sp  # local: heavy: only model training
    import skl2onnx  # local: heavy: only model training
    import sklearn  # local: heavy: only model training


    t0 = time.perf_counter()
    os.makedirs(out_dir, exist_ok=True)
    files = corpus("train", config.per_layout, config.others)
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode() + b"\0" + f.layout.encode() + b"\0" + ",".join(f.fields).encode() + b"\0")
        digest.update(hashlib.sha256(f.data).digest())
    samples, vectors, _ = file_rows(files)
    X_file = sp.csr_matrix(np.vstack(vectors))
    log(f"corpus: {len(files)} files ({time.perf_counter() - t0:.1f} s)")
    layout_model = _fit(X_file, [f.layout for f in files], LAYOUT_CLASSES, config.C)
    carrier_model = _fit(X_file, [f.carrier for f in files], CARRIER_CLASSES, config.C)
    col_X, col_y = column_rows(samples, files)
    column_model = _fit(sp.csr_matrix(np.vstack(col_X)), col_y, FIELDS, config.C)
    log(f"file and column models: {len(col_y)} columns ({time.perf_counter() - t0:.1f} s)")
    pairs = descriptor_corpus(SEEDS["train"], config.descriptor_variants)
    for f in files:
        pairs.extend(d for d in f.descriptors[:5] if d[0])
    for d, _ in pairs:
        digest.update(d.encode() + b"\0")
    rt_model = _fit(sp.csr_matrix(np.vstack([descriptor_vector(d) for d, _ in pairs])), [r for _, r in pairs],
                    RECORD_TYPES, config.C)
    log(f"record-type model: {len(pairs)} descriptors ({time.perf_counter() - t0:.1f} s)")

    models = {"file_layout": (layout_model, FILE_DIM, LAYOUT_CLASSES),
              "file_carrier": (carrier_model, FILE_DIM, CARRIER_CLASSES),
              "column_field": (column_model, COLUMN_DIM, FIELDS),
              "record_type": (rt_model, DESCRIPTOR_DIM, RECORD_TYPES)}
    card: dict = {"models": {}, "training": {
        "data_sha256": digest.hexdigest(), "files": len(files), "columns": len(col_y), "descriptors": len(pairs),
        "seeds": {"train": SEEDS["train"], "calibrate": SEEDS["calibrate"], "evaluate": SEEDS["evaluate"]},
        "config": config.__dict__, "scikit_learn": sklearn.__version__, "skl2onnx": skl2onnx.__version__,
        "estimator": "LogisticRegression(multinomial, lbfgs)", "wall_s": None}}
    for name, (model, dim, classes) in models.items():
        path = os.path.join(out_dir, f"{name}.onnx")
        _export(model, dim, path)
        # the probabilities' columns are the classes seen in training (e.g. no ``lat`` column is generated)
        card["models"][name] = {"file": f"{name}.onnx", "classes": [classes[i] for i in model.classes_],
                                "input_dim": dim,
                                "threshold": None}
    _write_card(out_dir, card)
    _calibrate(out_dir, card, config, log)
    card["training"]["wall_s"] = round(time.perf_counter() - t0, 1)
    if evaluate is not None:
        card["evaluation"] = evaluate(out_dir, log)
    _write_card(out_dir, card)
    log(f"wrote {out_dir} ({time.perf_counter() - t0:.1f} s)")
    return card


def _write_card(out_dir: str, card: dict) -> None:
    with open(os.path.join(out_dir, CARD_NAME), "w") as f:
        json.dump(card, f, indent=1, sort_keys=True)
        f.write("\n")


def _calibrate(out_dir: str, card: dict, config: TrainConfig, log) -> None:
    """Set each model's abstention threshold from the calibration split (through the exported ONNX)."""
    clf = Classifiers(model_dir=out_dir, thresholds={"file_layout": 0.0, "record_type": 0.0})
    files = corpus("calibrate", config.calibrate_per_layout, config.calibrate_others)
    conf, correct = [], []
    for f in files:
        result = clf.classify_bytes(f.data)
        top_layout, top_p = result.top3[0]
        conf.append(top_p)
        right = top_layout == f.layout if f.layout != "other" else top_layout == "other"
        correct.append(right or top_layout == "other")  # answering "other" is abstaining, never wrong
    card["models"]["file_layout"]["threshold"] = threshold(np.array(conf), np.array(correct))
    pairs = descriptor_corpus(SEEDS["calibrate"], 4)
    types, probs = clf.record_types([d for d, _ in pairs])
    card["models"]["record_type"]["threshold"] = threshold(
        np.array(probs), np.array([t == r for t, (_, r) in zip(types, pairs)]))
    log(f"thresholds: file {card['models']['file_layout']['threshold']}, "
        f"record type {card['models']['record_type']['threshold']}")
    _write_card(out_dir, card)
