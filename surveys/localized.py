"""Texts written in every supported language, and the answer scales that carry such texts."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("pl", "en")


@dataclass(frozen=True)
class LocalizedText:
    """One user-facing text in every supported language."""

    pl: str
    en: str

    def for_locale(self, locale: str | None) -> str:
        """The text for a platform locale such as "pl", "pl-PL" or "en_GB"; English otherwise."""
        language = (locale or "").replace("_", "-").split("-")[0].lower()
        return self.pl if language == "pl" else self.en


@dataclass(frozen=True)
class Scale:
    """The whole-number range of a scored question, with the labels of both ends."""

    low: int
    high: int
    low_label: LocalizedText
    high_label: LocalizedText

    def values(self) -> range:
        return range(self.low, self.high + 1)
