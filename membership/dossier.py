"""A person's development dossier (发展党员纪实档案) for 入党材料归档: an Excel workbook and an
A4 PDF.

A pure module: a ``Dossier`` of plain values in, bytes out; no database, no settings. Times are
shown in Beijing time, the school's time zone, whatever zone the aware datetimes carry.

The PDF embeds the Chinese font it is given. reportlab embeds only TrueType (``glyf``) outlines,
and the Noto / Source Han CJK fonts are CFF-flavoured OpenType, which it refuses. So the
characters a dossier uses are cut out of the font with fontTools and, when the outlines are CFF,
redrawn as TrueType curves (cu2qu, within one font unit: invisible in print) before reportlab
sees them. reportlab then embeds a subset of that subset (``/FontFile2``), with a ToUnicode map,
so the text can be searched and copied. If the font file cannot be read at all, the PDF falls
back to reportlab's built-in STSong-Light CID font, which is not embedded: readers draw it with
a Song face of their own.
"""

import datetime
import io
import logging
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from fontTools import subset as font_subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTLibError, newTable
from fontTools.ttLib import TTFont as OpenTypeFont
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib import colors, textsplit
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
    paragraph,
)

from school.spreadsheets import append_row

logger = logging.getLogger(__name__)

# The school's TIME_ZONE. An archive is read in Beijing time, not in whatever zone the caller's
# datetimes happen to carry (Django hands out UTC).
LOCAL_TIME = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class DossierRecord:
    on: datetime.date
    kind_label: str  # e.g. "确定为入党积极分子" (already translated)
    details: str  # a readable summary, e.g. "培养联系人：王明、李华"
    recorded_by: str  # e.g. "陈志刚（T2001）"
    recorded_at: datetime.datetime  # aware
    superseded: bool = False  # corrected by a later record: struck through, marked 已更正
    correction: str = ""  # for a record that corrects another: "更正原因：……"


@dataclass(frozen=True)
class DossierTraining:
    title: str
    hours: Decimal
    completed_on: datetime.date
    grade: Decimal | None
    source: str  # e.g. "证书 2026-DX-7K3M9M" or "导入记录"


@dataclass(frozen=True)
class DossierCheck:
    label: str
    met: bool
    evidence: str
    article: str
    due_on: datetime.date | None
    blocking: bool  # False: a warning, which does not hold the person back


@dataclass(frozen=True)
class Dossier:
    school: str  # e.g. "中共江城大学委员会"
    generated_at: datetime.datetime  # aware
    generated_by: str
    name: str
    number: str
    gender: str
    ethnicity: str
    birth_date: datetime.date | None
    organization: str  # the branch with its path, e.g. "计算机学院党委 / 本科生2023级党支部"
    college: str
    grade: int | None
    class_name: str
    league_member: bool
    stage: str  # translated label, e.g. "入党积极分子"
    records: tuple[DossierRecord, ...]  # in date order
    trainings: tuple[DossierTraining, ...]
    next_stage: str  # translated label or ""
    eligible_on: datetime.date  # the date the checks are for
    checks: tuple[DossierCheck, ...]


TITLE = "发展党员纪实档案"

BASIC_SHEET = "基本信息"
RECORD_SHEET = "发展记录"
TRAINING_SHEET = "培训记录"
CHECK_SHEET = "发展条件审查"

BASIC_HEADERS = ("项目", "内容")
RECORD_HEADERS = ("序号", "日期", "事项", "内容", "更正说明", "状态", "登记人", "登记时间")
TRAINING_HEADERS = ("序号", "培训名称", "学时", "完成日期", "成绩", "来源")
CHECK_HEADERS = ("序号", "条件", "结果", "类别", "依据", "条款", "期限")

SUPERSEDED = "已更正"
CURRENT = "有效"
MET = "满足"
NOT_MET = "未满足"
BLOCKING = "必要条件"
WARNING = "提示"
NONE = "—"


def _local(moment: datetime.datetime) -> datetime.datetime:
    """Beijing wall-clock time, without a zone: Excel has no zones, and print needs none."""
    return moment.astimezone(LOCAL_TIME).replace(tzinfo=None)


def _date_text(day: datetime.date | None) -> str:
    return day.isoformat() if day else NONE


def _time_text(moment: datetime.datetime) -> str:
    return _local(moment).strftime("%Y-%m-%d %H:%M")


def _decimal_text(value: Decimal | None) -> str:
    if value is None:
        return NONE
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _basic_fields(dossier: Dossier) -> list[tuple[str, Any]]:
    return [
        ("姓名", dossier.name),
        ("学号/工号", dossier.number),
        ("性别", dossier.gender),
        ("民族", dossier.ethnicity),
        ("出生日期", dossier.birth_date),
        ("所在党组织", dossier.organization),
        ("学院", dossier.college),
        ("年级", dossier.grade),
        ("班级", dossier.class_name),
        ("共青团员", _yes_no(dossier.league_member)),
        ("当前阶段", dossier.stage),
        ("拟进入阶段", dossier.next_stage),
        ("审查日期", dossier.eligible_on),
        ("学校党委", dossier.school),
        ("生成时间", _local(dossier.generated_at)),
        ("生成人", dossier.generated_by),
    ]


# --- Excel ----------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2E4E1")
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
_CELL_ALIGNMENT = Alignment(vertical="top", wrap_text=True)
_STRUCK_FONT = Font(strike=True, color="808080")
_SUPERSEDED_FONT = Font(bold=True, color="B3261E")
_MET_FONT = Font(color="1E7B34")
_NOT_MET_FONT = Font(bold=True, color="B3261E")
_DATE_FORMAT = "yyyy-mm-dd"
_TIME_FORMAT = "yyyy-mm-dd hh:mm"
_MAX_COLUMN_WIDTH = 48  # in characters; longer texts wrap


def dossier_xlsx(dossier: Dossier) -> bytes:
    """The dossier as a workbook of four sheets (基本信息, 发展记录, 培训记录, 发展条件审查).

    Each sheet has a bold, frozen header row, then one row per item; dates and times are real
    date cells (Beijing time), hours and grades are numbers. A superseded record keeps its row,
    struck through, with 状态 "已更正".
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = f"{TITLE}：{dossier.name}"
    workbook.properties.creator = dossier.generated_by
    workbook.properties.created = _local(dossier.generated_at)

    _add_sheet(workbook, BASIC_SHEET, BASIC_HEADERS, _basic_fields(dossier))

    records = _add_sheet(
        workbook,
        RECORD_SHEET,
        RECORD_HEADERS,
        [
            (
                number,
                record.on,
                record.kind_label,
                record.details,
                record.correction or None,
                SUPERSEDED if record.superseded else CURRENT,
                record.recorded_by,
                _local(record.recorded_at),
            )
            for number, record in enumerate(dossier.records, start=1)
        ],
    )
    status_column = RECORD_HEADERS.index("状态") + 1
    for row, record in enumerate(dossier.records, start=2):
        if record.superseded:
            for cell in records[row]:
                cell.font = _STRUCK_FONT
            records.cell(row, status_column).font = _SUPERSEDED_FONT

    _add_sheet(
        workbook,
        TRAINING_SHEET,
        TRAINING_HEADERS,
        [
            (number, t.title, t.hours, t.completed_on, t.grade, t.source)
            for number, t in enumerate(dossier.trainings, start=1)
        ],
    )

    checks = _add_sheet(
        workbook,
        CHECK_SHEET,
        CHECK_HEADERS,
        [
            (
                number,
                c.label,
                MET if c.met else NOT_MET,
                BLOCKING if c.blocking else WARNING,
                c.evidence,
                c.article,
                c.due_on,
            )
            for number, c in enumerate(dossier.checks, start=1)
        ],
    )
    result_column = CHECK_HEADERS.index("结果") + 1
    for row, check in enumerate(dossier.checks, start=2):
        checks.cell(row, result_column).font = _MET_FONT if check.met else _NOT_MET_FONT

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_sheet(
    workbook: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Worksheet:
    sheet = workbook.create_sheet(title)
    sheet.append(list(headers))
    for row in rows:
        # People's text (names, notes, reasons) is written so that none of it becomes a formula.
        append_row(sheet, [None if value == "" else value for value in row])

    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _HEADER_ALIGNMENT
    widths = [_display_width(header) for header in headers]
    for row_cells in sheet.iter_rows(min_row=2):
        for index, cell in enumerate(row_cells):
            cell.alignment = _CELL_ALIGNMENT
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = _TIME_FORMAT
                widths[index] = max(widths[index], 16)
            elif isinstance(cell.value, datetime.date):
                cell.number_format = _DATE_FORMAT
                widths[index] = max(widths[index], 10)
            elif cell.value is not None:
                longest = max(_display_width(line) for line in str(cell.value).splitlines() or [""])
                widths[index] = max(widths[index], longest)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, _MAX_COLUMN_WIDTH)

    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    if sheet.max_row > 1:
        sheet.auto_filter.ref = sheet.dimensions
    return sheet


def _display_width(text: str) -> int:
    """Width in Excel's character units: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# --- PDF: fonts -----------------------------------------------------------------------------

# reportlab looks fonts up by name in one process-wide table and cannot unregister them. Every
# PDF carries a font subset of its own, so two fixed names are rebound to the current PDF's
# subsets while it is built, under a lock: a table that grew by one subset per PDF would keep
# each of them for the life of the worker. (registerFont cannot rebind a name, hence _fonts.)
REGULAR = "DossierCJK"
BOLD = "DossierCJK-Bold"
_FALLBACK = "STSong-Light"
_build_lock = threading.Lock()


@dataclass
class _Ink:
    """The font names a PDF is set in, and every character drawn with each of them, so the
    embedded subsets hold exactly what the page needs."""

    regular: str
    bold: str
    used: dict[str, set[str]] = field(default_factory=dict)

    def note(self, font: str, text: str) -> None:
        self.used.setdefault(font, set()).update(text)


@lru_cache(maxsize=32)
def _face_index(font_path: str) -> int:
    """In a font collection, the Simplified Chinese face (Noto's "Noto Sans CJK SC" is the third
    face, after JP and KR, whose glyph shapes differ); else the first face."""
    if not font_path.lower().endswith((".ttc", ".otc")):
        return 0
    collection = TTCollection(font_path, lazy=True)
    names = [font["name"].getDebugName(1) or "" for font in collection.fonts]
    for wanted in (" SC", " CN", "GB", "SC"):
        for index, family in enumerate(names):
            if wanted in family and "Mono" not in family:
                return index
    return 0


def _bold_sibling(font_path: str) -> str:
    """NotoSansCJK-Bold.ttc beside NotoSansCJK-Regular.ttc; the regular file if there is none."""
    path = Path(font_path)
    sibling = path.with_name(path.name.replace("Regular", "Bold"))
    return str(sibling) if "Regular" in path.name and sibling.is_file() else font_path


@lru_cache(maxsize=8)
def _truetype_subset(font_path: str, characters: frozenset[str]) -> bytes:
    """A TrueType-outline font holding just these characters, cut from the file's Chinese face.

    Cached: the bold face draws the same headings in every dossier."""
    font = OpenTypeFont(font_path, fontNumber=_face_index(font_path), lazy=True)
    options = font_subset.Options()
    options.layout_features = []  # Chinese needs no shaping, and reportlab applies none
    options.hinting = False
    options.notdef_outline = True  # a missing character prints as a box, not as nothing
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "VORG"]
    options.drop_tables += ["vhea", "vmtx"]
    subsetter = font_subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(characters)))
    subsetter.subset(font)
    if "CFF " in font:
        _cff_to_glyf(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _cff_to_glyf(font: OpenTypeFont) -> None:
    """Redraw CFF (cubic) outlines as TrueType (quadratic) ones, after fontTools' otf2ttf."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        # PostScript contours run the other way round from TrueType ones.
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)

    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = 0
    maxp.numGlyphs = len(glyph_order)
    font["maxp"] = maxp
    font["post"].formatType = 3.0  # no glyph names: nothing reads them
    font.sfntVersion = "\x00\x01\x00\x00"


def _embedded_fonts(font_path: str, ink: _Ink) -> list[TTFont]:
    """reportlab fonts for ``ink``'s names, each holding the characters drawn with it."""
    fonts = []
    for name, path in ((ink.regular, font_path), (ink.bold, _bold_sibling(font_path))):
        characters = frozenset(ink.used.get(name, ()))
        fonts.append(TTFont(name, io.BytesIO(_truetype_subset(path, characters))))
    return fonts


@contextmanager
def _fonts_bound(fonts: list[TTFont]) -> Iterator[None]:
    with _build_lock:
        for font in fonts:
            pdfmetrics._fonts[font.fontName] = font
        yield


# Full-width punctuation that Chinese typesetting never puts at the start of a line. reportlab's
# list has the Japanese marks (、。」) but not ，；：！？, so a comma could open a line.
_CANNOT_START_LINE = "，；：！？》〉”’％"


@lru_cache(maxsize=1)
def _set_up_libraries() -> None:
    # Paragraph looks every font name up as a family member (for <b>), even before the font
    # itself is needed.
    registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    # Both line breakers (one frag, many frags) read their own copy of the list; such a mark
    # then hangs in the cell's padding instead of opening the next line.
    for module in (textsplit, paragraph):
        missing = "".join(ch for ch in _CANNOT_START_LINE if ch not in module.ALL_CANNOT_START)
        module.ALL_CANNOT_START += missing
    # fontTools logs every table it prunes, and the glyph lists, at INFO: several kilobytes per
    # PDF in a log kept at INFO. Unless LOGGING set a level for it, keep its warnings only.
    font_tools_log = logging.getLogger("fontTools")
    if font_tools_log.level == logging.NOTSET:
        font_tools_log.setLevel(logging.WARNING)


def _fallback_font() -> str:
    if _FALLBACK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FALLBACK))
    return _FALLBACK


# --- PDF: layout ----------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 20 * mm

INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#6b6b6b")
RED = colors.HexColor("#a8201a")
GREEN = colors.HexColor("#1e7b34")
RULE = colors.HexColor("#9a9a9a")
HEADER_FILL = colors.HexColor("#f2e4e1")
LABEL_FILL = colors.HexColor("#f7f2f0")
STRUCK_FILL = colors.HexColor("#f1f1f1")

# Column widths in mm; each table fills the width between the margins (174 mm).
RECORD_COLUMNS = (("日期", 21), ("事项", 29), ("内容", 65), ("登记人", 30), ("登记时间", 29))
TRAINING_COLUMNS = (("培训名称", 60), ("学时", 15), ("完成日期", 22), ("成绩", 15), ("来源", 62))
CHECK_COLUMNS = (
    ("条件", 36),
    ("结果", 19),
    ("依据", 55),
    ("条款", 24),
    ("期限", 21),
    ("类别", 19),
)


def dossier_pdf(dossier: Dossier, *, font_path: str) -> bytes:
    """The dossier as an A4 portrait PDF, as many pages as it takes.

    ``font_path`` is a font with Chinese glyphs (``courses.certificates.render.find_cjk_font``);
    in a collection the Simplified Chinese face is used, and a ``-Bold`` sibling file, when
    there is one, sets the headings. If the font cannot be read, the PDF is set in the
    non-embedded STSong-Light instead and a warning is logged. Takes about a second (the font
    subset); PDFs are built one at a time per process, as reportlab's font table is global.
    """
    _set_up_libraries()
    ink = _Ink(regular=REGULAR, bold=BOLD)
    story = _Story(dossier, ink).build()
    try:
        fonts = _embedded_fonts(font_path, ink)
    except (OSError, TTLibError, TTFError) as error:
        logger.warning(
            "Dossier PDF of %s: cannot use the font %s (%s); falling back to %s, not embedded.",
            dossier.number,
            font_path,
            error,
            _FALLBACK,
        )
        fallback = _fallback_font()
        ink = _Ink(regular=fallback, bold=fallback)
        story = _Story(dossier, ink).build()
        fonts = []
    with _fonts_bound(fonts):
        return _render(dossier, story, ink)


def _render(dossier: Dossier, story: list[Flowable], ink: _Ink) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=f"{TITLE}：{dossier.name}",
        author=dossier.school,
        subject=f"{dossier.name}（{dossier.number}）",
        lang="zh-CN",
        # Not Helvetica, reportlab's default: every font the PDF names is then embedded.
        initialFontName=ink.regular,
        initialFontSize=9,
    )

    def canvas(*args: Any, **kwargs: Any) -> "_NumberedCanvas":
        return _NumberedCanvas(
            *args,
            font=ink.regular,
            running_head=_running_head(dossier),
            generated=_generated_line(dossier),
            **kwargs,
        )

    document.build(story, canvasmaker=canvas)
    return buffer.getvalue()


def _running_head(dossier: Dossier) -> str:
    return f"{dossier.name}（{dossier.number}）"


def _generated_line(dossier: Dossier) -> str:
    return f"生成时间：{_time_text(dossier.generated_at)}　生成人：{dossier.generated_by}"


class _NumberedCanvas(Canvas):
    """Holds every page back until the last one is laid out, so each footer can say
    "第 N 页 共 M 页"; pages after the first carry the person's name at the top."""

    def __init__(
        self, *args: Any, font: str, running_head: str, generated: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._decor_font = font
        self._running_head = running_head
        self._generated = generated

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._decorate(number, total)
            super().showPage()
        super().save()

    def _decorate(self, number: int, total: int) -> None:
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.setFillColor(MUTED)
        self.setFont(self._decor_font, 8)
        if number > 1:
            top = PAGE_HEIGHT - 13 * mm
            self.drawString(MARGIN_X, top, TITLE)
            self.drawRightString(PAGE_WIDTH - MARGIN_X, top, self._running_head)
            self.line(MARGIN_X, top - 2 * mm, PAGE_WIDTH - MARGIN_X, top - 2 * mm)
        bottom = 12 * mm
        self.line(MARGIN_X, bottom + 4 * mm, PAGE_WIDTH - MARGIN_X, bottom + 4 * mm)
        self.drawString(MARGIN_X, bottom, self._generated)
        self.drawRightString(PAGE_WIDTH - MARGIN_X, bottom, f"第 {number} 页 共 {total} 页")
        self.restoreState()


class _Verdict(Flowable):
    """A drawn ✓ or ✗ followed by 满足 / 未满足: drawn, because not every Chinese font has
    both marks (Noto CJK lacks ✗), and the words keep the meaning in the text layer."""

    def __init__(self, met: bool, *, font: str, size: float) -> None:
        super().__init__()
        self.met = met
        self.font = font
        self.size = size
        self.text = MET if met else NOT_MET

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = self.size + 2 + pdfmetrics.stringWidth(self.text, self.font, self.size)
        self.height = self.size * 1.4
        return self.width, self.height

    def draw(self) -> None:
        canvas, s = self.canv, self.size
        base = self.height - s  # the text's baseline, as a Paragraph would set it
        canvas.saveState()
        canvas.setLineWidth(s * 0.14)
        canvas.setLineCap(1)
        canvas.setLineJoin(1)
        if self.met:
            canvas.setStrokeColor(GREEN)
            canvas.setFillColor(GREEN)
            path = canvas.beginPath()
            path.moveTo(s * 0.08, base + s * 0.42)
            path.lineTo(s * 0.36, base + s * 0.12)
            path.lineTo(s * 0.86, base + s * 0.8)
            canvas.drawPath(path, stroke=1, fill=0)
        else:
            canvas.setStrokeColor(RED)
            canvas.setFillColor(RED)
            canvas.line(s * 0.15, base + s * 0.1, s * 0.8, base + s * 0.75)
            canvas.line(s * 0.15, base + s * 0.75, s * 0.8, base + s * 0.1)
        canvas.setFont(self.font, s)
        canvas.drawString(s + 2, base, self.text)
        canvas.restoreState()


class _Story:
    """The flowables of one dossier. Every text goes through ``_para`` (or is noted with
    ``ink.note``), which records its characters for the font subsets."""

    def __init__(self, dossier: Dossier, ink: _Ink) -> None:
        self.dossier = dossier
        self.ink = ink
        body = ParagraphStyle(
            "body", fontName=ink.regular, fontSize=9, leading=12.5, textColor=INK, wordWrap="CJK"
        )
        self.body = body
        self.small = ParagraphStyle("small", parent=body, fontSize=8, leading=11)
        self.note = ParagraphStyle("note", parent=self.small, textColor=RED)
        self.muted = ParagraphStyle("muted", parent=body, textColor=MUTED)
        self.header = ParagraphStyle("header", parent=body, fontName=ink.bold, alignment=TA_CENTER)
        self.label = ParagraphStyle("label", parent=body, fontName=ink.bold)
        self.title = ParagraphStyle(
            "title", parent=body, fontName=ink.bold, fontSize=20, leading=28, alignment=TA_CENTER
        )
        self.school = ParagraphStyle(
            "school", parent=body, fontSize=12, leading=18, alignment=TA_CENTER, textColor=MUTED
        )
        self.heading = ParagraphStyle(
            "heading",
            parent=body,
            fontName=ink.bold,
            fontSize=12,
            leading=16,
            textColor=RED,
            spaceBefore=12,
            spaceAfter=6,
        )
        self.caption = ParagraphStyle("caption", parent=body, spaceAfter=4)

    def build(self) -> list[Flowable]:
        # The page furniture drawn by _NumberedCanvas, in the regular face.
        d = self.dossier
        self.ink.note(self.ink.regular, TITLE + _running_head(d) + _generated_line(d))
        self.ink.note(self.ink.regular, "第页共 0123456789" + MET + NOT_MET)
        # Bold sets only fixed words and counts: with every digit in, its subset is the same
        # for every dossier, and cached.
        self.ink.note(self.ink.bold, "0123456789")
        return [
            self._para(TITLE, self.title),
            self._para(d.school, self.school),
            Spacer(1, 4 * mm),
            *self._basic(),
            *self._records(),
            *self._trainings(),
            *self._checks(),
        ]

    def _para(
        self, text: str, style: ParagraphStyle, *, struck: bool = False, color: str = ""
    ) -> Paragraph:
        self.ink.note(style.fontName, text)
        markup = escape(text).replace("\n", "<br/>")
        if struck:
            markup = f"<strike>{markup}</strike>"
        if color:
            markup = f'<font color="{color}">{markup}</font>'
        return Paragraph(markup, style)

    def _value(self, text: str) -> Paragraph:
        return self._para(text or NONE, self.body)

    def _table(
        self, columns: Sequence[tuple[str, float]], rows: list[list[Any]], extra: list[Any]
    ) -> Table:
        header = [self._para(title, self.header) for title, _width in columns]
        table = Table(
            [header, *rows],
            colWidths=[width * mm for _title, width in columns],
            repeatRows=1,
            splitInRow=1,  # a record too long for one page continues on the next
        )
        header_style = [
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ]
        table.setStyle(TableStyle([*_grid(self.ink.regular), *header_style, *extra]))
        return table

    def _basic(self) -> list[Flowable]:
        d = self.dossier
        pairs = [
            ("姓名", d.name, "学号/工号", d.number),
            ("性别", d.gender, "民族", d.ethnicity),
            ("出生日期", _date_text(d.birth_date), "共青团员", _yes_no(d.league_member)),
            ("学院", d.college, "年级", f"{d.grade}级" if d.grade else ""),
            ("班级", d.class_name, "当前阶段", d.stage),
        ]
        rows: list[list[Any]] = [
            [self._para(a, self.label), self._value(b), self._para(c, self.label), self._value(e)]
            for a, b, c, e in pairs
        ]
        rows.append([self._para("所在党组织", self.label), self._value(d.organization), "", ""])
        last = len(rows) - 1
        table = Table(rows, colWidths=[24 * mm, 63 * mm, 24 * mm, 63 * mm])
        table.setStyle(
            TableStyle(
                [
                    *_grid(self.ink.regular),
                    ("BACKGROUND", (0, 0), (0, -1), LABEL_FILL),
                    ("BACKGROUND", (2, 0), (2, last - 1), LABEL_FILL),
                    ("SPAN", (1, last), (3, last)),
                ]
            )
        )
        return [self._para("一、基本信息", self.heading), table]

    def _records(self) -> list[Flowable]:
        records = self.dossier.records
        heading = self._para(f"二、发展记录（共 {len(records)} 条）", self.heading)
        if not records:
            return [heading, self._para("暂无记录。", self.body)]
        rows: list[list[Any]] = []
        extra: list[Any] = []
        for row, record in enumerate(records, start=1):
            struck = record.superseded
            style = self.muted if struck else self.body
            kind: list[Flowable] = [self._para(record.kind_label, style, struck=struck)]
            content: list[Flowable] = [self._para(record.details or NONE, style, struck=struck)]
            if struck:
                kind.append(self._para(f"【{SUPERSEDED}】", self.note))
                extra.append(("BACKGROUND", (0, row), (-1, row), STRUCK_FILL))
            if record.correction:
                content.append(self._para(record.correction, self.note))
            rows.append(
                [
                    self._para(record.on.isoformat(), style, struck=struck),
                    kind,
                    content,
                    self._para(record.recorded_by, style),
                    self._para(_time_text(record.recorded_at), style),
                ]
            )
        flowables: list[Flowable] = [heading, self._table(RECORD_COLUMNS, rows, extra)]
        if any(record.superseded for record in records):
            flowables += [
                Spacer(1, 2 * mm),
                self._para(
                    "注：划线并标“已更正”的记录已被其后的更正记录取代，仅作留痕。", self.small
                ),
            ]
        return flowables

    def _trainings(self) -> list[Flowable]:
        trainings = self.dossier.trainings
        heading = self._para("三、培训记录", self.heading)
        if not trainings:
            return [heading, self._para("暂无培训记录。", self.body)]
        rows: list[list[Any]] = [
            [
                self._value(t.title),
                self._para(_decimal_text(t.hours), self.body),
                self._para(t.completed_on.isoformat(), self.body),
                self._para(_decimal_text(t.grade), self.body),
                self._value(t.source),
            ]
            for t in trainings
        ]
        total = _decimal_text(sum((t.hours for t in trainings), Decimal(0)))
        return [
            heading,
            self._table(TRAINING_COLUMNS, rows, []),
            Spacer(1, 2 * mm),
            self._para(f"合计 {len(trainings)} 项，{total} 学时。", self.small),
        ]

    def _checks(self) -> list[Flowable]:
        d = self.dossier
        next_stage = d.next_stage or NONE
        flowables: list[Flowable] = [
            self._para("四、发展条件审查", self.heading),
            self._para(
                f"拟进入阶段：{next_stage}；审查日期：{d.eligible_on.isoformat()}", self.caption
            ),
        ]
        if not d.checks:
            return [*flowables, self._para("无审查项目。", self.body)]
        rows: list[list[Any]] = [
            [
                self._value(c.label),
                _Verdict(c.met, font=self.ink.regular, size=9),
                self._value(c.evidence),
                self._value(c.article),
                self._para(_date_text(c.due_on), self.body),
                self._para(BLOCKING if c.blocking else WARNING, self.body),
            ]
            for c in d.checks
        ]
        return [*flowables, self._table(CHECK_COLUMNS, rows, [])]


def _grid(font: str) -> list[tuple[Any, ...]]:
    return [
        # Cells hold Paragraphs, but a table still sets its own font on the canvas (Helvetica
        # unless told): name ours, so the PDF mentions no font it does not embed.
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
