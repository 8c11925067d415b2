import base64
import hashlib
import itertools
import random
import shlex
import shutil
import stat
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from unittest import mock

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured

from courses.certificates import signing
from courses.certificates.signing import (
    ALPHABET,
    canonical_payload,
    is_well_formed_serial,
    load_private_key,
    mask_name,
    new_serial,
    normalize_serial,
    public_key_fingerprint,
    public_key_pem,
    reset_keys,
    sign,
    verify,
)


def private_pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def raw_public(key) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def other_public_pem() -> str:
    return (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@pytest.fixture(autouse=True)
def site_key(settings, tmp_path):
    """A fresh site key per test, and a BASE_DIR where a development key would do no harm."""
    key = Ed25519PrivateKey.generate()
    settings.CERTIFICATE_SIGNING_KEY = private_pem(key)
    settings.BASE_DIR = tmp_path
    reset_keys()
    yield key
    reset_keys()


@pytest.fixture
def no_configured_key(settings):
    settings.CERTIFICATE_SIGNING_KEY = ""
    reset_keys()


@pytest.fixture
def sample_serials():
    rng = random.Random(20260701)
    return [
        f"{year}-{prefix}-" + "".join(rng.choice(ALPHABET) for _ in range(5))
        for year, prefix in itertools.product((2024, 2026, 2031), ("DX", "X", "DXDW2"))
        for _ in range(15)
    ]


def with_check(serial_without_check: str) -> str:
    """A serial made by new_serial from the given random part (its check character computed)."""
    year, prefix, code = serial_without_check.split("-")
    with mock.patch.object(signing.secrets, "choice", side_effect=list(code)):
        return new_serial(int(year), prefix=prefix)


# --- Serials -----------------------------------------------------------------------------------


def test_new_serial_has_year_default_prefix_and_six_code_characters():
    serial = new_serial(2026)

    year, prefix, code = serial.split("-")
    assert (year, prefix) == ("2026", "DX")
    assert len(code) == 6
    assert set(code) <= set(ALPHABET)
    assert is_well_formed_serial(serial)


def test_new_serial_prefix_comes_from_settings_or_argument(settings):
    settings.CERTIFICATE_SERIAL_PREFIX = "DW"

    assert new_serial(2026).startswith("2026-DW-")
    assert new_serial(2026, prefix="RD").startswith("2026-RD-")


@pytest.mark.parametrize("prefix", ["", "dx", "DO", "SDU", "D-X", "ABCDEFGHJ"])
def test_new_serial_refuses_a_prefix_outside_the_alphabet(prefix):
    with pytest.raises(ValueError, match="prefix"):
        new_serial(2026, prefix=prefix)


def test_a_bad_configured_prefix_is_improperly_configured(settings):
    settings.CERTIFICATE_SERIAL_PREFIX = "党校"

    with pytest.raises(ImproperlyConfigured, match="CERTIFICATE_SERIAL_PREFIX"):
        new_serial(2026)


@pytest.mark.parametrize("year", [999, 10000, -2026])
def test_new_serial_needs_a_four_digit_year(year):
    with pytest.raises(ValueError, match="four digits"):
        new_serial(year)


def test_random_part_is_drawn_with_secrets(monkeypatch):
    drawn = iter("7K3M9")
    alphabets = []

    def choice(alphabet):
        alphabets.append(alphabet)
        return next(drawn)

    monkeypatch.setattr(signing.secrets, "choice", choice)

    serial = new_serial(2026)

    assert serial[:-1] == "2026-DX-7K3M9"
    assert alphabets == [ALPHABET] * 5
    assert is_well_formed_serial(serial)


def test_check_character_depends_on_year_and_prefix():
    assert with_check("2026-DX-7K3M9") == "2026-DX-7K3M9M"
    assert with_check("2027-DX-7K3M9") != "2027-DX-7K3M9M"
    assert with_check("2026-DW-7K3M9") != "2026-DW-7K3M9M"


def test_every_single_character_substitution_is_detected(sample_serials):
    for serial in map(with_check, sample_serials):
        for position, original in enumerate(serial):
            if original == "-":
                continue
            for typo in ALPHABET:
                if typo != original:
                    mistyped = serial[:position] + typo + serial[position + 1 :]
                    assert not is_well_formed_serial(mistyped), (serial, mistyped)


def test_every_transposition_of_two_different_characters_is_detected(sample_serials):
    # The check vanishes at x, whose order in GF(32) is 31: swapping two characters at distance
    # d changes the residue by (a + b) * x^k * (x^d + 1), never zero for d < 31. So not only
    # adjacent swaps but every swap in a serial is caught; 2000+ swaps are measured here.
    swaps = 0
    for serial in map(with_check, sample_serials):
        characters = [i for i, c in enumerate(serial) if c != "-"]
        for i, j in itertools.combinations(characters, 2):
            if serial[i] == serial[j]:
                continue
            swapped = list(serial)
            swapped[i], swapped[j] = swapped[j], swapped[i]
            assert not is_well_formed_serial("".join(swapped)), (serial, i, j)
            swaps += 1
    assert swaps > 2000


def test_adjacent_transpositions_in_the_code_are_all_detected(sample_serials):
    detected = total = 0
    for serial in map(with_check, sample_serials):
        head, code = serial[:-6], serial[-6:]
        for i in range(5):
            if code[i] != code[i + 1]:
                swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
                total += 1
                detected += not is_well_formed_serial(head + swapped)
    assert total > 500
    assert detected == total


def test_two_substitutions_cancel_one_time_in_32():
    # What the scheme does not promise: for each first typo exactly one second typo cancels it.
    serial = with_check("2026-DX-7K3M9")
    undetected = 0
    for a, b in itertools.product(ALPHABET, repeat=2):
        candidate = serial[:-3] + a + b + serial[-1]
        if candidate != serial and is_well_formed_serial(candidate):
            undetected += 1
    assert undetected == 31


@pytest.mark.parametrize(
    "typed",
    [
        "2026-DX-7K3M9M",
        "  2026-dx-7k3m9m \n",
        "２０２６－ＤＸ－７Ｋ３Ｍ９Ｍ",
        "2026—DX—7K3M9M",
        "2026——DX——7K3M9M",
        "2026–DX–7K3M9M",
        "2026 DX 7K3M9M",
        "2026_DX_7K3M9M",
        "2026\u3000DX\u30007K3M9M",
        "2026DX7K3M9M",
        "2026-DX-7K3-M9M",
        "2O26-DX-7K3M9M",
    ],
)
def test_typed_variants_normalize_to_the_serial(typed):
    assert normalize_serial(typed) == "2026-DX-7K3M9M"
    assert is_well_formed_serial(typed)


def test_o_i_and_l_read_as_digits():
    assert normalize_serial("2026-dx-oil0i1") == "2026-DX-011011"
    serial = with_check("2026-DX-10K3M")
    assert is_well_formed_serial(serial.replace("1", "l").replace("0", "O"))
    assert is_well_formed_serial(serial.replace("1", "I").lower())


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026-DX-7K3M9",
        "2026-DX-7K3M9MP",
        "26-DX-7K3M9M",
        "2026--7K3M9M",
        "2026-DXDXDXDXD-7K3M9M",
        "2026-DX-7K3M9U",
        "2026-党校-7K3M9M",
        "证书编号",
        None,
        20267,
    ],
)
def test_malformed_serials_are_rejected(text):
    assert not is_well_formed_serial(text)


def test_text_that_is_no_serial_is_only_tidied():
    assert normalize_serial(" hello  world ") == "HE110-W0R1D"


# --- Canonical payload -------------------------------------------------------------------------


def realistic_fields():
    return {
        "serial": "2026-DX-7K3M9M",
        "holder": "欧阳明月",
        "student_number": "2023011234",
        "course": "入党积极分子培训班",
        "cohort": "2026年春季学期第1期",
        "hours": Decimal("32.50"),
        "score": 92,
        "issued_on": date(2026, 6, 30),
        "issuer": "中共某某大学委员会党校",
    }


def test_canonical_payload_is_compact_sorted_utf8():
    payload = canonical_payload(
        {"name": "张小明", "hours": Decimal("32.50"), "issued_on": date(2026, 6, 30), "score": 92}
    )

    assert payload == (
        '{"hours":"32.50","issued_on":"2026-06-30","name":"张小明","score":92}'.encode()
    )


def test_canonical_payload_does_not_depend_on_dict_order():
    fields = realistic_fields()
    reordered = dict(reversed(list(fields.items())))

    assert list(reordered) != list(fields)
    assert canonical_payload(reordered) == canonical_payload(fields)


def test_canonical_payload_nested_values_and_aware_datetimes():
    beijing = timezone(timedelta(hours=8))
    payload = canonical_payload(
        {
            "courses": ("党史", "党章"),
            "signed_at": datetime(2026, 6, 30, 9, 30, tzinfo=beijing),
            "extra": {"b": None, "a": True},
        }
    )

    assert payload == (
        '{"courses":["党史","党章"],"extra":{"a":true,"b":null},'
        '"signed_at":"2026-06-30T09:30:00+08:00"}'.encode()
    )


def test_canonical_payload_can_be_rebuilt_with_plain_json():
    fields = realistic_fields()
    printed = {**fields, "hours": "32.50", "issued_on": "2026-06-30"}

    assert canonical_payload(fields) == signing.json.dumps(
        printed, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"score": 92.5}, TypeError),
        ({"when": datetime(2026, 6, 30, 9, 30)}, ValueError),
        ({"hours": Decimal("NaN")}, ValueError),
        ({1: "one"}, TypeError),
        ({"nested": {"x": object()}}, TypeError),
    ],
)
def test_canonical_payload_refuses_values_a_verifier_could_not_rebuild(fields, error):
    with pytest.raises(error):
        canonical_payload(fields)


def test_canonical_payload_accepts_utc_datetimes():
    assert canonical_payload({"at": datetime(2026, 1, 1, tzinfo=UTC)}) == (
        b'{"at":"2026-01-01T00:00:00+00:00"}'
    )


# --- Signatures --------------------------------------------------------------------------------


def test_sign_and_verify_round_trip(site_key):
    payload = canonical_payload(realistic_fields())

    signature = sign(payload)

    assert len(base64.b64decode(signature, validate=True)) == 64
    assert verify(payload, signature)
    assert verify(payload, signature, public_key_pem())
    site_key.public_key().verify(base64.b64decode(signature), payload)


def test_verification_fails_when_any_byte_of_the_payload_changes():
    payload = canonical_payload(realistic_fields())
    signature = sign(payload)

    for position in range(len(payload)):
        tampered = bytearray(payload)
        tampered[position] ^= 0x01
        assert not verify(bytes(tampered), signature), position


def test_verification_fails_for_an_added_or_removed_byte():
    payload = canonical_payload(realistic_fields())
    signature = sign(payload)

    assert not verify(payload + b" ", signature)
    assert not verify(payload[:-1], signature)


def test_verification_fails_when_the_signature_is_altered():
    payload = canonical_payload(realistic_fields())
    raw = base64.b64decode(sign(payload))

    for position in range(len(raw)):
        altered = bytearray(raw)
        altered[position] ^= 0x80
        assert not verify(payload, base64.b64encode(bytes(altered)).decode()), position


@pytest.mark.parametrize(
    "mangle",
    [
        lambda s: s[:-4],
        lambda s: s[:43],
        lambda s: base64.b64encode(base64.b64decode(s)[:63]).decode(),
        lambda s: base64.b64encode(base64.b64decode(s) + b"\0").decode(),
        lambda s: "not base64!",
        lambda s: s.replace("=", "") + "!",
        lambda s: s[:10] + "证书" + s[12:],
        lambda s: "",
        lambda s: None,
        lambda s: base64.b64encode(b"\0" * 64).decode(),
    ],
)
def test_verification_fails_for_a_malformed_signature(mangle):
    payload = canonical_payload(realistic_fields())

    assert verify(payload, mangle(sign(payload))) is False


def test_whitespace_in_a_copied_signature_is_ignored():
    payload = canonical_payload(realistic_fields())
    signature = sign(payload)

    assert verify(payload, f" {signature[:40]}\n  {signature[40:]} ")


def test_verification_fails_with_another_keys_public_key():
    payload = canonical_payload(realistic_fields())

    assert not verify(payload, sign(payload), other_public_pem())


def test_verification_with_a_key_that_is_not_ed25519_is_a_caller_error():
    ec_public = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    payload = canonical_payload(realistic_fields())

    with pytest.raises(ValueError, match="Ed25519"):
        verify(payload, sign(payload), ec_public)
    with pytest.raises(ValueError):
        verify(payload, sign(payload), "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----")


def test_public_key_pem_and_fingerprint(site_key):
    pem = public_key_pem()
    fingerprint = public_key_fingerprint()

    assert pem.startswith("-----BEGIN PUBLIC KEY-----\n")
    assert raw_public(site_key) == serialization.load_pem_public_key(pem.encode()).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    assert fingerprint.replace(" ", "") == hashlib.sha256(raw_public(site_key)).hexdigest()
    groups = fingerprint.split(" ")
    assert len(groups) == 16
    assert all(len(group) == 4 for group in groups)


# --- Keys --------------------------------------------------------------------------------------


def test_key_from_pem_text(site_key):
    assert raw_public(load_private_key()) == raw_public(site_key)


def test_key_from_pem_text_with_escaped_newlines(settings):
    key = Ed25519PrivateKey.generate()
    settings.CERTIFICATE_SIGNING_KEY = private_pem(key).replace("\n", "\\n")
    reset_keys()

    assert raw_public(load_private_key()) == raw_public(key)


@pytest.mark.parametrize("as_text", [True, False])
def test_key_from_a_path(settings, tmp_path, as_text):
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "signing.pem"
    path.write_text(private_pem(key))
    settings.CERTIFICATE_SIGNING_KEY = str(path) if as_text else path
    reset_keys()

    assert raw_public(load_private_key()) == raw_public(key)


def test_a_missing_key_file_is_improperly_configured(settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEY = str(tmp_path / "nowhere.pem")
    reset_keys()

    with pytest.raises(ImproperlyConfigured, match=r"nowhere\.pem"):
        load_private_key()


def test_the_key_is_cached_until_reset(settings, site_key):
    first = load_private_key()
    other = Ed25519PrivateKey.generate()
    settings.CERTIFICATE_SIGNING_KEY = private_pem(other)

    assert load_private_key() is first
    reset_keys()
    assert raw_public(load_private_key()) == raw_public(other)


def test_debug_creates_a_private_development_key_once_and_reuses_it(
    settings, tmp_path, no_configured_key
):
    settings.DEBUG = True
    path = tmp_path / "var" / "keys" / "certificate-signing.pem"

    first = raw_public(load_private_key())

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["certificate-signing.pem"]
    pem = path.read_bytes()
    reset_keys()
    assert raw_public(load_private_key()) == first
    assert path.read_bytes() == pem


def test_debug_prefers_a_configured_key(settings, tmp_path, site_key):
    settings.DEBUG = True

    assert raw_public(load_private_key()) == raw_public(site_key)
    assert not (tmp_path / "var").exists()


def test_production_without_a_key_says_how_to_make_one(settings, tmp_path, no_configured_key):
    settings.DEBUG = False

    with pytest.raises(ImproperlyConfigured) as raised:
        load_private_key()

    message = str(raised.value)
    assert "CERTIFICATE_SIGNING_KEY" in message
    assert "openssl genpkey -algorithm ed25519" in message
    assert not (tmp_path / "var").exists()

    # The Python command in the message works as printed.
    line = next(line for line in message.splitlines() if line.strip().startswith("python -c"))
    _, flag, code = shlex.split(line)[:3]
    made = subprocess.run(
        [sys.executable, flag, code], capture_output=True, text=True, check=True
    ).stdout
    settings.CERTIFICATE_SIGNING_KEY = made
    reset_keys()
    assert isinstance(load_private_key(), Ed25519PrivateKey)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_the_openssl_command_in_the_message_makes_a_usable_key(settings, tmp_path):
    command = shlex.split(signing.GENERATE_KEY_WITH_OPENSSL)
    subprocess.run(command, cwd=tmp_path, check=True, capture_output=True)
    settings.CERTIFICATE_SIGNING_KEY = str(tmp_path / "certificate-signing.pem")
    reset_keys()

    assert isinstance(load_private_key(), Ed25519PrivateKey)


@pytest.mark.parametrize(
    ("make_key", "kind"),
    [
        (lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048), "RSA"),
        (lambda: ec.generate_private_key(ec.SECP256R1()), "EC"),
    ],
)
def test_a_key_that_is_not_ed25519_is_improperly_configured(settings, make_key, kind):
    settings.CERTIFICATE_SIGNING_KEY = private_pem(make_key())
    reset_keys()

    with pytest.raises(ImproperlyConfigured, match=f"{kind}.*Ed25519") as raised:
        load_private_key()
    assert "PRIVATE KEY" not in str(raised.value)


def test_a_public_key_instead_of_the_private_one_is_improperly_configured(settings):
    settings.CERTIFICATE_SIGNING_KEY = other_public_pem()
    reset_keys()

    with pytest.raises(ImproperlyConfigured, match="public key"):
        load_private_key()


def test_an_encrypted_key_is_improperly_configured(settings):
    encrypted = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"),
    )
    settings.CERTIFICATE_SIGNING_KEY = encrypted.decode()
    reset_keys()

    with pytest.raises(ImproperlyConfigured, match="encrypted"):
        load_private_key()


def test_garbage_pem_is_improperly_configured(settings):
    settings.CERTIFICATE_SIGNING_KEY = (
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"
    )
    reset_keys()

    with pytest.raises(ImproperlyConfigured, match="not a PEM private key"):
        load_private_key()


def test_sign_needs_a_key_in_production(settings, no_configured_key):
    settings.DEBUG = False

    with pytest.raises(ImproperlyConfigured):
        sign(b"{}")


# --- Masking names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张", "*"),
        ("张明", "张*"),
        ("张小明", "张*明"),
        ("欧阳明月", "欧**月"),
        ("司马相如文", "司***文"),
        ("阿依古丽·买买提", "阿***·**提"),
        (" 张小明 ", "张*明"),
        ("张 小明", "张 *明"),
        ("张Wei", "张**i"),
    ],
)
def test_chinese_names_keep_at_most_the_first_and_last_character(name, masked):
    assert mask_name(name) == masked
    assert len(mask_name(name)) == len(name.strip())


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Zhang Xiaoming", "Z**** X*******"),
        ("Ann", "A**"),
        ("Jean-Luc Picard", "J***-L** P*****"),
        ("J. R. Tolkien", "J. R. T******"),
        ("O'Brien", "O'B****"),
        ("José  Álvarez", "J*** Á******"),
        ("X", "X"),
    ],
)
def test_latin_names_keep_the_first_letter_of_each_word(name, masked):
    assert mask_name(name) == masked


def test_mask_name_of_nothing_is_nothing():
    assert mask_name("") == ""
    assert mask_name("   ") == ""


def test_masking_never_shows_a_middle_character_of_a_chinese_name():
    name = "爱新觉罗溥仪"
    masked = mask_name(name)

    assert masked == "爱****仪"
    assert not set(name[1:-1]) & set(masked)
