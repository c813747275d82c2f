"""The ONNX classifiers (raybench.classify): files, columns, record types, templates, abstention.

These run the shipped .onnx models through onnxruntime, as the CLI and the actors do.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from raybench.catalog import BUILTIN, get_layout
from raybench.classify.corpus import layout_file
from raybench.harness.classify_eval import REAL_CASES, expected_calibration_error
from raybench.classify.fields import FIELDS, layout_fields, mapped_layout
from raybench.classify.models import Classifiers, column_names
from raybench.classify.resolve import resolve, resolve_identity
from raybench.classify.sample import decode_sample, sample_text
from raybench.classify.templates import load_templates, parse_template
from raybench.errors import ConfigError, UnknownLayoutError
from raybench.generate.carriers import BUILDERS
from raybench.generate.population import make_population
from raybench.normalize.numbers import NumberNormalizer
from raybench.pipeline.transform import process_chunk


@pytest.fixture(scope="module")
def clf() -> Classifiers:
    return Classifiers(threads=1)


# AT&T's columns respelled (carrier-formats.md 1.1 aliases, one translated), in another order, with one
# column dropped (Item) and one added (Notes); the field each must map to.
ATT_RESPELLED = [("Desc", "Description", "record_type"), ("Orig #", "Originating Number", "caller"),
                 ("Connection Date", "Conn. Date", "start"), ("Notes", None, "ignore"),
                 ("TIME (UTC)", "Conn. Time (UTC)", "start_time"), ("Elapsed Time", "ET", "duration"),
                 ("Term #", "Terminating Number", "callee"), ("IMEI Number", "IMEI", "imei"),
                 ("IMSI", "IMSI", "imsi"), ("Seizure", "Seizure Time", "ignore"), ("Celda", "Cell ID", "cell_id"),
                 ("LAC", "LAC", "lac")]


def _att_records(n: int = 40, seed: int = 5):
    rng = np.random.default_rng(seed)
    secs = np.sort(rng.integers(1717200000, 1717200000 + 86400 * 20, n))
    return BUILDERS["att_mobility_voice"](rng, make_population(seed), n, secs, 1)


def _write_respelled(path: Path, delimiter: str = ";") -> pl.DataFrame:
    source, truth = _att_records()
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    w.writerow([new for new, _, _ in ATT_RESPELLED])
    for row in source.iter_rows(named=True):
        w.writerow([(row[old] or "") if old else "see file" for _, old, _ in ATT_RESPELLED])
    path.write_text("Subscriber Records Report\n" + out.getvalue())
    return truth


def test_respelled_reordered_file_is_classified_and_mapped_with_confidence(tmp_path, clf):
    path = tmp_path / "att.csv"
    _write_respelled(path)
    result, identity = resolve(str(path), BUILTIN, classifiers=clf)
    assert (result.layout, result.carrier, result.method) == ("att_mobility_voice", "att", "model")
    assert result.confidence >= clf.threshold("file_layout") and result.confidence > 0.9
    assert [c.field for c in result.columns] == [f for _, _, f in ATT_RESPELLED]
    assert identity is not None and identity.identification.lead == ("banner", "header")
    assert identity.identification.layout.delimiter == ";"


def test_model_layout_reads_the_records_right(tmp_path, clf):
    """The layout rebuilt from the mapping gives the generator's truth through the real chunk path."""
    path = tmp_path / "att.csv"
    truth = _write_respelled(path, delimiter=",")
    identity = resolve_identity(str(path), BUILTIN, templates=(), classifiers=clf)
    layout = identity.identification.layout
    data = path.read_bytes()
    body = data[data.index(b"\n", data.index(b"\n") + 1) + 1:]  # after the banner and the header
    result = process_chunk(body, layout=layout, encoding="utf-8", first_row=1, source_file=str(path),
                           sha256="x", ingest_job="j", numbers=NumberNormalizer(layout.region),
                           record_types=clf)
    got = pl.from_arrow(result.table).sort("source_row")
    assert got["reasons"].list.len().sum() == 0
    for name in ("start_utc", "duration_s", "caller", "callee", "record_type", "direction", "imei", "cell_id"):
        assert got[name].to_list() == truth[name].to_list(), name


def test_garbage_abstains_as_unknown_with_top3(tmp_path, clf):
    path = tmp_path / "inventory.csv"
    path.write_text("sku;product;qty;price\nA-1;Widget;3;9.99\nB-7;Gadget;1;24.50\nC-2;Gizmo;12;1.25\n")
    result, identity = resolve(str(path), BUILTIN, classifiers=clf)
    assert identity is None and result.layout == "unknown" and result.abstained
    assert len(result.top3) == 3 and result.top3[0][0] == "other"
    assert [p for _, p in result.top3] == sorted((p for _, p in result.top3), reverse=True)
    with pytest.raises(UnknownLayoutError) as info:
        resolve_identity(str(path), BUILTIN, templates=(), classifiers=clf)
    message = str(info.value)
    assert message.startswith(f"{path}:1: no known layout") and "top-3: other" in message and "\n" not in message


def test_low_confidence_abstains_even_for_a_known_top_class(tmp_path):
    strict = Classifiers(thresholds={"file_layout": 1.01})
    path = tmp_path / "att.csv"
    _write_respelled(path)
    models = strict.classify_bytes(path.read_bytes())
    assert models.layout == "unknown" and models.abstained
    assert models.top3[0][0] == "att_mobility_voice" and "below the calibrated" in models.reason
    # the file is then read by its columns' names and values, not as the layout the models doubted
    result, identity = resolve(str(path), BUILTIN, classifiers=strict)
    assert (result.layout, result.method) == ("generic_cdr", "values") and result.top3 == models.top3
    fields = {c.name: c.field for c in result.columns}
    assert (fields["Orig #"], fields["Term #"], fields["Elapsed Time"], fields["IMSI"]) == (
        "caller", "callee", "duration", "imsi")
    assert identity.identification.layout.duration_unit == "mm_ss"


@pytest.mark.parametrize("layout_id", ["tmobile_cdr", "sprint_cdma", "verizon_billing_detail"])
def test_column_mapping_of_a_shuffled_file(layout_id, clf):
    natural = list(layout_fields(get_layout(layout_id)).values())
    f = next(f for seed in range(2_000_000, 2_000_300)
             if "shuffled" in (f := layout_file(layout_id, seed)).perturbations
             and [x for x in f.fields if x != "ignore"] != [x for x in natural if x != "ignore" and x in f.fields])
    sample = sample_text(decode_sample(f.data))
    mapping = clf.map_columns(sample, layout_id)
    assert [c.field for c in mapping] == list(f.fields)


def test_headerless_file_maps_by_values_and_position(clf):
    f = next(f for seed in range(3_000_000, 3_000_300)
             if "headerless" in (f := layout_file("tmobile_cdr", seed)).perturbations)
    result = clf.classify_sample(sample_text(decode_sample(f.data)))
    assert result.layout == "tmobile_cdr"
    assert [c.name for c in result.columns][:2] == ["col1", "col2"]
    assert [c.field for c in result.columns] == list(f.fields)


@pytest.mark.parametrize("descriptor, record_type", [
    ("mSTerminatingSMSinMSC", "sms"), ("mSOriginating", "voice"), ("VOICE", "voice"), ("Text Msg", "sms"),
    ("Pic/Video Msg", "mms"), ("VM RETRIEVAL", "voicemail"), ("GPRS", "data"), ("RCS-IMChat", "other"),
    ("TEXT_MESSAGE", "sms"), ("mobile data", "data")])
def test_record_type_model(descriptor, record_type, clf):
    types, confidences = clf.record_types([descriptor])
    assert types == [record_type]
    assert confidences[0] >= clf.threshold("record_type")


def test_record_types_are_cached_per_unique_value(clf):
    fresh = Classifiers()
    types, _ = fresh.record_types(["SMS", "VOICE", "SMS", "SMS"])
    assert types == ["sms", "voice", "sms", "sms"] and fresh.cached_descriptors == 2
    fresh._sessions.clear()  # a cached value needs no session
    fresh._sessions["record_type"] = None
    assert fresh.record_types(["VOICE"])[0] == ["voice"]


def test_actor_record_types_for_values_the_layout_does_not_map(clf):
    """Verizon's value map has no 'Data' or 'Text Message': the model types them, with its confidence."""
    layout = get_layout("verizon_billing_detail")
    rows = ['"555-555-0100","06/01/2024","10:00 AM","555-555-0101","Data","NEW YORK, NY","BOSTON, MA","","NA","NA","NA"',
            '"555-555-0100","06/01/2024","10:01 AM","555-555-0102","Text Message","NEW YORK, NY","BOSTON, MA","","NA","NA","NA"',
            '"555-555-0100","06/01/2024","10:02 AM","555-555-0102","Voice","NEW YORK, NY","BOSTON, MA","2","NA","NA","NA"']
    result = process_chunk("\n".join(rows).encode() + b"\n", layout=layout, encoding="utf-8", first_row=1,
                           source_file="v.csv", sha256="x", ingest_job="j", numbers=NumberNormalizer("US"),
                           record_types=clf)
    got = pl.from_arrow(result.table).sort("source_row")
    assert got["record_type"].to_list() == ["data", "sms", "voice"]
    assert result.rule_counts["record_type_model"] == [2, 0]
    without = process_chunk("\n".join(rows).encode() + b"\n", layout=layout, encoding="utf-8", first_row=1,
                            source_file="v.csv", sha256="x", ingest_job="j", numbers=NumberNormalizer("US"))
    untyped = pl.from_arrow(without.table).sort("source_row")
    assert untyped["record_type"].to_list() == ["unknown", "unknown", "voice"]  # stored, flagged
    assert all("record_type_known" in f for f in untyped["flags"].to_list()[:2])


def test_session_options_use_the_given_threads():
    c = Classifiers(threads=3)
    for model in ("file_layout", "file_carrier", "column_field", "record_type"):
        assert c.session(model).get_session_options().intra_op_num_threads == 3
    assert c.session("record_type") is c.session("record_type")  # created once


def test_real_cases_are_right_or_abstained(real_dir, clf):
    for name, want in REAL_CASES.items():
        full, identity = resolve(str(real_dir / name), BUILTIN, classifiers=clf)
        assert full.layout == want and identity is not None, name
        with open(real_dir / name, "rb") as f:
            alone = clf.classify_sample(sample_text(decode_sample(f.read())))
        assert alone.layout in (want, "unknown"), (name, alone)


def _template_yaml(folder: Path, **extra) -> Path:
    import yaml

    folder.mkdir(exist_ok=True)
    data = {"name": "att-weekly", "layout": "att_mobility_voice",
            "header": [new for new, _, _ in ATT_RESPELLED],
            "columns": {new: f for new, _, f in ATT_RESPELLED if f != "ignore"}, "tz": "America/Chicago"}
    data.update(extra)
    path = folder / "att.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_a_matching_template_takes_precedence_over_the_models(tmp_path, clf):
    path = tmp_path / "att.csv"
    _write_respelled(path)
    # the template deliberately maps differently from the models: callee and caller swapped
    columns = {new: {"caller": "callee", "callee": "caller"}.get(f, f) for new, _, f in ATT_RESPELLED if f != "ignore"}
    _template_yaml(tmp_path / "templates", columns=columns)
    templates = load_templates(str(tmp_path / "templates"))
    result, identity = resolve(str(path), BUILTIN, templates=templates, classifiers=clf)
    assert (result.method, result.template, result.confidence) == ("template", "att-weekly", 1.0)
    layout = identity.identification.layout
    assert (layout.caller, layout.callee, layout.tz) == ("Term #", "Orig #", "America/Chicago")


def test_a_template_takes_precedence_over_the_header_rules(tmp_path, clf):
    layout = get_layout("sprint_cdma")
    path = tmp_path / "sprint.csv"
    path.write_text(",".join(layout.columns) + "\n5555550100,5555550101,,1,06/01/2024 10:00:00,"
                    "06/01/2024 10:01:00,60,1,1,2083,2084\n")
    assert resolve(str(path), BUILTIN, classifiers=clf)[0].method == "header"
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "s.yaml").write_text(
        "layout: sprint_cdma\nheader: [" + ", ".join(layout.columns) + "]\n"
        "columns: {START_DATE: start, CALLING_NBR: caller, CALLED_NBR: callee, DURATION: duration}\n"
        "tz: America/Denver\n")
    result, identity = resolve(str(path), BUILTIN, templates=load_templates(str(folder)), classifiers=clf)
    assert result.method == "template" and result.template == "s"
    assert identity.identification.layout.tz == "America/Denver" and identity.identification.layout.cell_id is None


def test_templates_reject_unknown_fields_and_layouts(tmp_path):
    with pytest.raises(ConfigError, match="maps to 'phone'; allowed: start"):
        parse_template({"layout": "sprint_cdma", "header": ["A"], "columns": {"A": "phone"}}, "t.yaml")
    with pytest.raises(ConfigError, match="not a built-in layout"):
        parse_template({"layout": "nope", "header": ["A"], "columns": {}}, "t.yaml")
    with pytest.raises(ConfigError, match="not in the header"):
        parse_template({"layout": "sprint_cdma", "header": ["A"], "columns": {"B": "start"}}, "t.yaml")
    assert load_templates(str(tmp_path / "absent")) == ()


def test_mapped_layout_needs_a_start_column():
    base = get_layout("sprint_cdma")
    with pytest.raises(UnknownLayoutError, match="no column maps to 'start'"):
        mapped_layout(base, ("a", "b"), {"a": "caller", "b": "duration"}, has_header=True, delimiter=",",
                      skip_initial_space=False)


def test_layout_fields_cover_every_generated_column():
    for layout_id in BUILDERS:
        fields = layout_fields(get_layout(layout_id))
        assert set(fields.values()) <= set(FIELDS)
        assert "start" in fields.values()
    assert layout_fields(get_layout("tmobile_cdr"))["Type of Call"] == "record_type"


def test_column_names_are_unique():
    s = sample_text("A,A,B\n1,2,3\n4,5,6\n")
    assert s.header == ("A", "A", "B") and column_names(s) == ("A", "A.2", "B")


def test_expected_calibration_error():
    # two bins: 0.95 confidence all right (gap 0.05), 0.55 confidence half right (gap 0.05)
    conf = np.array([0.95, 0.95, 0.55, 0.55])
    right = np.array([True, True, True, False])
    assert expected_calibration_error(conf, right) == pytest.approx(0.05)
    assert expected_calibration_error(np.array([0.9] * 10), np.array([False] * 10)) == pytest.approx(0.9)


def test_model_card_describes_the_shipped_models(clf):
    card = clf.card
    assert set(card["models"]) == {"file_layout", "file_carrier", "column_field", "record_type"}
    assert len(card["training"]["data_sha256"]) == 64
    assert "other" in card["models"]["file_layout"]["classes"]
    ev = card["evaluation"]
    assert ev["layout_accuracy"] >= 0.99 and ev["column_mapping_accuracy"] >= 0.98
    assert all(r["model_verdict"] != "wrong" for r in ev["real_cases"].values())
    # the corpus (training and held-out) covers exactly the layouts the shipped model knows: a layout
    # added to the generator must not enter the held-out corpus as a class the model never learned
    from raybench.classify.corpus import MODEL_LAYOUTS

    assert set(card["models"]["file_layout"]["classes"]) == set(MODEL_LAYOUTS) | {"other"}


def test_shipped_models_on_a_small_held_out_corpus():
    """The shipped models themselves, run on held-out files of the evaluation seed (not the card's
    figures): right layout, no wrong layout taken, columns mapped, 'other' files abstained."""
    from raybench.harness.classify_eval import evaluate_models

    r = evaluate_models(per_layout=6, others=6, descriptor_variants=1, templates=2, real_dir="",
                        log=lambda *a: None)
    assert r["files"] == {"layout": 30, "other": 6}
    assert r["layout_accuracy"] >= 0.95 and r["layout_error_rate"] == 0.0
    assert r["column_mapping_accuracy"] >= 0.95
    assert r["record_type_accuracy"] >= 0.9
    assert r["other_accepted_rate"] <= 1 / 6


def test_corpus_is_reproducible():
    a, b = layout_file("verizon_billing_detail", 17), layout_file("verizon_billing_detail", 17)
    assert a.data == b.data and a.fields == b.fields
    assert layout_file("verizon_billing_detail", 18).data != a.data


@pytest.mark.slow
def test_training_is_deterministic(tmp_path):
    """Same seeds, same bytes: two small trainings export identical .onnx files and the same data hash."""
    from raybench.classify.train import TrainConfig, train

    config = TrainConfig(per_layout=8, others=10, calibrate_per_layout=4, calibrate_others=4, descriptor_variants=2)
    cards = [train(str(tmp_path / name), config, evaluate=None, log=lambda m: None) for name in ("a", "b")]
    assert cards[0]["training"]["data_sha256"] == cards[1]["training"]["data_sha256"]
    for model in ("file_layout", "file_carrier", "column_field", "record_type"):
        a = (tmp_path / "a" / f"{model}.onnx").read_bytes()
        assert a == (tmp_path / "b" / f"{model}.onnx").read_bytes(), model


def test_cli_classify_json_and_template_create(tmp_path):
    """`template create` proposes the models' mapping; with it in the folder, `classify` says `template`."""
    import json

    import yaml
    from click.testing import CliRunner

    from raybench.cli import main

    path = tmp_path / "att.csv"
    _write_respelled(path)
    (tmp_path / "junk.csv").write_text("a,b\nx,y\n")
    run = CliRunner().invoke(main, ["classify", str(path), str(tmp_path / "junk.csv"), "--json",
                                    "--templates", str(tmp_path / "none")])
    assert run.exit_code == 0, run.output
    by_file = {os.path.basename(r["path"]): r for r in json.loads(run.stdout)}
    att = by_file["att.csv"]
    assert (att["layout"], att["carrier"], att["method"]) == ("att_mobility_voice", "att", "model")
    assert [c["field"] for c in att["columns"]] == [f for _, _, f in ATT_RESPELLED] and len(att["top3"]) == 3
    assert by_file["junk.csv"]["layout"] == "unknown" and by_file["junk.csv"]["columns"] == []
    # an abstention names no layout, so it has no confidence (not that of "other" next to "unknown")
    assert (by_file["junk.csv"]["abstained"], by_file["junk.csv"]["confidence"]) == (True, None)
    assert (att["abstained"], att["confidence"]) == (False, pytest.approx(att["top3"][0]["p"], abs=1e-4))
    folder = tmp_path / "templates"
    folder.mkdir()
    run = CliRunner().invoke(main, ["template", "create", str(path), "--name", "att-weekly",
                                    "--out", str(folder / "att.yaml")])
    assert run.exit_code == 0, run.output
    proposal = yaml.safe_load((folder / "att.yaml").read_text())
    assert proposal["layout"] == "att_mobility_voice" and proposal["columns"]["Orig #"] == "caller"
    assert "Notes" not in proposal["columns"] and proposal["duration_unit"] == "mm_ss"
    run = CliRunner().invoke(main, ["classify", str(path), "--json", "--templates", str(folder)])
    assert json.loads(run.stdout)[0]["method"] == "template" and json.loads(run.stdout)[0]["template"] == "att-weekly"
    assert "1 by template" in run.stderr and "template match rate 1.00" in run.stderr


def test_a_headerless_file_of_its_layouts_field_count_is_mapped_by_position(tmp_path):
    """Asterisk Master.csv with damaged start stamps and a first record missing a field: the models pick
    the layout, the documented column order gives the columns (not the stamp that reads best), and the
    short first record is a row, not a banner."""
    from raybench.pipeline.local import read_local

    def row(start: str, uid: str, extra: bool = True) -> str:
        fields = ["", "1027", "19175550158", "from-internal", '"Ann" <1027>', "SIP/1027", "SIP/trunk-1", "Dial",
                  "SIP/trunk/19175550158", start, "2024-01-16 10:54:46", "2024-01-16 10:56:19", "93", "93",
                  "ANSWERED", "DOCUMENTATION", uid] + ([""] if extra else [])
        return ",".join('"' + f.replace('"', '""') + '"' for f in fields)

    lines = [row("2024-01-16 10:54:46", "1705420486.1", extra=False)]
    lines += [row("not a date" if i % 4 == 1 else f"2024-01-16 10:{10 + i}:00", f"1705420486.{i + 2}")
              for i in range(12)]
    path = tmp_path / "Master.csv"
    path.write_text("\n".join(lines) + "\n")
    read = read_local(str(path), ingest_job="job-pos")
    assert read.file["layout"] == "asterisk_master_csv"
    assert read.file["rows_read"] == 13 and "banner" not in read.file["lines_skipped"]
    bad = sorted(r["source_row"] for r in read.rows if "start_parse" in r["reasons"])
    assert bad == [3, 7, 11]  # the damaged start stamps, not rows of another column
