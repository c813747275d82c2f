"""An id-named column is never the duration (issue 13, BroadWorks ``remoteCallId``)."""
import pytest

from raybench.classify.fields import names_identifier


@pytest.mark.parametrize("name, expected", [
    ("remoteCallId", True), ("localCallId", True), ("Call ID", True), ("session_uuid", True),
    ("recordId", True), ("callDuration", False), ("Idle", False), ("Duration (s)", False),
    ("billsec", False), (None, False), ("", False),
])
def test_names_identifier(name, expected):
    assert names_identifier(name) is expected
