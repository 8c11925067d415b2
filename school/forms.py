"""Form pieces shared by the apps."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. It reads and writes only YYYY-MM-DD, so the value is always
    written that way, whatever the language's date format (zh-hans would write 2026/11/23,
    which the picker shows as empty)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


#: What people put between student or staff numbers when they paste a list.
NUMBER_SEPARATORS = ",，、;；\t "


def split_numbers(text: str) -> list[str]:
    """The numbers in a pasted list, in order, each once: one per line, or separated by commas,
    、, semicolons, tabs or spaces."""
    for separator in NUMBER_SEPARATORS:
        text = text.replace(separator, "\n")
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))
