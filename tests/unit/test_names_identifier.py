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


def test_names_volume():
    from raybench.classify.fields import names_volume

    assert names_volume("Bytes Down") and names_volume("uplinkOctets") and names_volume("Data Volume (KB)")
    assert not names_volume("Terminating Number") and not names_volume("Duration (Sec)") and not names_volume(None)
