"""Drawing completion certificates (结业证书) with Pillow: a PNG and a one-page A4-landscape PDF.

A pure module: a ``CertificateContent`` and the path of a font with Chinese glyphs in, bytes out.
The drawing is deterministic (same content and font files, same bytes), so a stored file can be
drawn again and compared, and the PDF carries no time stamp of its own. "Font files": besides the
given file, a bold sibling and a monospaced face for the signature are used when found beside it
(see ``_Fonts``).

``layout_certificate`` decides where everything goes and returns the boxes it used, so tests can
check that nothing overflows the frame and know where the holder's name is drawn. The PNG is
A4 landscape at 150 dpi (1754 × 1240 px); the PDF is the same picture at 150 dpi, 297 × 210 mm.
"""

import datetime
import glob
import io
import math
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import segno
from PIL import Image, ImageChops, ImageDraw, ImageFont

WIDTH, HEIGHT = 1754, 1240  # A4 landscape at 150 dpi
DPI = 150

Box = tuple[int, int, int, int]
RGB = tuple[int, int, int]

PAPER: RGB = (252, 248, 238)
RED: RGB = (172, 26, 30)
DEEP_RED: RGB = (140, 22, 26)
GOLD: RGB = (184, 142, 58)
PALE_GOLD: RGB = (233, 214, 168)
INK: RGB = (38, 33, 30)
MUTED: RGB = (112, 100, 88)
SEAL_RED: RGB = (214, 30, 36)

# Everything printed stays inside this box: inside the border and clear of the corner ornaments.
CONTENT_BOX: Box = (150, 92, WIDTH - 150, HEIGHT - 92)
BODY_LEFT, BODY_RIGHT = 200, WIDTH - 200

SEAL_DIAMETER = 248  # 42 mm, the usual size of an institution's round seal
QR_BOX_SIZE = 200
DIVIDER_HALF = 300


@dataclass(frozen=True)
class CertificateContent:
    serial: str
    holder_name: str
    holder_number: str
    course_title: str
    hours: Decimal
    final_grade: Decimal | None
    started_on: datetime.date | None
    completed_on: datetime.date
    issued_on: datetime.date
    issuer: str
    school_name: str
    verify_url: str
    signature: str
    seal_png: bytes | None = None


class FontNotFound(Exception):
    """No usable font with Chinese glyphs; the message says where we looked and how to fix it."""


# --- Finding a font -------------------------------------------------------------------------

# In order of preference: a Song-style serif reads best on a certificate; then the sans faces.
_FONT_CANDIDATES = (
    # Debian/Ubuntu: fonts-noto-cjk
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/*CJK*",
    # Fedora, Arch and friends
    "/usr/share/fonts/**/NotoSerifCJK*",
    "/usr/share/fonts/**/NotoSansCJK*",
    "/usr/share/fonts/**/SourceHanSerif*",
    "/usr/share/fonts/**/SourceHanSans*",
    "/usr/share/fonts/**/wqy-zenhei.ttc",
    "/usr/share/fonts/**/wqy-microhei.ttc",
    "~/.local/share/fonts/**/*CJK*",
    "~/.fonts/**/*CJK*",
    # macOS
    "/System/Library/Fonts/Supplemental/Songti.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/Library/Fonts/*CJK*",
    "~/Library/Fonts/*CJK*",
    # Windows
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
_HOW_TO_FIX = (
    "Install a Chinese font (Debian/Ubuntu: apt-get install fonts-noto-cjk) or set "
    "CERTIFICATE_FONT to the path of a .ttf/.otf/.ttc font that has Chinese glyphs."
)


def find_cjk_font(override: str | None = None) -> str:
    """Path of a font that has Chinese glyphs.

    ``override`` (the CERTIFICATE_FONT setting) wins: it must exist and have Chinese glyphs, or
    FontNotFound is raised rather than quietly using another font. Without it, look in the
    usual places on Linux, macOS and Windows, then ask ``fc-match ':lang=zh'``. fontconfig
    answers with its best match even when nothing covers Chinese (DejaVu, say), so every
    candidate is checked with ``has_cjk_glyphs``.
    """
    if override:
        path = os.path.expanduser(override)
        if not os.path.isfile(path):
            raise FontNotFound(f"CERTIFICATE_FONT={override!r}: no such file. {_HOW_TO_FIX}")
        if not has_cjk_glyphs(path):
            raise FontNotFound(
                f"CERTIFICATE_FONT={override!r} is not a font with Chinese glyphs. {_HOW_TO_FIX}"
            )
        return path

    for path in _candidate_paths():
        if has_cjk_glyphs(path):
            return path

    fc_match = shutil.which("fc-match")
    if fc_match:
        fc_answer = _fc_match_chinese(fc_match)
        if fc_answer and has_cjk_glyphs(fc_answer):
            return fc_answer
        fc_note = (
            f"fc-match ':lang=zh' answered {fc_answer or 'nothing'!r}, which has no Chinese glyphs"
        )
    else:
        fc_note = "fc-match is not installed"
    looked = ", ".join(_FONT_CANDIDATES)
    raise FontNotFound(
        f"No font with Chinese glyphs found. Looked in: {looked}; {fc_note}. {_HOW_TO_FIX}"
    )


def _candidate_paths() -> Iterator[str]:
    seen: set[str] = set()
    for pattern in _FONT_CANDIDATES:
        matches = glob.glob(os.path.expanduser(pattern), recursive=True)
        # Regular weights first: a bold face as the body font looks shouty.
        for path in sorted(matches, key=lambda p: ("Regular" not in p, p)):
            if path not in seen and path.lower().endswith(_FONT_SUFFIXES):
                seen.add(path)
                yield path


def _fc_match_chinese(fc_match: str) -> str | None:
    try:
        result = subprocess.run(
            [fc_match, "-f", "%{file}", ":lang=zh"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    path = result.stdout.strip()
    return path if result.returncode == 0 and os.path.isfile(path) else None


def has_cjk_glyphs(font_path: str) -> bool:
    """Whether the font draws real Chinese glyphs rather than 'tofu' boxes.

    Draws 党, 校 and U+10FFFD (a private-use codepoint no font maps): a font without Chinese
    draws all three as its missing-glyph box (or as nothing), so 党 and 校 must each be
    non-empty, differ from each other, and differ from the missing glyph.
    """
    try:
        font = ImageFont.truetype(
            font_path, 64, index=_face_index(font_path), layout_engine=ImageFont.Layout.BASIC
        )
        dang, xiao, missing = (_glyph_pixels(font, ch) for ch in ("党", "校", "\U0010fffd"))
    except (OSError, ValueError):  # not a font file, or one FreeType cannot read
        return False
    return dang is not None and xiao is not None and len({dang, xiao, missing}) == 3


def _glyph_pixels(font: ImageFont.FreeTypeFont, char: str) -> bytes | None:
    image = Image.new("L", (128, 128), 0)
    ImageDraw.Draw(image).text((64, 64), char, font=font, fill=255, anchor="mm")
    return image.tobytes() if image.getbbox() else None


@lru_cache(maxsize=32)
def _family_names(font_path: str) -> tuple[str, ...]:
    """The family name of each face in the file (one for a plain .ttf or .otf)."""
    if not font_path.lower().endswith((".ttc", ".otc")):
        return (ImageFont.truetype(font_path, 12).getname()[0] or "",)
    names = []
    for index in range(64):
        try:
            family, _style = ImageFont.truetype(font_path, 12, index=index).getname()
        except OSError:
            break
        names.append(family or "")
    return tuple(names)


def _simplified_chinese(names: list[tuple[int, str]]) -> int | None:
    """Of (face index, family) pairs, the index of the Simplified Chinese face, if any."""
    for wanted in (" SC", " CN", "GB", "SC"):
        for index, family in names:
            if wanted in family:
                return index
    return None


@lru_cache(maxsize=32)
def _face_index(font_path: str) -> int:
    """In a font collection, the Simplified Chinese face (Noto's 'Noto Serif CJK SC' is the
    third face, after JP and KR, whose glyph shapes differ); else the first face."""
    if not font_path.lower().endswith((".ttc", ".otc")):
        return 0
    names = list(enumerate(_family_names(font_path)))
    proportional = [(index, family) for index, family in names if "Mono" not in family]
    return _simplified_chinese(proportional) or 0


# Every character a signature (base64) or serial uses, plus one wide letter: a face that gives
# them all the same advance is monospaced for our purposes.
_MONO_PROBE = "0Oo1lIiWwMm+/="


@lru_cache(maxsize=8)
def _monospaced_face(font_path: str) -> tuple[str, int] | None:
    """A monospaced face to draw the signature in: one in the font file itself, else in its
    Sans sibling (fonts-noto-cjk puts 'Noto Sans Mono CJK SC' in NotoSansCJK-Regular.ttc
    beside NotoSerifCJK-Regular.ttc; wqy-zenhei.ttc has 'WenQuanYi Zen Hei Mono'). None when
    there is none: the signature is then spaced by its glyphs' ink."""
    path = Path(font_path)
    candidates = [path]
    if "Serif" in path.name:
        candidates.append(path.with_name(path.name.replace("Serif", "Sans")))
    for candidate in candidates:
        if not candidate.is_file():
            continue
        monospaced = []
        try:
            for index, family in enumerate(_family_names(str(candidate))):
                font = ImageFont.truetype(
                    str(candidate), 24, index=index, layout_engine=ImageFont.Layout.BASIC
                )
                advances = {font.getlength(ch) for ch in _MONO_PROBE}
                # Tofu has one width too: W and i must be real, different glyphs.
                if len(advances) == 1 and _glyph_pixels(font, "W") != _glyph_pixels(font, "i"):
                    monospaced.append((index, family))
        except OSError:  # not a font file FreeType can read
            continue
        if monospaced:
            chinese = _simplified_chinese(monospaced)
            return str(candidate), monospaced[0][0] if chinese is None else chinese
    return None


class _Fonts:
    """The faces of one font file at the sizes the layout asks for. A bold face is taken from
    a sibling file (NotoSerifCJK-Bold.ttc beside NotoSerifCJK-Regular.ttc) when there is one;
    otherwise bold text is drawn with a thin stroke. A monospaced face for the signature is
    looked for in the file and its Sans sibling (``_monospaced_face``)."""

    def __init__(self, font_path: str) -> None:
        self.path = font_path
        self.bold_path = _bold_sibling(font_path)
        self.monospaced = _monospaced_face(font_path)

    def get(
        self, size: int, *, bold: bool = False, monospaced: bool = False
    ) -> ImageFont.FreeTypeFont:
        if monospaced and self.monospaced:
            path, index = self.monospaced
            return _load_font(path, size, index)
        path = self.bold_path if bold and self.bold_path else self.path
        return _load_font(path, size)

    def stroke(self, size: int, *, bold: bool) -> int:
        return max(1, size // 40) if bold and not self.bold_path else 0


def _bold_sibling(font_path: str) -> str | None:
    path = Path(font_path)
    if "Regular" not in path.name:
        return None
    sibling = path.with_name(path.name.replace("Regular", "Bold"))
    return str(sibling) if sibling.is_file() else None


@lru_cache(maxsize=64)
def _load_font(path: str, size: int, index: int | None = None) -> ImageFont.FreeTypeFont:
    """The face ``index`` of the file (default: ``_face_index``) at ``size`` pixels."""
    # The basic layout engine: no dependence on whether libraqm is installed, so the same font
    # file gives the same pixels everywhere. Chinese needs no shaping.
    return ImageFont.truetype(
        path,
        size,
        index=_face_index(path) if index is None else index,
        layout_engine=ImageFont.Layout.BASIC,
    )


# --- Words ----------------------------------------------------------------------------------


def format_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def format_decimal(value: Decimal) -> str:
    """32 for Decimal("32.0"), 86.5 for Decimal("86.50")."""
    return format(value.normalize(), "f")


def body_paragraphs(content: CertificateContent) -> list[str]:
    course = f"{content.school_name}「{content.course_title}」"
    completed = format_date(content.completed_on)
    if content.started_on:
        when = f"于 {format_date(content.started_on)}至 {completed}参加{course}，完成全部学习任务"
    else:
        when = f"参加{course}，于 {completed}完成全部学习任务"
    if content.final_grade is None:
        result = "经考核合格"
    else:
        result = f"经考核合格（综合成绩 {format_decimal(content.final_grade)} 分）"
    hours = format_decimal(content.hours)
    return [f"{when}，共计 {hours} 学时，{result}，准予结业。", "特发此证。"]


# --- Layout ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextItem:
    """A run of text as drawn: pieces of text at (x, baseline y), drawn with anchor "ls"."""

    role: str
    text: str
    size: int
    bold: bool
    fill: RGB
    pieces: tuple[tuple[int, int, str], ...]
    box: Box  # the ink's bounding box
    monospaced: bool = False  # drawn in the monospaced face (the signature), when there is one


@dataclass(frozen=True)
class CertificateLayout:
    content_box: Box  # every text, the QR code and the seal stay inside it
    texts: tuple[TextItem, ...]
    qr_box: Box
    seal_box: Box
    underline: tuple[int, int, int]  # x0, x1, y of the line under the holder's name
    divider: tuple[int, int]  # centre x, y of the ornament under the title

    @property
    def decoration_boxes(self) -> tuple[Box, ...]:
        """Where the rules under the title and the name are drawn."""
        x0, x1, y = self.underline
        cx, cy = self.divider
        return (
            (x0, y - 1, x1, y + 1),
            (cx - DIVIDER_HALF - 6, cy - 13, cx + DIVIDER_HALF + 6, cy + 13),
        )

    def text(self, role: str) -> TextItem:
        return next(item for item in self.texts if item.role == role)

    @property
    def name_box(self) -> Box:
        return self.text("name").box


# A line may not start with closing punctuation nor end with opening punctuation.
_CLOSING = set("，。、；：？！」』）》〉】”’%…—")
_OPENING = set("「『（《〈【“‘")
# Numbers, dates' digits, serials and Latin words stay whole: "86.5", "2023010101", "DX-7K3M9Q".
_TOKEN = re.compile(r"[0-9A-Za-z]+(?:[.\-/:_][0-9A-Za-z]+)*|\s|.", re.DOTALL)


def _units(text: str) -> list[str]:
    """The text cut where a line may break: after any Chinese character, never inside a
    number or Latin word, never before a closing or after an opening punctuation mark."""
    units: list[str] = []
    glue_next = False
    for token in _TOKEN.findall(text):
        if units and (glue_next or token in _CLOSING):
            units[-1] += token
        else:
            units.append(token)
        glue_next = token in _OPENING
    return units


def wrap_text(
    text: str, font: ImageFont.FreeTypeFont, width: int, first_indent: int = 0
) -> list[str]:
    """Lines of at most ``width`` pixels (the first ``first_indent`` narrower): Chinese breaks
    between any two characters, numbers and Latin words only around them, and punctuation
    keeps to its side (no line starts with ， or ）, none ends with 「 or （)."""
    lines: list[str] = []
    line = ""
    for unit in _units(text):
        room = width - (first_indent if not lines else 0)
        candidate = line + unit
        if not line.strip() or font.getlength(candidate) <= room:
            line = candidate.lstrip() if not line.strip() else candidate
            continue
        lines.append(line.rstrip())
        line = unit.lstrip()
    if line.strip():
        lines.append(line.rstrip())
    # A unit wider than a whole line (an absurdly long Latin word) is cut by characters.
    result: list[str] = []
    for index, line in enumerate(lines):
        room = width - (first_indent if index == 0 and not result else 0)
        while font.getlength(line) > room and len(line) > 1:
            cut = len(line)
            while cut > 1 and font.getlength(line[:cut]) > room:
                cut -= 1
            if cut > 1 and line[cut] in _CLOSING:
                cut -= 1
            result.append(line[:cut])
            line = line[cut:]
            room = width
        result.append(line)
    return result


def _ink_box(
    font: ImageFont.FreeTypeFont, pieces: tuple[tuple[int, int, str], ...], stroke: int = 0
) -> Box:
    boxes = []
    for x, y, text in pieces:
        if not text.strip():
            continue
        left, top, right, bottom = font.getbbox(text, anchor="ls", stroke_width=stroke)
        boxes.append(
            (
                x + math.floor(left),
                y + math.floor(top),
                x + math.ceil(right),
                y + math.ceil(bottom),
            )
        )
    if not boxes:
        return (0, 0, 0, 0)
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _item(
    fonts: _Fonts,
    role: str,
    text: str,
    pieces: list[tuple[int, int, str]],
    *,
    size: int,
    fill: RGB,
    bold: bool = False,
    monospaced: bool = False,
) -> TextItem:
    font = fonts.get(size, bold=bold, monospaced=monospaced)
    frozen = tuple(pieces)
    box = _ink_box(font, frozen, fonts.stroke(size, bold=bold))
    return TextItem(role, text, size, bold, fill, frozen, box, monospaced)


def _spaced(
    font: ImageFont.FreeTypeFont, text: str, tracking: int, *, center_x: int, baseline: int
) -> list[tuple[int, int, str]]:
    """Characters one by one with ``tracking`` pixels between them, centred on center_x."""
    advances = [font.getlength(ch) for ch in text]
    total = sum(advances) + tracking * (len(text) - 1)
    x = center_x - total / 2
    pieces = []
    for ch, advance in zip(text, advances, strict=True):
        pieces.append((round(x), baseline, ch))
        x += advance + tracking
    return pieces


def _fit_size(
    font_for: Callable[[int], ImageFont.FreeTypeFont],
    text: str,
    width: float,
    size: int,
    minimum: int,
) -> int:
    """The largest size up to ``size`` at which ``text`` is at most ``width`` wide."""
    while size > minimum and font_for(size).getlength(text) > width:
        size -= 1
    return size


def _justified(
    font: ImageFont.FreeTypeFont, line: str, x: int, baseline: int, width: int
) -> list[tuple[int, int, str]]:
    """A full line spread to exactly ``width``: the slack goes between the units, so numbers
    and Latin words keep their own spacing. Lines that would spread too far stay ragged."""
    tokens = _TOKEN.findall(line)
    slack = width - font.getlength(line)
    if len(tokens) < 2 or slack <= 0 or slack / (len(tokens) - 1) > font.size * 0.4:
        return [(x, baseline, line)]
    gap = slack / (len(tokens) - 1)
    pieces = []
    cursor = float(x)
    for token in tokens:
        pieces.append((round(cursor), baseline, token))
        cursor += font.getlength(token) + gap
    return pieces


def layout_certificate(content: CertificateContent, *, font_path: str) -> CertificateLayout:
    """Where everything goes. Long names, titles and issuers shrink (and the body wraps) so
    everything stays inside ``CONTENT_BOX`` without touching its neighbours."""
    fonts = _Fonts(font_path)
    texts: list[TextItem] = []
    center = WIDTH // 2

    # The school's name, then the title, spaced out.
    school_size = _fit_size(fonts.get, content.school_name, 1000, 38, 16)
    school_tracking = school_size // 3
    while (
        school_tracking
        and fonts.get(school_size).getlength(content.school_name)
        + school_tracking * (len(content.school_name) - 1)
        > 1100
    ):
        school_tracking -= 1
    school_font = fonts.get(school_size)
    texts.append(
        _item(
            fonts,
            "school",
            content.school_name,
            _spaced(
                school_font, content.school_name, school_tracking, center_x=center, baseline=160
            ),
            size=school_size,
            fill=DEEP_RED,
        )
    )
    title_size = 112
    title_font = fonts.get(title_size, bold=True)
    texts.append(
        _item(
            fonts,
            "title",
            "结业证书",
            _spaced(title_font, "结业证书", 56, center_x=center, baseline=300),
            size=title_size,
            fill=RED,
            bold=True,
        )
    )

    # The bottom band, laid out first so the body knows how much room it has.
    signature_items = _signature_items(fonts, content.signature)
    signature_top = min(item.box[1] for item in signature_items)
    texts.extend(signature_items)

    seal_bottom = signature_top - 12
    seal_top = seal_bottom - SEAL_DIAMETER
    seal_center_y = seal_top + SEAL_DIAMETER // 2

    issuer_items = _issuer_items(fonts, content, seal_center_y)
    texts.extend(issuer_items)
    block_center = (issuer_items[0].box[0] + issuer_items[0].box[2]) // 2
    block_center = min(block_center, CONTENT_BOX[2] - SEAL_DIAMETER // 2)
    seal_box = (
        block_center - SEAL_DIAMETER // 2,
        seal_top,
        block_center + SEAL_DIAMETER // 2,
        seal_bottom,
    )

    qr_left = BODY_LEFT - 20
    qr_box = (qr_left, seal_top, qr_left + QR_BOX_SIZE, seal_top + QR_BOX_SIZE)
    label_font = fonts.get(24)
    label_baseline = qr_box[3] + 34
    texts.append(
        _item(
            fonts,
            "qr_label",
            "扫码验证",
            _spaced(
                label_font,
                "扫码验证",
                8,
                center_x=(qr_box[0] + qr_box[2]) // 2,
                baseline=label_baseline,
            ),
            size=24,
            fill=MUTED,
        )
    )
    serial_text = f"证书编号：{content.serial}"
    serial_room = seal_box[0] - 40 - (qr_box[2] + 36)
    serial_size = _fit_size(fonts.get, serial_text, serial_room, 26, 12)
    texts.append(
        _item(
            fonts,
            "serial",
            serial_text,
            [(qr_box[2] + 36, qr_box[3] - 4, serial_text)],
            size=serial_size,
            fill=MUTED,
        )
    )

    # The salutation and the body, between the title and the bottom band.
    body_bottom = min(seal_top, qr_box[1]) - 24
    salutation, body, underline = _body_items(fonts, content, top=400, bottom=body_bottom)
    texts.extend(salutation)
    texts.extend(body)

    return CertificateLayout(
        content_box=CONTENT_BOX,
        texts=tuple(texts),
        qr_box=qr_box,
        seal_box=seal_box,
        underline=underline,
        divider=(center, 352),
    )


def _signature_items(fonts: _Fonts, signature: str) -> list[TextItem]:
    """The signature on the last lines of the page, after its label: one line if it fits at a
    readable size, else two or three, else cut with an ellipsis (an Ed25519 signature, 88
    characters, fits on one line).

    Someone may compare it character by character, so it must read evenly. It is drawn in a
    monospaced face, its cells a little wider than the face's own (a proportional face in
    fixed cells, as it once was, crowds M and W and leaves gaps around i and 1). Without a
    monospaced face the glyphs are set by their ink, the same gap between each two."""
    label = "数字签名："
    width = CONTENT_BOX[2] - CONTENT_BOX[0] - 40
    bottom = CONTENT_BOX[3] - 6
    monospaced = fonts.monospaced is not None
    for size in (18, 17, 16, 15, 14):
        label_font = fonts.get(size)
        label_width = math.ceil(label_font.getlength(label))
        cells = _signature_cells(fonts.get(size, monospaced=monospaced), size, monospaced)
        lines = _fill(signature, cells, width - label_width)
        if len(lines) <= 3:
            break
    else:
        last = lines[2]
        while len(last) > 1 and _span(last + "…", cells) > width - label_width:
            last = last[:-1]
        lines = [*lines[:2], last + "…"]
    line_height = round(size * 1.45)
    total = label_width + max(_span(line, cells) for line in lines)
    left = WIDTH // 2 - total // 2
    items = []
    for index, line in enumerate(lines):
        baseline = bottom - (len(lines) - 1 - index) * line_height - round(size * 0.3)
        if index == 0:
            items.append(
                _item(
                    fonts,
                    "signature_label",
                    label,
                    [(left, baseline, label)],
                    size=size,
                    fill=MUTED,
                )
            )
        x = left + label_width
        pieces = []
        for ch in line:
            cell, offset = cells(ch)
            pieces.append((x + offset, baseline, ch))
            x += cell
        items.append(
            _item(
                fonts,
                f"signature_{index + 1}",
                line,
                pieces,
                size=size,
                fill=MUTED,
                monospaced=monospaced,
            )
        )
    return items


def _signature_cells(
    font: ImageFont.FreeTypeFont, size: int, monospaced: bool
) -> Callable[[str], tuple[int, int]]:
    """For each character, the width of its cell and where in the cell it is drawn.

    A monospaced face: the face's advance plus an even tracking (about 0.12 em), the glyph in
    the middle. A proportional face: the glyph's ink plus a fixed gap, so that the space
    between two glyphs' ink is the same whatever the letters."""
    tracking = max(1, round(size * 0.12))
    gap = max(2, round(size * 0.12))

    @lru_cache(maxsize=256)
    def cell(ch: str) -> tuple[int, int]:
        if monospaced:
            return round(font.getlength(ch)) + tracking, tracking // 2
        mask, (offset_x, _offset_y) = font.getmask2(ch, anchor="ls")
        ink = mask.getbbox()
        if ink is None:  # a space, or a character the font cannot draw
            return round(font.getlength(ch)) + gap, 0
        return ink[2] - ink[0] + gap, -(offset_x + ink[0])

    return cell


def _span(text: str, cells: Callable[[str], tuple[int, int]]) -> int:
    return sum(cells(ch)[0] for ch in text)


def _fill(text: str, cells: Callable[[str], tuple[int, int]], room: int) -> list[str]:
    """``text`` cut into lines of at most ``room`` pixels (at least one character each)."""
    lines: list[str] = []
    line, used = "", 0
    for ch in text:
        cell = cells(ch)[0]
        if line and used + cell > room:
            lines.append(line)
            line, used = "", 0
        line += ch
        used += cell
    return [*lines, line] if line or not lines else lines


def _issuer_items(fonts: _Fonts, content: CertificateContent, seal_center_y: int) -> list[TextItem]:
    """The issuer over the issue date, centred on each other at the right: the seal is pressed
    over both, as on paper."""
    right = CONTENT_BOX[2] - 60
    issuer_size = _fit_size(fonts.get, content.issuer, 760, 36, 14)
    issuer_font = fonts.get(issuer_size)
    date_text = format_date(content.issued_on)
    date_size = 34
    date_font = fonts.get(date_size)
    block_width = max(issuer_font.getlength(content.issuer), date_font.getlength(date_text))
    block_width = max(block_width, SEAL_DIAMETER)
    center_x = round(right - block_width / 2)
    issuer_baseline = seal_center_y - 6
    date_baseline = seal_center_y + 56
    issuer_x = round(center_x - issuer_font.getlength(content.issuer) / 2)
    date_x = round(center_x - date_font.getlength(date_text) / 2)
    return [
        _item(
            fonts,
            "issuer",
            content.issuer,
            [(issuer_x, issuer_baseline, content.issuer)],
            size=issuer_size,
            fill=INK,
        ),
        _item(
            fonts,
            "issued_on",
            date_text,
            [(date_x, date_baseline, date_text)],
            size=date_size,
            fill=INK,
        ),
    ]


def _body_items(
    fonts: _Fonts, content: CertificateContent, *, top: int, bottom: int
) -> tuple[list[TextItem], list[TextItem], tuple[int, int, int]]:
    """The salutation ("林晓雨 同志（学号 …）：") and the paragraphs, at the largest size that
    fits between ``top`` and ``bottom``."""
    width = BODY_RIGHT - BODY_LEFT
    paragraphs = body_paragraphs(content)
    rest = f" 同志（学号 {content.holder_number}）："
    for size in range(40, 17, -1):
        font = fonts.get(size)
        line_height = round(size * 1.85)
        indent = round(font.getlength("中") * 2)
        wrapped = [wrap_text(paragraph, font, width, indent) for paragraph in paragraphs]
        n_lines = sum(len(lines) for lines in wrapped)
        salutation_baseline = top + round(size * 1.2)
        if salutation_baseline + round(size * 0.6) + line_height * n_lines <= bottom:
            break
    gap = size // 2  # the underline reaches a little past the name
    rest_width = font.getlength(rest)
    # A long name gets smaller type of its own rather than shrinking the whole text.
    name_size = _fit_size(
        lambda s: fonts.get(s, bold=True),
        content.holder_name,
        width - rest_width - 2 * gap,
        round(size * 1.2),
        8,
    )
    name_width = fonts.get(name_size, bold=True).getlength(content.holder_name)

    name_x = BODY_LEFT + gap
    name = _item(
        fonts,
        "name",
        content.holder_name,
        [(name_x, salutation_baseline, content.holder_name)],
        size=name_size,
        fill=DEEP_RED,
        bold=True,
    )
    rest_x = round(name_x + name_width + gap)
    salutation = _item(
        fonts,
        "salutation",
        rest.strip(),
        [(rest_x, salutation_baseline, rest)],
        size=size,
        fill=INK,
    )
    underline = (BODY_LEFT, rest_x, salutation_baseline + max(6, size // 5))

    body: list[TextItem] = []
    baseline = salutation_baseline + round(size * 0.6)
    for p_index, lines in enumerate(wrapped):
        for l_index, line in enumerate(lines):
            baseline += line_height
            x = BODY_LEFT + (indent if l_index == 0 else 0)
            if l_index < len(lines) - 1:
                pieces = _justified(font, line, x, baseline, BODY_RIGHT - x)
            else:
                pieces = [(x, baseline, line)]
            body.append(
                _item(
                    fonts,
                    f"body_{p_index + 1}_{l_index + 1}",
                    line,
                    pieces,
                    size=size,
                    fill=INK,
                )
            )
    return [name, salutation], body, underline


# --- Drawing --------------------------------------------------------------------------------


def render_png(content: CertificateContent, *, font_path: str) -> bytes:
    """The certificate as a PNG, 1754 × 1240 px (A4 landscape at 150 dpi)."""
    image = _draw(content, font_path)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(DPI, DPI))
    return buffer.getvalue()


def render_pdf(content: CertificateContent, *, font_path: str) -> bytes:
    """The certificate as a one-page PDF, A4 landscape (297 × 210 mm)."""
    image = _draw(content, font_path)
    # Pillow stamps the PDF with the current time unless told otherwise; the issue date keeps
    # the file the same however often it is drawn.
    stamp = datetime.datetime.combine(content.issued_on, datetime.time()).timetuple()
    buffer = io.BytesIO()
    image.save(
        buffer,
        "PDF",
        resolution=DPI,
        # Pillow embeds RGB as JPEG: high quality and no chroma subsampling keep red on cream
        # crisp around the strokes.
        quality=92,
        subsampling=0,
        title=f"结业证书 {content.serial}",
        author=content.issuer,
        subject=content.course_title,
        creator=content.school_name,
        producer=content.school_name,
        creationDate=stamp,
        modDate=stamp,
    )
    return buffer.getvalue()


def _draw(content: CertificateContent, font_path: str) -> Image.Image:
    layout = layout_certificate(content, font_path=font_path)
    fonts = _Fonts(font_path)
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    _draw_frame(draw)
    _draw_divider(draw, *layout.divider)
    x0, x1, y = layout.underline
    draw.line([(x0, y), (x1, y)], fill=GOLD, width=2)
    for item in layout.texts:
        font = fonts.get(item.size, bold=item.bold, monospaced=item.monospaced)
        stroke = fonts.stroke(item.size, bold=item.bold)
        for x, baseline, text in item.pieces:
            draw.text(
                (x, baseline),
                text,
                font=font,
                fill=item.fill,
                anchor="ls",
                stroke_width=stroke,
                stroke_fill=item.fill if stroke else None,
            )
    _draw_qr(image, content.verify_url, layout.qr_box)
    if content.seal_png:
        seal = _seal_from_png(content.seal_png)
    else:
        seal = _drawn_seal(font_path, content.issuer)
    _press_seal(image, seal, layout.seal_box)
    return image


def _draw_frame(draw: ImageDraw.ImageDraw) -> None:
    """A red band, a gold rule and a fine gold rule, with a gold fret (回纹) in each corner."""
    draw.rectangle([30, 30, WIDTH - 31, HEIGHT - 31], outline=RED, width=14)
    draw.rectangle([52, 52, WIDTH - 53, HEIGHT - 53], outline=GOLD, width=4)
    draw.rectangle([62, 62, WIDTH - 63, HEIGHT - 63], outline=GOLD, width=1)
    for corner_x, corner_y, sx, sy in (
        (62, 62, 1, 1),
        (WIDTH - 63, 62, -1, 1),
        (62, HEIGHT - 63, 1, -1),
        (WIDTH - 63, HEIGHT - 63, -1, -1),
    ):
        _draw_fret(draw, corner_x, corner_y, sx, sy)


def _draw_fret(draw: ImageDraw.ImageDraw, cx: int, cy: int, sx: int, sy: int) -> None:
    """A squared spiral (回纹) tucked into the corner, with rules running off along both sides
    and ending in small lozenges."""

    def at(u: float, v: float) -> tuple[int, int]:
        return (round(cx + sx * u), round(cy + sy * v))

    unit, inset = 8, 14
    spiral = [(0, 8), (0, 0), (8, 0), (8, 6), (2, 6), (2, 2), (6, 2), (6, 4), (4, 4)]
    draw.line(
        [at(inset + u * unit, inset + v * unit) for u, v in spiral],
        fill=GOLD,
        width=4,
        joint="curve",
    )
    reach = 170
    edge = inset + 8 * unit
    draw.line([at(edge, inset), at(reach, inset)], fill=GOLD, width=2)
    draw.line([at(inset, edge), at(inset, reach)], fill=GOLD, width=2)
    for u, v in ((reach + 7, inset), (inset, reach + 7)):
        x, y = at(u, v)
        draw.polygon([(x, y - 6), (x + 6, y), (x, y + 6), (x - 6, y)], fill=RED)


def _draw_divider(draw: ImageDraw.ImageDraw, cx: int, y: int) -> None:
    """Two gold rules under the title, meeting at a red lozenge."""
    half = DIVIDER_HALF
    draw.line([(cx - half, y), (cx - 26, y)], fill=GOLD, width=2)
    draw.line([(cx + 26, y), (cx + half, y)], fill=GOLD, width=2)
    draw.line([(cx - half + 40, y + 8), (cx - 40, y + 8)], fill=PALE_GOLD, width=1)
    draw.line([(cx + 40, y + 8), (cx + half - 40, y + 8)], fill=PALE_GOLD, width=1)
    draw.polygon([(cx, y - 12), (cx + 14, y), (cx, y + 12), (cx - 14, y)], fill=RED)
    for dx in (-half, half):
        draw.polygon(
            [(cx + dx, y - 5), (cx + dx + 5, y), (cx + dx, y + 5), (cx + dx - 5, y)], fill=GOLD
        )


def _draw_qr(image: Image.Image, url: str, box: Box) -> None:
    """The verification URL as a QR code, drawn module by module on white with its quiet zone,
    centred in ``box``; whole pixels per module keep it sharp for scanners."""
    qr = segno.make(url, error="m", micro=False)
    matrix = qr.matrix
    modules = len(matrix)
    quiet = 4
    size = box[2] - box[0]
    module = max(1, size // (modules + 2 * quiet))
    drawn = module * modules
    draw = ImageDraw.Draw(image)
    draw.rectangle(box, fill=(255, 255, 255))
    draw.rectangle(box, outline=PALE_GOLD, width=1)
    left = box[0] + (size - drawn) // 2
    top = box[1] + (size - drawn) // 2
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                x = left + column * module
                y = top + row * module
                draw.rectangle([x, y, x + module - 1, y + module - 1], fill=INK)


@lru_cache(maxsize=8)
def _drawn_seal(font_path: str, issuer: str) -> Image.Image:
    """A round seal: a red ring, a five-pointed star, the issuer's name around the top. Drawn at
    twice the size and scaled down for smooth edges. Returned as an "L" mask of the ink; the
    same issuer and font always give the same seal, so it is drawn once per process."""
    scale = 2
    size = SEAL_DIAMETER * scale
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    c = size / 2
    ring = round(size * 0.04)
    draw.ellipse(
        [ring // 2, ring // 2, size - 1 - ring // 2, size - 1 - ring // 2], outline=255, width=ring
    )

    star_r = size * 0.17
    star = []
    for k in range(10):
        radius = star_r if k % 2 == 0 else star_r * 0.382
        angle = math.radians(-90 + k * 36)
        star.append((c + radius * math.cos(angle), c + radius * math.sin(angle)))
    draw.polygon(star, fill=255)

    text = issuer.strip()
    if not text:
        return mask.resize((SEAL_DIAMETER, SEAL_DIAMETER), Image.Resampling.LANCZOS)
    text_radius = size * 0.34
    span_limit = 250.0
    font_size = round(size * 0.14)
    while True:
        step = math.degrees((font_size * 1.08) / text_radius)
        if step * len(text) <= span_limit or font_size <= 10:
            break
        font_size -= 1
    step = min(step, span_limit / len(text))
    span = step * len(text)
    fonts = _Fonts(font_path)
    font = fonts.get(font_size, bold=True)
    stroke = fonts.stroke(font_size, bold=True)
    tile = round(font_size * 1.6)
    for index, ch in enumerate(text):
        angle = -90 - span / 2 + step * (index + 0.5)
        glyph = Image.new("L", (tile, tile), 0)
        ImageDraw.Draw(glyph).text(
            (tile / 2, tile / 2),
            ch,
            font=font,
            fill=255,
            anchor="mm",
            stroke_width=stroke,
            stroke_fill=255,
        )
        # Rotate so the foot of each character points at the centre.
        glyph = glyph.rotate(-(angle + 90), resample=Image.Resampling.BICUBIC)
        x = c + text_radius * math.cos(math.radians(angle)) - tile / 2
        y = c + text_radius * math.sin(math.radians(angle)) - tile / 2
        mask.paste(255, (round(x), round(y)), glyph)
    return mask.resize((SEAL_DIAMETER, SEAL_DIAMETER), Image.Resampling.LANCZOS)


def _seal_from_png(data: bytes) -> Image.Image:
    """The school's own seal image, scaled to fit the seal's square, as RGBA."""
    with Image.open(io.BytesIO(data)) as source:
        seal = source.convert("RGBA")
    seal.thumbnail((SEAL_DIAMETER, SEAL_DIAMETER), Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", (SEAL_DIAMETER, SEAL_DIAMETER), (255, 255, 255, 0))
    canvas.paste(
        seal, ((SEAL_DIAMETER - seal.width) // 2, (SEAL_DIAMETER - seal.height) // 2), seal
    )
    return canvas


def _press_seal(image: Image.Image, seal: Image.Image, box: Box) -> None:
    """Ink multiplies into the paper: the text under the seal stays legible through the red,
    as with a real stamp."""
    if seal.mode == "L":
        ink = Image.new("RGB", seal.size, SEAL_RED)
        alpha = seal.point(lambda v: v * 82 // 100)
    else:
        ink = seal.convert("RGB")
        alpha = seal.getchannel("A")
    layer = Image.composite(ink, Image.new("RGB", seal.size, (255, 255, 255)), alpha)
    region = image.crop(box)
    image.paste(ImageChops.multiply(region, layer), box)
