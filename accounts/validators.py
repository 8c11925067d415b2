"""The password policy (等保 level 3): Django's validators for length, common passwords and
likeness to the account, plus the three here — kinds of character, campus patterns, and the
last few passwords. Every way a password is set (the site's change page, Wagtail's account page
and users admin, the password reset) runs ``AUTH_PASSWORD_VALIDATORS``; the history is recorded
through ``password_changed``, which Django calls whenever a user with a new password is saved.
"""

import re

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import services

# Words that people on a Chinese campus build passwords from, in pinyin or English. The school's
# own name and initials come from the PASSWORD_CAMPUS_WORDS setting.
COMMON_CAMPUS_WORDS = (
    "dangxiao",
    "dangyuan",
    "dangzhibu",
    "dangwei",
    "zuzhibu",
    "gongchandang",
    "gongqingtuan",
    "zhongguo",
    "woaizhongguo",
    "woaini",
    "china",
    "daxue",
    "xuexiao",
    "xuesheng",
    "laoshi",
    "jiaoshi",
    "xuehao",
    "gonghao",
    "mima",
    "password",
    "passwd",
    "admin",
    "welcome",
    "iloveyou",
    "student",
    "teacher",
    "love",
)

KEYBOARD_LINES = (
    "`1234567890-=",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "1qaz",
    "2wsx",
    "3edc",
    "4rfv",
    "5tgb",
    "6yhn",
    "7ujm",
    "8ik,",
    "9ol.",
    "0p;/",
)
YEAR = re.compile(r"19[5-9]\d|20[0-4]\d")
# At least this many characters must be left once the patterns are taken out.
MIN_UNGUESSABLE = 4
# Longer passwords are not looked into: their length is their strength, and the search for
# patterns grows with the square of the length.
MAX_ANALYSED = 64


class CharacterClassesValidator:
    """At least ``min_classes`` of the four kinds: lower-case, capitals, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        kinds = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        return sum(kinds)

    def validate(self, password, user=None):
        if self.classes(password) < self.min_classes:
            raise ValidationError(
                _(
                    "This password needs at least %(min_classes)d of these four kinds of "
                    "character: lower-case letters, capital letters, digits and symbols."
                ),
                code="password_too_few_character_classes",
                params={"min_classes": self.min_classes},
            )

    def get_help_text(self):
        return _(
            "Your password must mix at least %(min_classes)d of: lower-case letters, capital "
            "letters, digits, symbols."
        ) % {"min_classes": self.min_classes}


def _runs(text: str, lines: tuple[str, ...], length: int = 3) -> set[int]:
    """Positions of ``text`` inside a stretch of at least ``length`` characters that follow
    each other along one of ``lines`` (either way)."""
    covered: set[int] = set()
    for line in lines:
        for way in (line, line[::-1]):
            for start in range(len(text)):
                end = start
                while end < len(text) and text[start : end + 1] in way:
                    end += 1
                if end - start >= length:
                    covered.update(range(start, end))
    return covered


def _sequences(text: str, length: int = 3) -> set[int]:
    """Positions inside runs like abc, 321 or aaa."""
    covered: set[int] = set()
    for step in (1, -1, 0):
        start = 0
        for i in range(1, len(text) + 1):
            if i < len(text) and ord(text[i]) - ord(text[i - 1]) == step:
                continue
            if i - start >= length:
                covered.update(range(start, i))
            start = i
    return covered


def guessable_parts(password: str, words: list[str]) -> set[int]:
    """The positions of ``password`` that a guesser who knows the campus would try first:
    campus words, the account's own number, years, keyboard walks, sequences and repeats."""
    text = password.lower()
    covered: set[int] = set()
    for word in sorted({w.lower() for w in words if len(w) >= 3}, key=len, reverse=True):
        for match in re.finditer(re.escape(word), text):
            covered.update(range(match.start(), match.end()))
    for match in YEAR.finditer(text):
        covered.update(range(match.start(), match.end()))
    covered |= _runs(text, KEYBOARD_LINES)
    covered |= _sequences(text)
    return covered


def is_repetition(password: str) -> bool:
    """Whether the password is one short piece said again and again (jcujcujcu, Ab1!Ab1!)."""
    text = password.lower()
    return any(
        len(text) % size == 0 and text == text[:size] * (len(text) // size)
        for size in range(1, len(text) // 2 + 1)
    )


class CampusPatternValidator:
    """Refuses passwords made of what a guesser on this campus tries first: the school's name
    and initials repeated or with a year (``jcujcujcu``, ``Jcu@2026``), party and campus words,
    the account's number, keyboard walks (``1qaz@WSX``), sequences and repeats."""

    def __init__(self, words: list[str] | None = None):
        self.extra_words = words

    def words(self, user=None) -> list[str]:
        school = self.extra_words
        if school is None:
            school = list(getattr(settings, "PASSWORD_CAMPUS_WORDS", []))
        own = []
        if user is not None:
            own = [getattr(user, "username", "") or "", (getattr(user, "email", "") or "")]
            own[1] = own[1].split("@")[0]
        return [*COMMON_CAMPUS_WORDS, *school, *own]

    def validate(self, password, user=None):
        if len(password) > MAX_ANALYSED:
            return
        left = len(password) - len(guessable_parts(password, self.words(user)))
        if is_repetition(password) or left < MIN_UNGUESSABLE:
            raise ValidationError(
                _(
                    "This password is made of what is easy to guess: the school's name or "
                    "initials, party or campus words, your number, years, keys next to each "
                    "other, sequences or repeats."
                ),
                code="password_campus_pattern",
            )

    def get_help_text(self):
        return _(
            "Your password can't be made only of the school's name or initials, campus words, "
            "years, keyboard rows, sequences or repeats."
        )


class PasswordHistoryValidator:
    """Refuses the current password and the ones before it, ``remember`` in all, and records
    each new password's hash when it is saved (``password_changed``)."""

    def __init__(self, remember: int = 5):
        self.remember = remember

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        hashes = [user.password] if user.has_usable_password() else []
        hashes += services.former_password_hashes(user, count=self.remember)
        # Each check costs a hash (tens of milliseconds): only a handful, on a password change.
        if any(check_password(password, encoded) for encoded in dict.fromkeys(hashes)):
            raise ValidationError(
                ngettext(
                    "You have used this password recently. Choose one that is not your "
                    "current password.",
                    "You have used this password recently. Choose one that is not among your "
                    "last %(count)d passwords.",
                    self.remember,
                ),
                code="password_reused",
                params={"count": self.remember},
            )

    def password_changed(self, password, user=None):
        if user is not None and user.pk is not None:
            services.record_password_change(user, keep=self.remember)

    def get_help_text(self):
        return ngettext(
            "Your password can't be your current password.",
            "Your password can't be any of your last %(count)d passwords.",
            self.remember,
        ) % {"count": self.remember}
