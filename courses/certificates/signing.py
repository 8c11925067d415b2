"""The trust part of completion certificates (a pure module apart from reading the signing key).

Serials look like ``2026-DX-7K3M9M``: the year of issue, a prefix (``CERTIFICATE_SERIAL_PREFIX``,
"DX" for 党校) and six characters of Crockford's base32 alphabet, five random and one check
character. The check character treats the serial without its dashes as a polynomial over
GF(32) = GF(2)[x] / (x^5 + x^2 + 1), each character being its index in the alphabet, and makes
it vanish at x. Because x has order 31 in that field, a serial of at most 31 characters has
every single-character substitution and every transposition of two different characters, adjacent
or not, detected; two unrelated substitutions slip through one time in 32.

A certificate is signed with Ed25519 over ``canonical_payload(fields)``: compact JSON with sorted
keys, non-ASCII characters kept as they are, UTF-8. Anyone holding the printed fields, the
signature and the site's public key (``public_key_pem()``) can rebuild the bytes and check the
signature offline, e.g. with Python::

    json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

where decimals are written as strings exactly as printed ("32.50") and dates as ISO 8601.
"""

import base64
import functools
import hashlib
import json
import logging
import os
import re
import secrets
import tempfile
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, rsa, x448, x25519
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

# --- Serials -----------------------------------------------------------------------------------

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O, U
DEFAULT_SERIAL_PREFIX = "DX"
RANDOM_LENGTH = 5
# Keeps a serial within the 31 characters for which every transposition is detected.
MAX_PREFIX_LENGTH = 8

_VALUE = {character: value for value, character in enumerate(ALPHABET)}
_CODE = f"[{ALPHABET}]"
_SERIAL = re.compile(rf"([0-9]{{4}})-({_CODE}{{1,{MAX_PREFIX_LENGTH}}})-({_CODE}{{6}})")
_COMPACT_SERIAL = re.compile(r"([0-9]{4})([0-9A-Z]+)([0-9A-Z]{6})")
# Whitespace, hyphens and dashes a person may type between the groups; a Chinese input method
# gives "——" for Shift+"-". Full-width forms are already half-width after NFKC.
_SEPARATORS = re.compile("[\\s_\\-\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63]+")
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _times_x(value: int) -> int:
    """``value`` times x in GF(32), the field being GF(2)[x] modulo x^5 + x^2 + 1."""
    value <<= 1
    if value & 0b100000:
        value ^= 0b100101
    return value


def _residue(characters: str) -> int:
    """The characters read as a polynomial over GF(32) (most significant first), evaluated at x."""
    state = 0
    for character in characters:
        state = _times_x(state) ^ _VALUE[character]
    return state


def _check_character(body: str) -> str:
    """The character that makes ``body`` followed by it evaluate to zero."""
    # In characteristic 2, x * state + check = 0 means check = x * state.
    return ALPHABET[_times_x(_residue(body))]


def _validated_prefix(prefix: str) -> str:
    if not (1 <= len(prefix) <= MAX_PREFIX_LENGTH and all(c in _VALUE for c in prefix)):
        raise ValueError(
            f"A serial prefix is 1 to {MAX_PREFIX_LENGTH} characters of {ALPHABET} "
            f"(upper case, no I, L, O or U); got {prefix!r}."
        )
    return prefix


def _configured_prefix() -> str:
    prefix = getattr(settings, "CERTIFICATE_SERIAL_PREFIX", DEFAULT_SERIAL_PREFIX)
    try:
        return _validated_prefix(prefix)
    except ValueError as error:
        raise ImproperlyConfigured(f"CERTIFICATE_SERIAL_PREFIX: {error}") from None


def new_serial(year: int, *, prefix: str | None = None) -> str:
    """A fresh serial such as ``2026-DX-7K3M9M``, five characters from ``secrets`` and a check.

    Uniqueness is the database's job (a unique constraint, retried on collision): 32^5 is about
    33 million serials a year and prefix.
    """
    if not 1000 <= year <= 9999:
        raise ValueError(f"The year of a serial has four digits; got {year}.")
    prefix = _configured_prefix() if prefix is None else _validated_prefix(prefix)
    code = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return f"{year}-{prefix}-{code}{_check_character(f'{year}{prefix}{code}')}"


def normalize_serial(text: str) -> str:
    """A serial as typed, in its canonical form; text that is no serial comes back tidied only.

    Full-width characters become half-width (NFKC), letters upper case, O reads as 0 and I and L
    as 1 (as Crockford's base32 intends), and any run of spaces, underscores, hyphens or dashes
    is a separator. When the characters have the shape of a serial (four digits, a prefix, six
    characters), they are regrouped, so separators that are missing or misplaced do not matter:
    the check character covers the characters, not the dashes.
    """
    text = unicodedata.normalize("NFKC", text).upper().translate(_LOOKALIKES)
    text = _SEPARATORS.sub("-", text).strip("-")
    compact = _COMPACT_SERIAL.fullmatch(text.replace("-", ""))
    if compact is not None:
        return "-".join(compact.groups())
    return text


def is_well_formed_serial(text: str) -> bool:
    """Whether ``text`` (once normalized) has a serial's shape and a matching check character.

    Any valid prefix is accepted, not only the configured one: certificates outlive a change of
    the setting. A well-formed serial still has to be looked up.
    """
    if not isinstance(text, str):
        return False
    match = _SERIAL.fullmatch(normalize_serial(text))
    return match is not None and _residue("".join(match.groups())) == 0


# --- Canonical payload -------------------------------------------------------------------------


def _plain(value: object, where: str) -> object:
    """``value`` as JSON-ready plain data, or TypeError/ValueError naming the offending field."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{where}: {value} cannot be printed on a certificate.")
        # As given, so "32.50" stays "32.50": quantize before signing, the way it is printed.
        return str(value)
    if isinstance(value, datetime):
        # A time without its offset means different instants to different readers.
        if value.utcoffset() is None:
            raise ValueError(f"{where}: a datetime in a signed payload must be timezone-aware.")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TypeError(f"{where}: keys must be strings.")
        return {key: _plain(item, f"{where}.{key}") for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item, f"{where}[{index}]") for index, item in enumerate(value)]
    # Floats are refused: their text differs between languages, so a verifier could not
    # rebuild the bytes. Use Decimal.
    raise TypeError(
        f"{where}: {type(value).__name__} is not allowed in a signed payload "
        "(use str, int, bool, None, Decimal, date, an aware datetime, lists and dicts)."
    )


def canonical_payload(fields: dict) -> bytes:
    """The bytes that get signed: ``fields`` as compact JSON with sorted keys, in UTF-8.

    Strings are taken exactly as they are (no Unicode normalization), so what is signed is what
    is stored and printed. Raises TypeError or ValueError for a value a verifier could not rebuild.
    """
    plain = _plain(fields, "fields")
    if not isinstance(plain, dict):
        raise TypeError("A signed payload is a dict of fields.")
    text = json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


# --- Keys --------------------------------------------------------------------------------------

DEVELOPMENT_KEY_PATH = Path("var") / "keys" / "certificate-signing.pem"

GENERATE_KEY_WITH_PYTHON = (
    'python -c "'
    "from cryptography.hazmat.primitives import serialization as s; "
    "from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey as K; "
    "print(K.generate().private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, "
    "s.NoEncryption()).decode(), end='')"
    '" > certificate-signing.pem'
)
GENERATE_KEY_WITH_OPENSSL = "openssl genpkey -algorithm ed25519 -out certificate-signing.pem"

_HOW_TO_MAKE_A_KEY = f"""Make one with either of
    {GENERATE_KEY_WITH_OPENSSL}
    {GENERATE_KEY_WITH_PYTHON}
then `chmod 600 certificate-signing.pem`, keep a backup, and set CERTIFICATE_SIGNING_KEY to the \
file's path or to its PEM text. A certificate verifies only against the public key of the key \
that signed it, so keep using the same key."""

_OTHER_KEY_KINDS = [
    (rsa.RSAPrivateKey, "an RSA"),
    (ec.EllipticCurvePrivateKey, "an elliptic-curve (EC)"),
    (dsa.DSAPrivateKey, "a DSA"),
    (ed448.Ed448PrivateKey, "an Ed448"),
    (x25519.X25519PrivateKey, "an X25519"),
    (x448.X448PrivateKey, "an X448"),
]


def _parse_private_key(pem: bytes, *, source: str) -> Ed25519PrivateKey:
    """The Ed25519 private key in ``pem``; ImproperlyConfigured that names ``source`` otherwise.

    The messages never quote the key material.
    """
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except TypeError:
        raise ImproperlyConfigured(
            f"The certificate signing key in {source} is encrypted with a password. Use an "
            "unencrypted key and protect its file with permissions instead (chmod 600)."
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        if b"PUBLIC KEY-----" in pem:
            problem = "is a public key; signing needs the private key"
        else:
            problem = "is not a PEM private key"
        raise ImproperlyConfigured(
            f"The certificate signing key in {source} {problem}.\n{_HOW_TO_MAKE_A_KEY}"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        kind = next((name for cls, name in _OTHER_KEY_KINDS if isinstance(key, cls)), "another")
        raise ImproperlyConfigured(
            f"The certificate signing key in {source} is {kind} key; certificates are signed "
            f"with Ed25519.\n{_HOW_TO_MAKE_A_KEY}"
        )
    return key


def _key_from_setting(value: str | os.PathLike[str]) -> Ed25519PrivateKey:
    if isinstance(value, str) and "-----BEGIN" in value:
        # An environment file often holds the PEM on one line with literal "\n" escapes.
        if "\n" not in value:
            value = value.replace("\\n", "\n")
        return _parse_private_key(value.encode(), source="CERTIFICATE_SIGNING_KEY (PEM text)")
    path = Path(value).expanduser()
    try:
        pem = path.read_bytes()
    except OSError as error:
        raise ImproperlyConfigured(
            f"CERTIFICATE_SIGNING_KEY names the file {path}, which cannot be read "
            f"({error.strerror}). Set it to the path of an Ed25519 private key in PEM, or to "
            f"the PEM text itself.\n{_HOW_TO_MAKE_A_KEY}"
        ) from None
    return _parse_private_key(pem, source=str(path))


def _create_key_file(path: Path) -> None:
    """Write a new private key to ``path`` (mode 0600) unless another process got there first."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Written in full to a private temporary file (mkstemp makes it 0600) and then hard-linked
    # into place, which fails if the key exists: when runserver and a worker start together,
    # one key wins and nobody reads a half-written file.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return
    finally:
        os.unlink(temporary)
    logger.warning(
        "Created a development certificate signing key at %s. Certificates signed with it "
        "verify only on this machine; set CERTIFICATE_SIGNING_KEY in production.",
        path,
    )


def _development_key() -> Ed25519PrivateKey:
    base_dir = getattr(settings, "BASE_DIR", None)
    if base_dir is None:
        raise ImproperlyConfigured("BASE_DIR is needed to keep a development signing key.")
    path = Path(base_dir) / DEVELOPMENT_KEY_PATH
    if not path.exists():
        _create_key_file(path)
    return _parse_private_key(path.read_bytes(), source=str(path))


@functools.cache
def load_private_key() -> Ed25519PrivateKey:
    """The site's signing key, read once per process (``reset_keys()`` forgets it).

    ``CERTIFICATE_SIGNING_KEY`` is the PEM text of an Ed25519 private key (PKCS8) or the path of
    a file holding one. When it is empty, DEBUG uses a development key under
    BASE_DIR/var/keys/, created on first use; without DEBUG that is ImproperlyConfigured, as is
    any key that cannot be read or is not Ed25519.
    """
    value = getattr(settings, "CERTIFICATE_SIGNING_KEY", "")
    if isinstance(value, str):
        value = value.strip()
    if value:
        return _key_from_setting(value)
    if getattr(settings, "DEBUG", False):
        return _development_key()
    raise ImproperlyConfigured(
        "CERTIFICATE_SIGNING_KEY is not set, so certificates cannot be signed (a development "
        f"key is only made up when DEBUG is on).\n{_HOW_TO_MAKE_A_KEY}"
    )


def reset_keys() -> None:
    """Forget the loaded key, so the next use reads the settings again (for tests)."""
    load_private_key.cache_clear()


def _site_public_key() -> Ed25519PublicKey:
    return load_private_key().public_key()


def _public_key_from_pem(pem: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except UnsupportedAlgorithm as error:
        raise ValueError(f"Unsupported public key: {error}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("Certificates are verified with an Ed25519 public key.")
    return key


def public_key_pem() -> str:
    """The site's public key as PEM (SubjectPublicKeyInfo), for publishing next to certificates."""
    return (
        _site_public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def public_key_fingerprint() -> str:
    """SHA-256 of the raw 32-byte public key in hex, in groups of four: ``"3f2a 91c0 …"``."""
    raw = _site_public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    digest = hashlib.sha256(raw).hexdigest()
    return " ".join(digest[start : start + 4] for start in range(0, len(digest), 4))


# --- Signatures --------------------------------------------------------------------------------


def sign(payload: bytes) -> str:
    """The Ed25519 signature of ``payload`` with the site's key, in standard base64."""
    return base64.b64encode(load_private_key().sign(payload)).decode("ascii")


def verify(payload: bytes, signature: str, public_key_pem: str | None = None) -> bool:
    """Whether ``signature`` (base64) signs ``payload``; False for any bad or malformed signature.

    Whitespace inside the signature is ignored, since a printed one may be copied across lines.
    ``public_key_pem`` defaults to the site's key; a key that is not a valid Ed25519 public key
    PEM is the caller's mistake and raises ValueError.
    """
    key = _site_public_key() if public_key_pem is None else _public_key_from_pem(public_key_pem)
    if not isinstance(signature, str):
        return False
    try:
        raw = base64.b64decode("".join(signature.split()), validate=True)
    except ValueError:  # binascii.Error, and non-ASCII text
        return False
    try:
        key.verify(raw, payload)
    except InvalidSignature:
        return False
    return True


# --- Privacy -----------------------------------------------------------------------------------

MASK = "*"
# Kept in place and not counted as characters of a name: "阿依古丽·买买提", "Jean-Luc".
_NAME_PUNCTUATION = frozenset(" ·•・‧.-'’")
_CJK_NAMES = (
    "CJK UNIFIED IDEOGRAPH",
    "CJK COMPATIBILITY IDEOGRAPH",
    "HIRAGANA",
    "KATAKANA",
    "HANGUL SYLLABLE",
)


def _is_cjk(character: str) -> bool:
    return unicodedata.name(character, "").startswith(_CJK_NAMES)


def mask_name(name: str) -> str:
    """The holder's name for the public verification page, partly hidden, one ``*`` a character.

    A name with any Chinese (CJK) character: the characters other than punctuation such as "·"
    are counted; one is hidden entirely (张 → *), two keep the first (张明 → 张*), three or more
    keep the first and last (张小明 → 张*明, 欧阳明月 → 欧**月, 阿依古丽·买买提 → 阿***·**提).
    Other names: every run of letters keeps its first letter (Zhang Xiaoming → Z**** X*******,
    Jean-Luc → J***-L**, J. R. Tolkien → J. R. T******). Punctuation and single spaces stay,
    so the length stays recognisable.
    """
    name = " ".join(unicodedata.normalize("NFC", name).split())
    if any(_is_cjk(character) for character in name):
        counted = [i for i, character in enumerate(name) if character not in _NAME_PUNCTUATION]
        # One character would be the whole name, and the last of two would complete it.
        if len(counted) >= 3:
            shown = {counted[0], counted[-1]}
        elif len(counted) == 2:
            shown = {counted[0]}
        else:
            shown = set()
        hidden = set(counted) - shown
        return "".join(MASK if i in hidden else character for i, character in enumerate(name))
    masked = []
    for i, character in enumerate(name):
        starts_a_word = i == 0 or not name[i - 1].isalnum()
        masked.append(character if starts_a_word or not character.isalnum() else MASK)
    return "".join(masked)
