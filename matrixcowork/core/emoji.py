"""Reaction keys compared as people mean them; in a module of its own so that reading the
config (and so the container's health check) does not import nio through `tracked`."""

from __future__ import annotations

_VARIATION_SELECTORS = dict.fromkeys(map(ord, "\ufe0e\ufe0f"))


def normalize_key(key: str) -> str:
    """Clients differ on the emoji variation selectors ("👍" vs "👍\\uFE0F"): compare without."""
    return key.translate(_VARIATION_SELECTORS).strip()
