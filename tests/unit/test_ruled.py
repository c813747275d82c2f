"""raybench.classify.ruled: a report's dash rule gives its column positions and names."""

from __future__ import annotations

from raybench.classify.ruled import find_rule, rule_columns, ruled_sample

HEAD = "DATE   TIME  DURATION   FROM NUMBER   NPA NXX LINE"
RULE = "------ ----- --------   -----------   --- --- ----"


def test_rule_columns_run_to_the_next_group():
    assert rule_columns("---- --  ---")[:2] == ((0, 5), (5, 9))


def test_find_rule_cuts_the_header_and_joins_the_nanp_parts():
    got = find_rule(["BANNER PAGE 1", HEAD, RULE, "031524 14:05     2:30   2125550123    310 555 0199"])
    assert got is not None
    index, names, spans = got
    assert index == 1
    assert names == ("DATE", "TIME", "DURATION", "FROM NUMBER", "NPA NXX LINE")
    line = "031524 14:05     2:30   2125550123    310 555 0199"
    assert [line[a:b].strip() for a, b in spans] == ["031524", "14:05", "2:30", "2125550123", "310 555 0199"]


def test_no_rule_or_a_rule_over_blank_names_is_not_a_report():
    assert find_rule(["a,b,c", "1,2,3", "4,5,6"]) is None
    assert find_rule(["DATE          ", "------ ----- --------", "x"]) is None  # names missing over groups


def test_ruled_sample_skips_repeats_and_short_lines():
    text = "\n".join([HEAD, RULE, "031524 14:05     2:30   2125550123    310 555 0199", HEAD, RULE,
                      "031624 09:00     0:10   2125550123    212 555 0188", "TOTAL 2"]) + "\n"
    sample, spans = ruled_sample(text)
    assert sample.header == ("DATE", "TIME", "DURATION", "FROM NUMBER", "NPA NXX LINE")
    assert sample.header_types == RULE
    assert [r[0] for r in sample.rows] == ["031524", "031624"]
