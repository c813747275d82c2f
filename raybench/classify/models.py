"""Inference with the shipped ONNX models (onnxruntime only; no scikit-learn at run time).

:class:`Classifiers` creates each ONNX Runtime session on first use, once, with
``intra_op_num_threads`` = the CPUs it was given (an actor passes its own). It answers:

* :meth:`Classifiers.classify_sample`: layout, carrier, confidence, top-3 and column mapping of a file;
  below the calibrated threshold (the model card's), or when layout and carrier disagree, the answer is
  ``unknown`` with its top-3 (abstained, not guessed).
* :meth:`Classifiers.record_types`: record type and confidence of descriptor strings, each unique value
  classified once and cached (the cache is per instance, i.e. per actor).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import numpy as np

from raybench.catalog import get_layout
from raybench.classify.features import column_vector, descriptor_vector, file_vector
from raybench.classify.fields import layout_fields, names_identifier, names_volume
from raybench.classify.sample import FileSample, decode_sample, sample_text
from raybench.errors import ConfigError

MODEL_DIR = os.path.join(os.path.dirname(__file__), "onnx")
"""Where the shipped models and the card live (package data); loading is here, training
(:mod:`raybench.classify.train`) writes there."""

UNKNOWN = "unknown"


@dataclass(frozen=True)
class ColumnMapping:
    """One source column and the field it maps to.

    Attributes:
        index: 0-based position in the file.
        name: header text, or ``col<index+1>`` in a headerless file.
        field: canonical field (:data:`raybench.classify.fields.FIELDS`), ``ignore`` when unused.
        confidence: the mapper's probability for that field (1.0 from a template or the header rules).
    """

    index: int
    name: str
    field: str
    confidence: float


@dataclass(frozen=True)
class FileClassification:
    """What the classifiers say about one file.

    Attributes:
        layout: layout id, or ``unknown`` when abstained.
        carrier: carrier, or ``unknown``.
        confidence: probability of the layout (rules: 1.0 header, 0.9 probe; template: 1.0).
        top3: ``(layout, probability)`` of the three likeliest layout classes (``other`` included).
        columns: the column mapping (empty when abstained).
        method: ``header``, ``probe``, ``template``, ``model`` or ``unknown``.
        reason: why it abstained (one line), else None.
        template: the matching template's name, if any.
    """

    layout: str
    carrier: str
    confidence: float
    top3: tuple[tuple[str, float], ...]
    columns: tuple[ColumnMapping, ...] = ()
    method: str = "model"
    reason: str | None = None
    template: str | None = None

    @property
    def abstained(self) -> bool:
        return self.layout == UNKNOWN

    def to_json(self) -> dict:
        """Plain dict for ``raybench classify --json``. ``confidence`` is that of the layout it names:
        None when it abstained (``unknown`` names none; ``top3`` and ``reason`` say what the models
        saw, ``other`` among them)."""
        return {"layout": self.layout, "carrier": self.carrier, "abstained": self.abstained,
                "confidence": None if self.abstained else round(self.confidence, 4),
                "method": self.method, "template": self.template, "reason": self.reason,
                "top3": [{"layout": k, "p": round(p, 4)} for k, p in self.top3],
                "columns": [{"index": c.index, "name": c.name, "field": c.field,
                             "confidence": round(c.confidence, 4)} for c in self.columns]}


def column_names(sample: FileSample) -> tuple[str, ...]:
    """The file's column names: the header's (made unique), or ``col1..colN`` when headerless."""
    if sample.header is None or len(sample.header) != sample.width:
        return tuple(f"col{i + 1}" for i in range(sample.width))
    seen: dict[str, int] = {}
    out = []
    for name in sample.header:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}.{seen[name]}")
    return tuple(out)


class Classifiers:
    """The four ONNX models with their classes and thresholds (from the model card).

    Args:
        threads: ``intra_op_num_threads`` of every session (the caller's CPUs).
        model_dir: folder with the ``.onnx`` files and ``model_card.json`` (default: the shipped ones).
        thresholds: override the card's thresholds, e.g. ``{"file_layout": 0.0}`` for calibration.

    Raises:
        ConfigError: (on first use) a model file or the card is missing; run ``raybench train``.
    """

    def __init__(self, threads: int = 1, model_dir: str | None = None, thresholds: dict | None = None):
        self.threads = max(1, int(threads))
        self.model_dir = model_dir or MODEL_DIR
        self._overrides = dict(thresholds or {})
        self._card: dict | None = None
        self._sessions: dict = {}
        self._rt_cache: dict[str, tuple[str, float]] = {}

    @property
    def card(self) -> dict:
        """The model card (classes, thresholds, training-data hash, evaluation)."""
        if self._card is None:
            path = os.path.join(self.model_dir, "model_card.json")
            try:
                with open(path) as f:
                    self._card = json.load(f)
            except OSError:
                raise ConfigError(f"no model card at {path}; run `raybench train`") from None
        return self._card

    def threshold(self, model: str) -> float:
        """The calibrated confidence below which ``model``'s answer is not used."""
        if model in self._overrides:
            return float(self._overrides[model])
        return float(self.card["models"][model].get("threshold") or 0.0)

    def classes(self, model: str) -> tuple[str, ...]:
        return tuple(self.card["models"][model]["classes"])

    def session(self, model: str):
        """The ONNX Runtime session of ``model``, created on first use with :attr:`threads` threads."""
        if model not in self._sessions:
            import onnxruntime as ort  # local: heavy: only when a model is loaded

            options = ort.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            path = os.path.join(self.model_dir, self.card["models"][model]["file"])
            if not os.path.exists(path):
                raise ConfigError(f"no model at {path}; run `raybench train`")
            self._sessions[model] = ort.InferenceSession(path, sess_options=options,
                                                         providers=["CPUExecutionProvider"])
        return self._sessions[model]

    def probabilities(self, model: str, X: np.ndarray) -> np.ndarray:
        """``(n, classes)`` probabilities for ``(n, input_dim)`` features."""
        sess = self.session(model)
        out = sess.run(["probabilities"], {"features": np.ascontiguousarray(X, dtype=np.float32)})
        return np.asarray(out[0])

    # --- files ----------------------------------------------------------------------------------

    def classify_bytes(self, data: bytes) -> FileClassification:
        """:meth:`classify_sample` of a file's first bytes."""
        return self.classify_sample(sample_text(decode_sample(data)))

    def classify_sample(self, sample: FileSample) -> FileClassification:
        """Layout, carrier, confidence, top-3 and column mapping of a file sample.

        Abstains (layout ``unknown``, no mapping) when the top layout is ``other``, its probability is
        below the calibrated threshold, or the carrier model names another carrier than the layout's.
        """
        x = file_vector(sample)[None, :]
        p_layout = self.probabilities("file_layout", x)[0]
        p_carrier = self.probabilities("file_carrier", x)[0]
        layouts, carriers = self.classes("file_layout"), self.classes("file_carrier")
        order = np.argsort(-p_layout)[:3]
        top3 = tuple((layouts[i], float(p_layout[i])) for i in order)
        best, p = top3[0]
        carrier = carriers[int(np.argmax(p_carrier))]
        if best == "other":
            return FileClassification(UNKNOWN, UNKNOWN, p, top3, method=UNKNOWN,
                                      reason=f"not a known layout (other: {p:.2f})")
        if p < self.threshold("file_layout"):
            return FileClassification(UNKNOWN, UNKNOWN, p, top3, method=UNKNOWN,
                                      reason=f"confidence {p:.2f} below the calibrated {self.threshold('file_layout'):.2f}")
        expected = get_layout(best).carrier
        if carrier != expected:
            return FileClassification(UNKNOWN, UNKNOWN, p, top3, method=UNKNOWN,
                                      reason=f"layout {best} but carrier model says {carrier}")
        return FileClassification(best, carrier, p, top3, self.map_columns(sample, best))

    def map_columns(self, sample: FileSample, layout_id: str) -> tuple[ColumnMapping, ...]:
        """Each column of the sample to a field, for a file of layout ``layout_id``.

        Only the fields that layout reads are allowed; each is given to at most one column (the most
        probable first); the rest are ``ignore``. A column whose name names an identifier
        (``remoteCallId``, see ``fields.names_identifier``) is never the duration; one whose name names a
        data volume (``Bytes Down``, ``fields.names_volume``) is given no field (the schema has none for it).
        """
        names = column_names(sample)
        headers = sample.header if sample.header is not None and len(sample.header) == sample.width else None
        X = np.vstack([column_vector(headers[j] if headers else None, sample.column(j), layout_id, j)
                       for j in range(sample.width)])
        probs = self.probabilities("column_field", X)
        fields = self.classes("column_field")
        allowed = set(layout_fields(get_layout(layout_id)).values()) | {"ignore"}
        mask = np.array([f in allowed for f in fields])
        probs = np.where(mask[None, :], probs, 0.0)
        ignore = fields.index("ignore")
        assigned: dict[int, tuple[str, float]] = {}
        taken: set[str] = set()
        cand = [(probs[j, k], j, k) for j in range(len(names)) for k in range(len(fields)) if mask[k] and k != ignore]
        for pr, j, k in sorted(cand, reverse=True):
            if j in assigned or fields[k] in taken or pr < probs[j, ignore]:
                continue
            if fields[k] == "duration" and names_identifier(names[j]):  # an id-named column is never a length
                continue
            if names_volume(names[j]):  # a byte count is never a party, a length or a place
                continue
            assigned[j] = (fields[k], float(pr))
            taken.add(fields[k])
        return tuple(ColumnMapping(j, names[j], *assigned.get(j, ("ignore", float(probs[j, ignore]))))
                     for j in range(len(names)))

    # --- record types ---------------------------------------------------------------------------

    def record_types(self, values: list[str]) -> tuple[list[str | None], list[float]]:
        """Record type and confidence of each descriptor (None when below the calibrated threshold).

        Unique values not seen before by this instance are classified in one ONNX call and cached.

        Args:
            values: descriptor strings (e.g. unique values of a batch's descriptor column).

        Returns:
            ``(types, confidences)``, aligned with ``values``.
        """
        types, confidences = self.predict_record_types(values)
        t = self.threshold("record_type")
        return [r if p >= t else None for r, p in zip(types, confidences)], confidences

    def predict_record_types(self, values: list[str]) -> tuple[list[str], list[float]]:
        """The record-type model's top class and probability for each descriptor, without abstaining.

        Unique values not seen before by this instance go through one ONNX call and are cached.
        """
        new = [v for v in dict.fromkeys(values) if v not in self._rt_cache]
        if new:
            probs = self.probabilities("record_type", np.vstack([descriptor_vector(v) for v in new]))
            classes = self.classes("record_type")
            for v, row in zip(new, probs):
                k = int(np.argmax(row))
                self._rt_cache[v] = (classes[k], float(row[k]))
        out = [self._rt_cache[v] for v in values]
        return [r for r, _ in out], [p for _, p in out]

    @property
    def cached_descriptors(self) -> int:
        """Distinct descriptors classified so far by this instance."""
        return len(self._rt_cache)


_DEFAULT: dict[int, Classifiers] = {}


def default_classifiers(threads: int = 1) -> Classifiers:
    """The process's shared :class:`Classifiers` over the shipped models, one per thread count."""
    if threads not in _DEFAULT:
        _DEFAULT[threads] = Classifiers(threads)
    return _DEFAULT[threads]
