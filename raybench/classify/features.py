"""Numeric feature vectors for the three models (numpy; the ONNX models take them as float32 input).

Text is turned into hashed character n-gram counts (a polynomial hash of the bytes, vectorised with
numpy, so the same text gives the same vector on any machine and Python version), each block scaled
to unit length, plus a few shape statistics. Digits are replaced by ``0`` first, so features describe
how values are written, not which values they are.

* :func:`file_vector`: one file sample -> ``(FILE_DIM,)``.
* :func:`column_vector`: one source column (header text, values, context) -> ``(COLUMN_DIM,)``.
* :func:`descriptor_vector`: one descriptor string (``mSTerminatingSMSinMSC``) -> ``(DESCRIPTOR_DIM,)``.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

from raybench.classify.sample import CANDIDATE_DELIMITERS, FileSample, nonblank_records

LAYOUT_CLASSES = ("att_mobility_voice", "tmobile_cdr", "sprint_cdma", "verizon_billing_detail",
                  "asterisk_master_csv", "other")
"""Classes of the file layout model; ``other`` is anything that is none of the generated layouts."""

_MULT = np.int64(1_000_003)
_MASK = np.int64((1 << 31) - 1)
_DIGITS = re.compile(r"\d")
_WORDS = re.compile(r"[a-z]{2,}")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _ngram_counts(text: str, ns: tuple[int, ...], dim: int, salt: int) -> np.ndarray:
    """Hashed character n-gram counts of ``text`` (UTF-8 bytes), shape ``(dim,)`` float32, unit length."""
    out = np.zeros(dim, dtype=np.float32)
    b = np.frombuffer(text.encode("utf-8", errors="replace"), dtype=np.uint8).astype(np.int64)
    for n in ns:
        if len(b) < n:
            continue
        h = np.full(len(b) - n + 1, salt * 7919 + n, dtype=np.int64)
        for k in range(n):
            h = (h * _MULT + b[k:len(b) - n + 1 + k]) & _MASK
        out += np.bincount(h % dim, minlength=dim).astype(np.float32)
    norm = float(np.linalg.norm(out))
    return out / norm if norm else out


def _tokens(words: list[str], dim: int, salt: int) -> np.ndarray:
    """Hashed bag of words, shape ``(dim,)``, unit length."""
    out = np.zeros(dim, dtype=np.float32)
    for w in words:
        out[zlib.crc32(f"{salt}:{w}".encode("utf-8", errors="replace")) % dim] += 1.0
    norm = float(np.linalg.norm(out))
    return out / norm if norm else out


def shape(text: str) -> str:
    """How a value is written: lower case, every digit ``0`` (``'06/01/2024'`` -> ``'00/00/0000'``)."""
    return _DIGITS.sub("0", text.lower())


def _one_hot(index: int, size: int) -> np.ndarray:
    v = np.zeros(size, dtype=np.float32)
    v[min(max(index, 0), size - 1)] = 1.0
    return v


# --- file -------------------------------------------------------------------------------------------

FILE_NGRAM_DIM = 4096
FILE_WORD_DIM = 1024
_FILE_LINES = 12
FILE_DIM = FILE_NGRAM_DIM + FILE_WORD_DIM + len(CANDIDATE_DELIMITERS) + 1 + 41 + 3


def file_vector(sample: FileSample) -> np.ndarray:
    """Features of a file's first kilobytes.

    Blocks: character 3- and 4-grams of the first records' shapes; words of the header (or of the first
    records when headerless); delimiter one-hot (and ``", "``); field count one-hot (1..40, 41+);
    header present, banners present, share of quoted records.

    Returns:
        ``(FILE_DIM,)`` float32.
    """
    records = nonblank_records(sample.text)[:_FILE_LINES]
    body = "\n".join(shape(r[:300]) for r in records)
    words_src = " ".join(sample.header) if sample.header is not None else " ".join(records[:4])
    words = _WORDS.findall(_CAMEL.sub(" ", words_src).lower())
    delim = np.zeros(len(CANDIDATE_DELIMITERS) + 1, dtype=np.float32)
    delim[CANDIDATE_DELIMITERS.index(sample.delimiter)] = 1.0
    delim[-1] = float(sample.skip_initial_space)
    quoted = sum(1 for r in records if r.startswith('"')) / max(1, len(records))
    flags = np.array([sample.header is not None, bool(sample.banners), quoted], dtype=np.float32)
    return np.concatenate([
        _ngram_counts(body, (3, 4), FILE_NGRAM_DIM, 1), _tokens(words, FILE_WORD_DIM, 2), delim,
        _one_hot(sample.width - 1, 41), flags]).astype(np.float32)


# --- column -----------------------------------------------------------------------------------------

HEADER_DIM = 2048
VALUE_DIM = 1024
VALUE_SHAPE_DIM = 512
MAX_POSITION = 25
_STATS = 12
COLUMN_DIM = HEADER_DIM + VALUE_DIM + VALUE_SHAPE_DIM + _STATS + len(LAYOUT_CLASSES) + 1 + MAX_POSITION + 1


def normalize_header_text(name: str) -> str:
    """``'Conn. Time (UTC)'`` -> ``'conn time utc'``; camel case split (``callingNumber`` -> ``calling number``)."""
    name = _CAMEL.sub(" ", name)
    return " ".join(re.sub(r"[^0-9a-z#]+", " ", name.lower()).split())


def _compact(v: str) -> str:
    """Value shape with runs collapsed: ``'2024-06-01 10:00:00'`` -> ``'0-0-0 0:0:0'``."""
    s = re.sub(r"0+", "0", shape(v))
    return re.sub(r"[a-z]+", "a", s)


def _value_stats(values: list[str]) -> np.ndarray:
    vals = [v for v in values if v.strip()]
    n = max(1, len(vals))
    lengths = [len(v) for v in vals] or [0]
    return np.array([
        1 - len(vals) / max(1, len(values)),
        sum(v.isdigit() for v in vals) / n,
        sum(":" in v for v in vals) / n,
        sum("/" in v or "-" in v for v in vals) / n,
        sum(any(c.isalpha() for c in v) for v in vals) / n,
        sum(v.startswith("+") for v in vals) / n,
        min(np.mean(lengths) / 20, 2.0),
        min(np.std(lengths) / 10, 2.0),
        len(set(vals)) / n,
        sum(" " in v for v in vals) / n,
        sum("." in v for v in vals) / n,
        sum("$" in v for v in vals) / n,
    ], dtype=np.float32)


def column_vector(header: str | None, values: list[str], layout: str, position: int) -> np.ndarray:
    """Features of one source column.

    Args:
        header: the column's header text, or None in a headerless file.
        values: its values in the sample's records (strings as written, stripped).
        layout: the file's layout class (one of :data:`LAYOUT_CLASSES`), which fields the mapper expects.
        position: 0-based column index; used only for headerless files, where order is all there is.

    Returns:
        ``(COLUMN_DIM,)`` float32.
    """
    head = normalize_header_text(header) if header is not None else ""
    hv = _ngram_counts(f" {head} ", (2, 3, 4), HEADER_DIM, 3) if head else np.zeros(HEADER_DIM, np.float32)
    sample_values = values[:30]
    vv = _ngram_counts("\n".join(f"\x02{shape(v[:40])}\x03" for v in sample_values), (2, 3), VALUE_DIM, 4)
    sv = _tokens([_compact(v[:40]) for v in sample_values if v], VALUE_SHAPE_DIM, 5)
    lay = _one_hot(LAYOUT_CLASSES.index(layout) if layout in LAYOUT_CLASSES else len(LAYOUT_CLASSES) - 1,
                   len(LAYOUT_CLASSES))
    headerless = np.array([header is None], dtype=np.float32)
    pos = _one_hot(position, MAX_POSITION) if header is None else np.zeros(MAX_POSITION, np.float32)
    return np.concatenate([hv, vv, sv, _value_stats(values), lay, headerless, pos,
                           np.array([float(bool(head))], np.float32)]).astype(np.float32)


# --- descriptor -------------------------------------------------------------------------------------

DESCRIPTOR_DIM = 2048


def normalize_descriptor(value: str) -> str:
    """``'mSTerminatingSMSinMSC'`` -> ``'m s terminating sm sin msc'``-like text: camel case split,
    lower case, punctuation to spaces."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", _CAMEL.sub(" ", value).lower()).split())


def descriptor_vector(value: str) -> np.ndarray:
    """Features of a record-type descriptor: 1..4-grams of its normalised text and of the raw lower case.

    Returns:
        ``(DESCRIPTOR_DIM,)`` float32.
    """
    norm = normalize_descriptor(value)
    raw = re.sub(r"\s+", " ", value.strip().lower())
    a = _ngram_counts(f" {norm} ", (1, 2, 3, 4), DESCRIPTOR_DIM, 6)
    b = _ngram_counts(f" {raw} ", (3, 4), DESCRIPTOR_DIM, 7)
    v = a + b
    norm_v = float(np.linalg.norm(v))
    return (v / norm_v if norm_v else v).astype(np.float32)
