"""Certificate drawing: how many certificates a worker renders per second, and how big they are.

Renders N certificates for different holders (names, course titles and grades vary; the school
and its seal do not, as in a real batch), first as PNG, then as PDF, and prints certificates
per second for each format and the sizes of the files. Pure: no database, no Django settings.

    python bench/certificates.py --count 50

The first certificate of the run is timed apart: it loads the fonts and draws the seal, which
the following ones reuse.
"""

import argparse
import datetime
import statistics
import time
from decimal import Decimal

from courses.certificates.render import (
    CertificateContent,
    find_cjk_font,
    render_pdf,
    render_png,
)

SURNAMES = "林王李张刘陈杨黄赵周吴徐孙马朱胡郭何高罗欧阳"
GIVEN = "晓雨建国志强秀英丽娟伟明海燕文博思远嘉怡子涵"
COURSES = [
    "入党积极分子培训",
    "发展对象培训",
    "预备党员培训",
    "习近平新时代中国特色社会主义思想专题学习",
    "新时代中国特色社会主义思想与党的二十大精神专题学习暨发展对象培训班第十二期研修",
]


def content_for(index: int) -> CertificateContent:
    serial = f"2026-DX-{index:06d}"
    name_length = 1 + index % 3
    name = SURNAMES[index % len(SURNAMES)] + "".join(
        GIVEN[(index * 7 + k * 3) % len(GIVEN)] for k in range(name_length)
    )
    return CertificateContent(
        serial=serial,
        holder_name=name,
        holder_number=f"2023{index:06d}",
        course_title=COURSES[index % len(COURSES)],
        hours=Decimal(16 + index % 5 * 8),
        final_grade=None if index % 4 == 0 else Decimal(60 + index % 40) + Decimal("0.5"),
        started_on=datetime.date(2026, 9, 1),
        completed_on=datetime.date(2026, 11, 20),
        issued_on=datetime.date(2026, 11, 20),
        issuer="中共江城大学委员会党校",
        school_name="江城大学网上党校",
        verify_url=f"https://dangxiao.example.edu.cn/verify/{serial}/",
        signature="Jm4bQ0v1n6u0kq0o2Vx3M8sW2n5Yc1hG7dR9pL4tA6eF3zK8uB1yN5wC0xD2aS7qT4iO9jH6gP3lE8mR1vZ0fQ==",
    )


def run(label: str, render, contents: list[CertificateContent], font: str) -> None:
    started = time.perf_counter()
    first = render(contents[0], font_path=font)
    first_seconds = time.perf_counter() - started

    sizes = [len(first)]
    started = time.perf_counter()
    for content in contents[1:]:
        sizes.append(len(render(content, font_path=font)))
    seconds = time.perf_counter() - started
    rest = len(contents) - 1

    rate = (
        f"{rest / seconds:6.2f} certificates/s ({seconds / rest * 1000:.0f} ms each)"
        if rest
        else "n/a"
    )
    print(f"{label}: first {first_seconds * 1000:.0f} ms, then {rate}")
    print(
        f"{label}: size mean {statistics.mean(sizes) / 1024:.0f} KiB, "
        f"min {min(sizes) / 1024:.0f} KiB, max {max(sizes) / 1024:.0f} KiB, "
        f"total {sum(sizes) / 1024 / 1024:.1f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50, help="certificates per format")
    parser.add_argument("--font", default=None, help="font path (default: find_cjk_font())")
    args = parser.parse_args()

    font = find_cjk_font(args.font)
    contents = [content_for(index) for index in range(max(1, args.count))]
    print(f"font: {font}")
    print(f"certificates per format: {len(contents)}")
    run("PNG", render_png, contents, font)
    run("PDF", render_pdf, contents, font)


if __name__ == "__main__":
    main()
