"""Form pieces shared by the apps."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. It reads and writes only YYYY-MM-DD, so the value is always
    written that way, whatever the language's date format (zh-hans would write 2026/11/23,
    which the picker shows as empty)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
