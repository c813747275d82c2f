"""Who calls whom in a synthetic production: fictional numbers, handset ids, cells, names.

Every phone number is in the fictional 555-0100..555-0199 range under real US area codes, so no real
subscriber is ever named (``+1 NPA 555 01xx``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

AREA_CODES = ("212", "213", "305", "312", "404", "415", "503", "512", "617", "702", "718", "917")
"""Area codes used with the fictional 555-01xx lines."""


@dataclass(frozen=True)
class Population:
    """The numbers and devices of one production.

    Attributes:
        national: 10-digit national numbers (NPA + 555 + 01xx), the target's first.
        imsi, imei: the target's handset identifiers (15 digits each).
        names: caller-ID names for PBX extensions.
    """

    national: np.ndarray
    imsi: str
    imei: str
    names: tuple[str, ...]

    @property
    def target(self) -> str:
        """The target subscriber's 10-digit number."""
        return str(self.national[0])

    def partners(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` other parties (never the target), as 10-digit strings."""
        return self.national[rng.integers(1, len(self.national), n)]


def make_population(seed: int) -> Population:
    """The population of the production with this seed (deterministic)."""
    from faker import Faker  # local: heavy: only the generator's names

    rng = np.random.default_rng([seed, 7])
    numbers = np.array([f"{npa}5550{line:03d}" for npa in AREA_CODES for line in range(100, 200)], dtype=object)
    rng.shuffle(numbers)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    names = tuple(fake.name().replace('"', "") for _ in range(50))
    imsi = "310260" + "".join(str(d) for d in rng.integers(0, 10, 9))
    imei = "35" + "".join(str(d) for d in rng.integers(0, 10, 13))
    return Population(numbers, imsi, imei, names)


def e164(national: np.ndarray) -> np.ndarray:
    """``'2125550123'`` -> ``'+12125550123'`` for every element."""
    return np.char.add("+1", national.astype(str)).astype(object)
