"""A file's value profile: the formats its typed columns are written in and the zone its times are in,
decided once per file from its own values before its chunks go to the workers (issue 13).

The layout's formats are the first candidates, not the only ones: when they read fewer than
:data:`KEEP_SHARE` of the sampled values, every candidate of :mod:`raybench.profile.formats` is tried and
the one that reads the most wins (one decision per column per file, never per value). The evidence (how
many sampled values each candidate read) is stored in ``files.value_formats``. Where the file carries
its own evidence of the zone (:mod:`raybench.profile.zones`), the offset comes from it.
"""

from raybench.profile.decide import FileProfile, profile_file

__all__ = ["FileProfile", "profile_file"]
