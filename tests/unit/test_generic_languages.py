"""The generic column reader on bills of other languages (issue 13, held-out 7): German, Dutch and Nordic
column names (letters NFKD keeps whole folded: ``æ ø ß``), record-type words, French ``13h05`` times and
total rows in those languages."""

from __future__ import annotations

import pytest

from raybench.classify.generic import (
    fold_accents,
    map_generic,
    name_field,
    record_type_by_words,
)
from raybench.read.junk import is_footer


@pytest.mark.parametrize("name, field", [
    ("Päivämäärä", "start"), ("Kellonaika", "start_time"), ("Kesto", "duration"), ("Tyyppi", "record_type"),
    ("Hinta (€)", "ignore"), ("Klokkeslæt", "start_time"), ("Varighed (min:sek)", "duration"),
    ("Beløb (kr.)", "ignore"), ("Gesprächsdauer", "duration"), ("Gebeld nummer", "callee"),
    ("Nummer", "partner"), ("Numero", "partner"), ("Längd", "duration"), ("Dato", "start"),
])
def test_nordic_germanic_names(name, field):
    assert name_field(name)[0] == field


def test_a_vague_number_word_gives_way_to_the_specific_one():
    # "Nummer" alone is the other party; beside "til" (to) it is the B-number
    assert name_field("Til nummer") == ("callee", 0.6)


def test_letters_without_a_decomposition_are_respelled():
    assert fold_accents("Klokkeslæt Beløb Straße") == "Klokkeslaet Belob Strasse"


@pytest.mark.parametrize("value, kind", [
    ("Appel vers mobile", "voice"), ("Puhelu", "voice"), ("Opkald", "voice"), ("Tekstiviesti", "sms"),
    ("Multimediaviesti", "mms"), ("Internet mobile", "data"), ("Gesprek", "voice"),
    ("SMS via Internet", None), ("Hinta", None), ("", None),
])
def test_record_type_by_words(value, kind):
    assert record_type_by_words(value) == kind


@pytest.mark.parametrize("line, footer", [
    ("Yhteensä;;;;;79,72", True), ("I alt;;;12,00", True), ("Totaal,,1,72", True), ("Totalt;;;;;14,65", True),
    ("Insgesamt: 12 Verbindungen", True), ("15.7.2024;22.48.38;040 555 0016;Puhelu;0:00:32;0,42", False),
    ("Italt;x", False), ("Yhteensäx;1", False),
])
def test_total_rows_of_other_languages(line, footer):
    assert is_footer(line) is footer


def test_french_hour_mark_times_beside_a_date():
    names = ("Date", "Heure", "Numéro appelé", "Durée")
    cols = [["14/07/2024", "14/07/2024", "15/07/2024", "16/07/2024"],
            ["17h42", "19h10", "00h41", "23h02"],
            ["06 39 98 01 48", "06 39 98 01 16", "01 99 00 01 93", "06 39 98 01 77"],
            ["01:28:09", "00:05:18", "00:00:08", "00:06:11"]]
    m = map_generic(names, cols)
    assert m is not None
    assert (m.fields["Date"], m.fields["Heure"], m.fields["Numéro appelé"]) == ("start", "start_time", "callee")
    assert m.start.formats == ("%d/%m/%Y %Hh%M",)


def test_a_rule_of_dashes_under_the_header_is_skipped_like_a_types_line():
    from raybench.read.junk import is_types_line

    assert is_types_line("---------|-------|----", "|")
    assert is_types_line("INTEGER|VARCHAR(50)", "|")
    assert not is_types_line("----", "|")  # one run: not a rule per column
    assert not is_types_line("2025-06-02|-|--", "|")  # a data row with empty markers


def test_a_mostly_empty_exact_party_column_gives_way_to_a_full_one():
    names = ("Start", "End", "FromUri", "FromNumber", "ToUri")
    starts = [f"2025-06-0{d} 09:00:00" for d in range(1, 9)]
    ends = [f"2025-06-0{d} 09:01:00" for d in range(1, 9)]
    uris = ["alice@corp.example", "+12125550101@corp.example;user=phone", "bob@corp.example",
            "carol@corp.example", "dave@corp.example", "erin@corp.example", "+13105550199@corp.example",
            "frank@corp.example"]
    numbers = ["NULL", "+12125550101", "NULL", "NULL", "NULL", "NULL", "+13105550199", "NULL"]
    m = map_generic(names, [starts, ends, uris, numbers, list(reversed(uris))])
    assert m is not None
    assert (m.fields["FromUri"], m.fields["FromNumber"]) == ("caller", "ignore")
    assert m.record_type_default == "voice"  # an end column times the call
