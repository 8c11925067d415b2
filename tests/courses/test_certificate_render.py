"""Drawing certificates: the font search, the page sizes, real glyphs, the QR code, the layout
of long names and titles, and byte-for-byte repeatable output. Pure: no database."""

import datetime
import glob
import io
import itertools
import re
from dataclasses import replace
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image, ImageChops, ImageDraw

from courses.certificates import render
from courses.certificates.render import (
    CertificateContent,
    FontNotFound,
    find_cjk_font,
    has_cjk_glyphs,
    layout_certificate,
    render_pdf,
    render_png,
)

CONTENT = CertificateContent(
    serial="2026-DX-7K3M9Q",
    holder_name="林晓雨",
    holder_number="2023010101",
    course_title="入党积极分子培训",
    hours=Decimal("32"),
    final_grade=Decimal("86.5"),
    started_on=datetime.date(2026, 9, 1),
    completed_on=datetime.date(2026, 11, 20),
    issued_on=datetime.date(2026, 11, 20),
    issuer="中共江城大学委员会党校",
    school_name="江城大学网上党校",
    verify_url="https://dangxiao.example.edu.cn/verify/2026-DX-7K3M9Q/",
    signature="Jm4bQ0v1n6u0kq0o2Vx3M8sW2n5Yc1hG7dR9pL4tA6eF3zK8uB1yN5wC0xD2aS7qT4iO9jH6gP3lE8mR1vZ0fQ==",
)

LATIN_FONT_NAMES = (
    "DejaVuSans.ttf",
    "DejaVuSerif.ttf",
    "LiberationSans-Regular.ttf",
    "LiberationSerif-Regular.ttf",
    "FreeSans.ttf",
    "Arial.ttf",
    "arial.ttf",
)


@pytest.fixture(scope="module")
def cjk_font():
    try:
        return find_cjk_font()
    except FontNotFound as error:
        pytest.skip(
            f"no font with Chinese glyphs on this machine (CI installs fonts-noto-cjk): {error}"
        )


@pytest.fixture(scope="module")
def latin_font():
    """A real font file without Chinese glyphs, to show what tofu looks like."""
    for name in LATIN_FONT_NAMES:
        for root in (
            "/usr/share/fonts",
            "/Library/Fonts",
            "/System/Library/Fonts",
            "C:/Windows/Fonts",
        ):
            for path in sorted(glob.glob(f"{root}/**/{name}", recursive=True)):
                return path
    pytest.skip(f"no Latin-only font file found (looked for {', '.join(LATIN_FONT_NAMES)})")


def open_png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- Finding a font ---------------------------------------------------------------------------


def test_find_cjk_font_finds_a_font_with_chinese_glyphs(cjk_font):
    assert has_cjk_glyphs(cjk_font)


def test_an_override_that_has_chinese_glyphs_wins(cjk_font):
    assert find_cjk_font(cjk_font) == cjk_font


def test_an_override_that_does_not_exist_raises_naming_the_setting(tmp_path):
    with pytest.raises(FontNotFound, match="CERTIFICATE_FONT") as raised:
        find_cjk_font(str(tmp_path / "missing.ttc"))
    assert "missing.ttc" in str(raised.value)


def test_an_override_without_chinese_glyphs_raises_naming_the_setting(latin_font):
    with pytest.raises(FontNotFound, match="CERTIFICATE_FONT") as raised:
        find_cjk_font(latin_font)
    assert "Chinese" in str(raised.value)


def test_an_override_that_is_not_a_font_raises(tmp_path):
    not_a_font = tmp_path / "font.ttf"
    not_a_font.write_text("not a font")
    with pytest.raises(FontNotFound, match="CERTIFICATE_FONT"):
        find_cjk_font(str(not_a_font))


def test_a_fontconfig_answer_without_chinese_glyphs_is_rejected(monkeypatch, latin_font):
    """fontconfig answers ':lang=zh' with its best match even when nothing covers Chinese (this
    is what a machine without CJK fonts answers: DejaVu)."""
    monkeypatch.setattr(render, "_FONT_CANDIDATES", ())
    monkeypatch.setattr(render.shutil, "which", lambda name: "/usr/bin/fc-match")
    monkeypatch.setattr(render, "_fc_match_chinese", lambda fc_match: latin_font)
    with pytest.raises(FontNotFound) as raised:
        find_cjk_font()
    message = str(raised.value)
    assert latin_font in message
    assert "fonts-noto-cjk" in message
    assert "CERTIFICATE_FONT" in message


def test_a_fontconfig_answer_with_chinese_glyphs_is_used(monkeypatch, cjk_font):
    monkeypatch.setattr(render, "_FONT_CANDIDATES", ())
    monkeypatch.setattr(render.shutil, "which", lambda name: "/usr/bin/fc-match")
    monkeypatch.setattr(render, "_fc_match_chinese", lambda fc_match: cjk_font)
    assert find_cjk_font() == cjk_font


def test_without_any_font_the_message_says_where_it_looked_and_how_to_fix_it(monkeypatch):
    monkeypatch.setattr(render, "_FONT_CANDIDATES", ("/nowhere/fonts/*CJK*",))
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    with pytest.raises(FontNotFound) as raised:
        find_cjk_font()
    message = str(raised.value)
    assert "/nowhere/fonts/*CJK*" in message
    assert "fc-match is not installed" in message
    assert "fonts-noto-cjk" in message
    assert "CERTIFICATE_FONT" in message


def test_has_cjk_glyphs_is_false_for_a_latin_only_font(latin_font):
    assert not has_cjk_glyphs(latin_font)


def test_has_cjk_glyphs_is_true_for_the_cjk_font(cjk_font):
    assert has_cjk_glyphs(cjk_font)


def test_has_cjk_glyphs_is_false_for_a_file_that_is_not_a_font(tmp_path):
    not_a_font = tmp_path / "font.otf"
    not_a_font.write_bytes(b"\x00" * 64)
    assert not has_cjk_glyphs(str(not_a_font))


# --- Page sizes -------------------------------------------------------------------------------


def test_the_png_is_a4_landscape_at_150_dpi(cjk_font):
    image = open_png(render_png(CONTENT, font_path=cjk_font))
    assert image.format == "PNG"
    assert image.size == (1754, 1240)


def test_the_pdf_is_one_a4_landscape_page(cjk_font):
    pdf = render_pdf(CONTENT, font_path=cjk_font)
    assert pdf.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page\b", pdf)
    assert len(pages) == 1
    assert re.search(rb"/Count\s+1\b", pdf)
    media_box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert media_box, "no MediaBox in the PDF"
    width, height = (float(value) for value in media_box.groups())
    # A4 is 297 × 210 mm, 841.89 × 595.28 points.
    assert width == pytest.approx(841.89, abs=1)
    assert height == pytest.approx(595.28, abs=1)


# --- Real glyphs, not tofu --------------------------------------------------------------------


def name_region(content: CertificateContent, font_path: str, box) -> bytes:
    image = open_png(render_png(content, font_path=font_path)).convert("RGB")
    region = image.crop(box)
    assert ImageChops.difference(region, Image.new("RGB", region.size, render.PAPER)).getbbox(), (
        "nothing is drawn where the layout says the name is"
    )
    return region.tobytes()


def union(*boxes):
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def test_the_name_is_drawn_with_real_chinese_glyphs_not_tofu(cjk_font, latin_font):
    """A font without Chinese draws every Chinese character as the same missing-glyph box, so
    two different names of the same length look identical where the name is drawn; real
    glyphs differ. The layout says where the name is (``name_box``); we crop the union of both
    names' boxes from two renderings and compare.

    The Latin-only font is the control: it shows that the comparison does see tofu (the crops
    are identical), so the difference with the CJK font comes from real glyphs, not from
    something else that changes between the two renderings.
    """
    first = replace(CONTENT, holder_name="林晓雨")
    second = replace(CONTENT, holder_name="王建国")

    def crops(font_path):
        box = union(
            layout_certificate(first, font_path=font_path).name_box,
            layout_certificate(second, font_path=font_path).name_box,
        )
        return name_region(first, font_path, box), name_region(second, font_path, box)

    cjk_first, cjk_second = crops(cjk_font)
    assert cjk_first != cjk_second

    tofu_first, tofu_second = crops(latin_font)
    assert tofu_first == tofu_second


# --- QR code ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        CONTENT.verify_url,
        "https://dangxiao.example.edu.cn/verify/2026-DX-7K3M9Q/?lang=zh-hans&from=print&ref="
        + "x" * 120,
    ],
    ids=["usual", "long"],
)
def test_the_qr_code_decodes_to_the_verify_url(cjk_font, url):
    content = replace(CONTENT, verify_url=url)
    image = open_png(render_png(content, font_path=cjk_font))
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode] == [url]
    qr_box = layout_certificate(content, font_path=cjk_font).qr_box
    (found,) = results
    corners = (found.position.top_left, found.position.bottom_right)
    assert all(qr_box[0] <= p.x <= qr_box[2] and qr_box[1] <= p.y <= qr_box[3] for p in corners)


# --- Layout -----------------------------------------------------------------------------------

NAMES = [
    "林晓",
    "林晓雨",
    "欧阳晓雨",
    "阿卜杜热合曼·买买提",
    "Alexander Maximilian Schneider-Weber",
]
TITLES = [
    "党史",
    "入党积极分子培训",
    "习近平新时代中国特色社会主义思想专题学习暨入党积极分子培训班第十二期高级研修",  # 38
    "新时代中国特色社会主义思想与党的二十大精神专题学习暨发展对象培训班第十二期研修",  # 40
]


def inside(inner, outer) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def assert_laid_out_cleanly(layout):
    frame = layout.content_box
    for item in layout.texts:
        assert inside(item.box, frame), f"{item.role} {item.text!r} {item.box} leaves {frame}"
        assert item.box[2] > item.box[0], f"{item.role} is empty"
    assert inside(layout.qr_box, frame)
    assert inside(layout.seal_box, frame)
    for a, b in itertools.combinations(layout.texts, 2):
        assert not overlap(a.box, b.box), f"{a.role} {a.box} overlaps {b.role} {b.box}"
    for item in layout.texts:
        assert not overlap(item.box, layout.qr_box), f"{item.role} overlaps the QR code"
        # The seal is pressed over the issuer and the date on purpose, and over nothing else.
        if item.role not in ("issuer", "issued_on"):
            assert not overlap(item.box, layout.seal_box), f"{item.role} is under the seal"
    assert not overlap(layout.qr_box, layout.seal_box)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("title", TITLES)
@pytest.mark.parametrize("grade", [None, Decimal("86.5")])
@pytest.mark.parametrize("started_on", [None, datetime.date(2026, 9, 1)])
def test_names_and_titles_of_any_length_stay_inside_the_frame(
    cjk_font, name, title, grade, started_on
):
    content = replace(
        CONTENT, holder_name=name, course_title=title, final_grade=grade, started_on=started_on
    )
    assert_laid_out_cleanly(layout_certificate(content, font_path=cjk_font))


def test_a_long_school_name_issuer_and_signature_stay_inside_the_frame(cjk_font):
    content = replace(
        CONTENT,
        holder_name="阿卜杜热合曼·买买提明",
        course_title=TITLES[-1],
        school_name="江城理工大学信息与电子工程学院网上党校",
        issuer="中国共产党江城理工大学信息与电子工程学院委员会党校",
        signature=CONTENT.signature * 3,
        hours=Decimal("128.5"),
    )
    layout = layout_certificate(content, font_path=cjk_font)
    assert_laid_out_cleanly(layout)
    assert "".join(item.text for item in signature_lines(layout)) == content.signature


def test_the_layout_accounts_for_every_mark_inside_the_frame(cjk_font):
    """Nothing is drawn inside the content box outside the boxes the layout reports, so the
    overflow checks above are checks of the real picture."""
    content = replace(CONTENT, holder_name="欧阳晓雨", course_title=TITLES[-1])
    layout = layout_certificate(content, font_path=cjk_font)
    image = open_png(render_png(content, font_path=cjk_font)).convert("RGB")
    ink = ImageChops.difference(image, Image.new("RGB", image.size, render.PAPER)).convert("L")
    ink = ink.point(lambda value: 255 if value > 24 else 0)
    draw = ImageDraw.Draw(ink)
    known = [
        *(item.box for item in layout.texts),
        layout.qr_box,
        layout.seal_box,
        *layout.decoration_boxes,
    ]
    for x0, y0, x1, y1 in known:
        draw.rectangle([x0 - 2, y0 - 2, x1 + 2, y1 + 2], fill=0)
    stray = ink.crop(layout.content_box).getbbox()
    assert stray is None, f"ink outside every layout box at {stray} (relative to the content box)"


def body_of(layout) -> str:
    """The body as printed, without spaces (a space at a line break is not drawn)."""
    lines = [item.text for item in layout.texts if item.role.startswith("body_")]
    return "".join(lines).replace(" ", "")


def test_the_body_says_what_was_completed(cjk_font):
    layout = layout_certificate(CONTENT, font_path=cjk_font)
    assert body_of(layout) == (
        "于2026年9月1日至2026年11月20日参加江城大学网上党校「入党积极分子培训」，"
        "完成全部学习任务，共计32学时，经考核合格（综合成绩86.5分），准予结业。特发此证。"
    )
    assert layout.text("name").text == "林晓雨"
    assert layout.text("salutation").text == "同志（学号 2023010101）："
    assert layout.text("serial").text == "证书编号：2026-DX-7K3M9Q"
    assert layout.text("issuer").text == "中共江城大学委员会党校"
    assert layout.text("issued_on").text == "2026年11月20日"


def test_without_a_grade_or_start_date_neither_is_printed(cjk_font):
    content = replace(CONTENT, final_grade=None, started_on=None, hours=Decimal("32.0"))
    assert body_of(layout_certificate(content, font_path=cjk_font)) == (
        "参加江城大学网上党校「入党积极分子培训」，于2026年11月20日完成全部学习任务，"
        "共计32学时，经考核合格，准予结业。特发此证。"
    )


@pytest.mark.parametrize("width", range(240, 700, 7))
def test_wrapping_never_breaks_inside_a_number_nor_before_closing_punctuation(cjk_font, width):
    font = render._load_font(cjk_font, 30)
    text = "于 2026年9月1日至 2026年11月20日参加「入党积极分子培训」，共计 32 学时，综合成绩 86.5 分，学号 2023010101。"
    lines = render.wrap_text(text, font, width, first_indent=60)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for number in ("2026", "32", "86.5", "2023010101", "20"):
        assert any(number in line for line in lines)
    for before, after in itertools.pairwise(lines):
        assert not (before[-1].isdigit() and after[0].isdigit()), (before, after)
        assert after[0] not in "，。」）：", after
        assert before[-1] not in "「（", before
    for index, line in enumerate(lines):
        room = width - (60 if index == 0 else 0)
        # Only an unbreakable unit wider than the line itself may overflow, and none is here.
        assert font.getlength(line) <= room or len(line) == 1


# --- The signature ----------------------------------------------------------------------------


def signature_lines(layout):
    return [item for item in layout.texts if re.fullmatch(r"signature_\d+", item.role)]


@pytest.fixture(params=["monospaced face", "no monospaced face"])
def signature_face(request, monkeypatch, cjk_font):
    """Both ways of setting the signature: in the monospaced face fonts-noto-cjk ships beside
    the serif (Noto Sans Mono CJK SC), and by the glyphs' ink for a font that has none."""
    if request.param == "monospaced face":
        if render._monospaced_face(cjk_font) is None:
            pytest.skip(f"no monospaced face in or beside {cjk_font}")
    else:
        monkeypatch.setattr(render, "_monospaced_face", lambda font_path: None)
    return request.param


def ink_runs(image: Image.Image, box) -> list[tuple[int, int]]:
    """The runs of columns of ``box`` that have ink in them, as (first, past the last)."""
    crop = image.convert("RGB").crop(box)
    ink = ImageChops.difference(crop, Image.new("RGB", crop.size, render.PAPER)).convert("L")
    pixels = ink.load()
    inked = [any(pixels[x, y] > 48 for y in range(crop.height)) for x in range(crop.width)]
    runs = []
    start = None
    for x, has_ink in enumerate([*inked, False]):
        if has_ink and start is None:
            start = x
        elif not has_ink and start is not None:
            runs.append((start, x))
            start = None
    return runs


def test_the_signature_reads_evenly(cjk_font, signature_face):
    """Every character of the signature stands on its own (none touches its neighbour) and the
    blank between two glyphs varies by a few pixels at most. Proportional glyphs in fixed
    cells, as it was drawn before, ran M into 8 and W into 2 (78 separate glyphs of 88) and
    left blanks of 1 to 6 px (-2 to 6 px, counting the glyphs that overlap)."""
    layout = layout_certificate(CONTENT, font_path=cjk_font)
    image = open_png(render_png(CONTENT, font_path=cjk_font))
    (line,) = signature_lines(layout)
    x0, y0, x1, y1 = line.box
    runs = ink_runs(image, (x0, y0, x1 + 1, y1 + 1))
    assert len(runs) == len(line.text) == len(CONTENT.signature)
    blanks = [right[0] - left[1] for left, right in itertools.pairwise(runs)]
    assert min(blanks) >= 2, blanks
    assert max(blanks) - min(blanks) <= 4, blanks


def test_in_a_monospaced_face_the_signature_keeps_an_even_pitch(cjk_font):
    if render._monospaced_face(cjk_font) is None:
        pytest.skip(f"no monospaced face in or beside {cjk_font}")
    (line,) = signature_lines(layout_certificate(CONTENT, font_path=cjk_font))
    assert line.monospaced
    steps = {right[0] - left[0] for left, right in itertools.pairwise(line.pieces)}
    assert len(steps) == 1, steps


def test_a_signature_too_long_for_three_lines_is_cut_with_an_ellipsis(cjk_font, signature_face):
    content = replace(CONTENT, signature=CONTENT.signature * 6)
    layout = layout_certificate(content, font_path=cjk_font)
    assert_laid_out_cleanly(layout)
    lines = signature_lines(layout)
    assert len(lines) == 3
    printed = "".join(item.text for item in lines)
    assert printed.endswith("…")
    assert content.signature.startswith(printed[:-1])


# --- The seal ---------------------------------------------------------------------------------


def test_a_given_seal_image_is_pressed_instead_of_the_drawn_one(cjk_font):
    seal = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(seal).ellipse([20, 20, 380, 380], fill=(20, 40, 220, 255))
    buffer = io.BytesIO()
    seal.save(buffer, "PNG")
    with_seal = replace(CONTENT, seal_png=buffer.getvalue())
    box = layout_certificate(with_seal, font_path=cjk_font).seal_box

    def share(content, is_colour):
        crop = open_png(render_png(content, font_path=cjk_font)).convert("RGB").crop(box)
        data = crop.tobytes()
        pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
        return sum(1 for pixel in pixels if is_colour(*pixel)) / (crop.width * crop.height)

    def blue(r, g, b):
        return b > 150 and r < 100

    def red(r, g, b):
        return r > 150 and g < 120 and b < 120

    # The disc covers about 64 % of the seal's square, less the text it is pressed over.
    assert share(with_seal, blue) > 0.4, "the given (blue) seal is not where the seal goes"
    assert share(with_seal, red) < 0.01, "the drawn seal is pressed as well"
    assert share(CONTENT, red) > 0.1, "no red seal drawn without a seal image"
    assert share(CONTENT, blue) == 0


# --- Determinism ------------------------------------------------------------------------------


def test_rendering_the_same_content_twice_gives_identical_bytes(cjk_font):
    first_png = render_png(CONTENT, font_path=cjk_font)
    first_pdf = render_pdf(CONTENT, font_path=cjk_font)
    # Drop the caches, so the second rendering draws the seal and loads the fonts afresh.
    render._drawn_seal.cache_clear()
    render._load_font.cache_clear()
    assert render_png(CONTENT, font_path=cjk_font) == first_png
    assert render_pdf(CONTENT, font_path=cjk_font) == first_pdf
