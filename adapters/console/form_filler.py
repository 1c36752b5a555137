"""Filling a form in a terminal, one field at a time: a pure state machine."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.messages import Form, FormField


@dataclass
class FormFiller:
    form: Form
    values: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    index: int = 0

    @property
    def done(self) -> bool:
        return self.index >= len(self.form.fields)

    @property
    def current(self) -> FormField:
        return self.form.fields[self.index]

    def prompt(self) -> str:
        current = self.current
        lines = [f"{current.label}{' *' if current.required else ''}"]
        lines += [f"  {number}) {option.label}" for number, option in enumerate(current.options, start=1)]
        if current.kind == "multiselect":
            lines.append("  (numbers separated by commas; empty to skip)")
        elif not current.required:
            lines.append("  (empty to skip)")
        return "\n".join(lines)

    def answer(self, line: str) -> str | None:
        """Take one answer; return a complaint to show, or None when accepted."""
        current = self.current
        if not line.strip():
            if current.required:
                return "This answer is required."
            self.values[current.name] = () if current.kind == "multiselect" else ""
            self.index += 1
            return None
        try:
            self.values[current.name] = self._parse(current, line)
        except ValueError as problem:
            return str(problem)
        self.index += 1
        return None

    @staticmethod
    def _parse(current: FormField, line: str) -> str | tuple[str, ...]:
        if current.kind == "select":
            return _option_value(current, line.strip())
        if current.kind == "multiselect":
            return tuple(_option_value(current, part.strip()) for part in line.split(",") if part.strip())
        if current.max_length and len(line) > current.max_length:
            raise ValueError(f"At most {current.max_length} characters; this has {len(line)}.")
        return line


def _option_value(current: FormField, text: str) -> str:
    if text.isdigit() and 1 <= int(text) <= len(current.options):
        return current.options[int(text) - 1].value
    raise ValueError(f"Choose a number from 1 to {len(current.options)}.")
