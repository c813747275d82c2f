"""raybench.identify: encodings, layouts of the real samples, unknown headers."""

from __future__ import annotations

import codecs

import pytest

from raybench.catalog import ATT_MOBILITY_VOICE, BUILTIN, TMOBILE
from raybench.errors import InputFileError, UnknownLayoutError
from raybench.identify.encoding import detect_encoding
from raybench.identify.file import identify_file
from raybench.identify.sniff import NORMALIZE_HEADER_CACHE, identify_text, normalize_header

ATT_HEADER = ",".join(ATT_MOBILITY_VOICE.columns)


# ---- encodings --------------------------------------------------------------------------------------

def test_utf8_without_bom():
    enc = detect_encoding("caller,name\n2125550123,José Müller\n".encode())
    assert (enc.name, enc.bom_bytes, enc.detector) == ("utf-8", 0, "utf-8")
    assert enc.ascii_compatible


def test_utf8_cut_inside_a_character_is_still_utf8():
    sample = "a,b\n1,é".encode()[:-1]
    assert detect_encoding(sample).name == "utf-8"


def test_utf8_bom():
    enc = detect_encoding(codecs.BOM_UTF8 + b"a,b\n1,2\n")
    assert (enc.name, enc.bom_bytes, enc.detector) == ("utf-8", 3, "bom")


def test_utf16le_bom():
    enc = detect_encoding(codecs.BOM_UTF16_LE + "a,b\n1,2\n".encode("utf-16-le"))
    assert (enc.name, enc.bom_bytes, enc.detector) == ("utf-16-le", 2, "bom")
    assert not enc.ascii_compatible


def test_utf16be_bom():
    enc = detect_encoding(codecs.BOM_UTF16_BE + "a,b\n".encode("utf-16-be"))
    assert (enc.name, enc.bom_bytes) == ("utf-16-be", 2)


@pytest.mark.parametrize("text", [
    "caller,callee,name\n5550100,5550101,José Müller café\n5550102,5550103,François Señor\n" * 3,
    "Name,City\nRenée,Zürich\n" * 50,
    "Item,Conn. Date,Description\n1,01/02/2024,Café – “quoted” €5\n" * 20,
    "a,b\nJosé,1\n",
])
def test_cp1252_bytes(text):
    sample = text.encode("cp1252")
    enc = detect_encoding(sample)
    assert (enc.name, enc.bom_bytes, enc.detector) == ("cp1252", 0, "charset-normalizer")
    assert sample.decode(enc.name) == text


@pytest.mark.parametrize(("text", "codec", "want"), [
    ("Имя,Город\nИван,Москва\nПётр,Санкт-Петербург\n" * 20, "cp1251", "cp1251"),
    ("Όνομα,Πόλη\nΓιώργος,Αθήνα\n" * 20, "cp1253", "cp1253"),
])
def test_other_single_byte_scripts_are_not_forced_to_cp1252(text, codec, want):
    sample = text.encode(codec)
    enc = detect_encoding(sample)
    assert enc.name == want
    assert sample.decode(enc.name) == text


# ---- layouts ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "layout_id", "kind", "carrier", "method", "confidence"), [
    ("bandicoot_antennas.csv", "bandicoot_antennas", "cell_sites", "bandicoot", "header", 1.0),
    ("bandicoot_ego.csv", "bandicoot_csv", "cdr", "bandicoot", "header", 1.0),
    ("bandicoot_orange_u_test.csv", "orange_csv", "cdr", "orange", "probe", 0.9),
    ("cdrstats_import_cdr_100.txt", "cdrstats_import_txt", "cdr", "generic", "probe", 0.9),
    ("cdrstats_cdrimport_2015-10-26.csv", "cdrstats_cdrimport_csv", "cdr", "generic", "header", 1.0),
])
def test_identify_real_files(real_dir, name, layout_id, kind, carrier, method, confidence):
    path = real_dir / name
    ident = identify_file(str(path), BUILTIN)
    assert ident.path == str(path)
    assert ident.size_bytes == path.stat().st_size
    assert ident.encoding.name == "utf-8" and ident.encoding.bom_bytes == 0
    layout = ident.identification.layout
    assert (layout.id, layout.kind, layout.carrier) == (layout_id, kind, carrier)
    assert ident.identification.method == method
    assert ident.identification.confidence == confidence
    # identify_text gives the same answer on the decoded text
    assert identify_text(path.read_text(), BUILTIN).layout.id == layout_id


def test_normalize_header_cache_is_bounded_and_still_right_after_eviction():
    # a long-lived process (the service's runner) sees a new header name per file: the cache must not keep
    # them all, and a name evicted from it must normalize the same when it comes again
    for i in range(2 * NORMALIZE_HEADER_CACHE):
        assert normalize_header(f"Col.{i} (UTC)") == f"col {i} utc"
    assert 0 < normalize_header.cache_info().currsize <= NORMALIZE_HEADER_CACHE
    assert normalize_header("Col.0 (UTC)") == "col 0 utc"  # evicted long ago, computed again
    assert normalize_header("Conn. Time (UTC)") == "conn time utc"


def test_identify_text_header_variants():
    header = "CONN. DATE"
    assert normalize_header("Conn. Time (UTC)") == "conn time utc"
    assert normalize_header(f"  {header}  ") == "conn date"
    text = ATT_HEADER.upper().replace(",", " ,") + "\n1,03/15/2024,14:05:09,0:03,2:30,1,2,,,MO VOICE,1,2\n"
    ident = identify_text(text, BUILTIN)
    assert ident.layout.id == "att_mobility_voice"
    assert (ident.method, ident.confidence) == ("header", 1.0)


def test_identify_text_skips_leading_blank_lines():
    text = "\n\n" + ",".join(TMOBILE.columns) + "\n"
    assert identify_text(text, BUILTIN).layout.id == "tmobile_cdr"


def test_identify_file_utf16le_with_bom(tmp_path):
    path = tmp_path / "att.csv"
    body = ATT_HEADER + "\r\n1,03/15/2024,14:05:09,0:03,2:30,2125550123,3105550199,,,MO VOICE,1,2\r\n"
    path.write_bytes(codecs.BOM_UTF16_LE + body.encode("utf-16-le"))
    ident = identify_file(str(path), BUILTIN)
    assert ident.encoding.name == "utf-16-le" and ident.encoding.bom_bytes == 2
    assert ident.identification.layout.id == "att_mobility_voice"


def test_identify_file_utf8_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"antenna_id,latitude,longitude\n1,42.3,-71.0\n")
    ident = identify_file(str(path), BUILTIN)
    assert ident.encoding.bom_bytes == 3
    assert ident.identification.layout.id == "bandicoot_antennas"


def test_unknown_header_raises_with_the_path(tmp_path):
    path = tmp_path / "mystery.csv"
    path.write_text("foo,bar,baz\n1,2,3\n")
    with pytest.raises(UnknownLayoutError) as info:
        identify_file(str(path), BUILTIN)
    err = info.value
    assert isinstance(err, InputFileError)
    assert err.path == str(path)
    assert str(path) in str(err)
    assert "foo,bar,baz" in str(err)
    assert err.row == 1


def test_unknown_text_raises_with_the_given_path():
    with pytest.raises(UnknownLayoutError, match=r"^some/file\.csv:1: no known layout"):
        identify_text("what,is,this\n", BUILTIN, "some/file.csv")


def test_two_matching_layouts_is_an_error():
    with pytest.raises(UnknownLayoutError, match="several layouts match"):
        identify_text(ATT_HEADER + "\n", (ATT_MOBILITY_VOICE, ATT_MOBILITY_VOICE), "x.csv")


def test_empty_and_missing_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\n  \n")
    with pytest.raises(InputFileError, match="empty"):
        identify_file(str(empty), BUILTIN)
    with pytest.raises(InputFileError, match="cannot read") as info:
        identify_file(str(tmp_path / "nope.csv"), BUILTIN)
    assert not isinstance(info.value, UnknownLayoutError)
