"""Bearer tokens with scopes, and the per-token submission rate.

The tokens file (YAML) holds each token's SHA-256, never the token::

    tokens:
      - name: alice            # shown in the job table and the logs instead of the token
        sha256: 9f86d08...      # hashlib.sha256(token.encode()).hexdigest()
        scopes: [submit, read]  # submit, read, admin
        rate_per_min: 60        # optional: this token's submissions a minute (default: --rate)
        burst: 10               # optional: submissions at once (default: --burst)

``raybench token add NAME --scopes submit,read --file tokens.yaml`` makes a token, prints it once and
adds its hash. A request's ``Authorization: Bearer TOKEN`` is hashed and looked up; the token itself is
never stored, logged or written into results. ``admin`` holds every scope.

The rate limit is a token bucket per token name in the HTTP replica's memory: with N replicas each
allows the rate, so the service allows N times it (one replica by default).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from dataclasses import dataclass

import yaml

from raybench.errors import ConfigError

SCOPES = ("submit", "read", "admin")


@dataclass(frozen=True)
class Principal:
    """Who made a request: the token's ``name`` and ``scopes``, and its own submission rate
    (``rate_per_min``, ``burst``) when its entry sets one (None: the service's)."""

    name: str
    scopes: frozenset[str]
    rate_per_min: float | None = None
    burst: int | None = None

    def allows(self, scope: str) -> bool:
        """Whether this principal holds ``scope`` (``admin`` holds every scope)."""
        return scope in self.scopes or "admin" in self.scopes


ANONYMOUS = Principal("anonymous", frozenset(SCOPES))
"""The principal of every request when the service runs without a tokens file (loopback only)."""


def token_hash(token: str) -> str:
    """The SHA-256 (hex) a tokens file keeps for ``token``."""
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens:
    """The tokens of one tokens file.

    Args:
        path: the YAML file (see the module docstring); None: authentication off (:data:`ANONYMOUS`).

    Raises:
        ConfigError: the file cannot be read, or an entry lacks a name, a 64-hex ``sha256`` or has a scope
            outside :data:`SCOPES` (naming the entry and the key).
    """

    def __init__(self, path: str | None):
        self.enabled = path is not None
        self._by_hash: dict[str, Principal] = {}
        if path is None:
            return

        try:
            with open(path) as f:
                doc = yaml.safe_load(f) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"--tokens {path}: cannot read it: {str(exc).splitlines()[0]}") from None
        for i, entry in enumerate(doc.get("tokens") or []):
            where = f"--tokens {path}: entry {i + 1}"
            if not isinstance(entry, dict) or not entry.get("name"):
                raise ConfigError(f"{where}: needs a name")
            digest = str(entry.get("sha256", "")).lower()
            if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
                raise ConfigError(f"{where} ({entry['name']}): sha256 must be 64 hex digits")
            scopes = entry.get("scopes") or []
            bad = [s for s in scopes if s not in SCOPES]
            if bad:
                raise ConfigError(f"{where} ({entry['name']}): scope {bad[0]!r} is not one of {', '.join(SCOPES)}")
            try:
                rate = float(entry["rate_per_min"]) if entry.get("rate_per_min") is not None else None
                burst = int(entry["burst"]) if entry.get("burst") is not None else None
            except (TypeError, ValueError):
                raise ConfigError(f"{where} ({entry['name']}): rate_per_min and burst must be numbers") from None
            if (rate is not None and rate <= 0) or (burst is not None and burst < 1):
                raise ConfigError(f"{where} ({entry['name']}): rate_per_min must be above 0 and burst at least 1")
            self._by_hash[digest] = Principal(str(entry["name"]), frozenset(scopes), rate, burst)

    def principal(self, authorization: str | None) -> Principal | None:
        """The principal of an ``Authorization`` header value, or None (no token, or an unknown one)."""
        if not self.enabled:
            return ANONYMOUS
        if not authorization or not authorization.lower().startswith("bearer "):
            return None
        digest = token_hash(authorization[7:].strip())
        for known, who in self._by_hash.items():  # constant time per entry: no timing hint of a prefix
            if hmac.compare_digest(known, digest):
                return who
        return None


def add_token(path: str, name: str, scopes: list[str]) -> str:
    """Make a new token for ``name`` with ``scopes``, add its hash to the tokens file ``path`` (created
    when missing) and return the token (shown once: the file keeps only its hash).

    Raises:
        ConfigError: a scope outside :data:`SCOPES`, or ``name`` already in the file.
    """
    bad = [s for s in scopes if s not in SCOPES]
    if bad or not scopes:
        raise ConfigError(f"--scopes: {bad[0] if bad else '(none)'} is not one of {', '.join(SCOPES)}")
    doc = {"tokens": []}
    if os.path.exists(path):
        with open(path) as f:
            doc = yaml.safe_load(f) or {"tokens": []}
    if any(e.get("name") == name for e in doc.get("tokens") or []):
        raise ConfigError(f"--file {path}: a token named {name!r} is there already")
    token = secrets.token_urlsafe(32)
    doc.setdefault("tokens", []).append({"name": name, "sha256": token_hash(token), "scopes": list(scopes)})
    with open(path, "w") as f:
        yaml.safe_dump(doc, f, sort_keys=False)
    os.chmod(path, 0o600)
    return token


class RateLimiter:
    """A token bucket per key: ``burst`` at once, refilled at ``rate_per_min`` a minute.

    :meth:`take` returns 0 when the call is allowed, else the seconds until it would be.
    """

    def __init__(self, rate_per_min: float, burst: int):
        self.rate_per_s = rate_per_min / 60.0
        self.burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, rate_per_min: float | None = None, burst: int | None = None) -> float:
        """Take one call for ``key`` (at its own ``rate_per_min`` and ``burst`` when given)."""
        rate_s = rate_per_min / 60.0 if rate_per_min else self.rate_per_s
        cap = float(burst) if burst else self.burst
        now = time.monotonic()
        with self._lock:
            level, t = self._buckets.get(key, (cap, now))
            level = min(cap, level + (now - t) * rate_s)
            if level >= 1.0:
                self._buckets[key] = (level - 1.0, now)
                return 0.0
            self._buckets[key] = (level, now)
            return (1.0 - level) / rate_s
