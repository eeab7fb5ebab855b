"""One spelling per place, so ``--city 重庆`` and ``重庆市`` find the same documents."""

from __future__ import annotations

import re

_SUFFIX = re.compile(r"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|省|市|地区|盟)$")


def place_key(name: str | None) -> str:
    """``重庆市`` → ``重庆``; ``四川省`` → ``四川``; spaces dropped; '' for no place."""
    if not name:
        return ""
    name = re.sub(r"\s+", "", name)
    stripped = _SUFFIX.sub("", name)
    return stripped or name
