"""The demo school's course catalogue, for `manage.py seed_demo`: two real courses in Chinese.

The pictures and the short video are drawn here (Pillow, and PyAV for the video), so the demo
needs no files from elsewhere.
"""

import datetime
import functools
import io
import math
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PillowImage
from PIL import ImageDraw, ImageFont
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection
from wagtailmedia.models import Media

from cms.demo import publish_child
from cms.models import HomePage
from courses.models import (
    Audience,
    Certificate,
    Cohort,
    CompletionPolicy,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    Exam,
    ExamRule,
    LessonPage,
    LessonProgress,
    QuestionBank,
)
from courses.questions import types as q
from courses.services.catalogue import configure_catalogue
from courses.services.certificates import issue_certificate, sign_off
from courses.services.learning import enroll_many
from courses.services.question_import import import_questions, parse_file

try:  # PyAV encodes the demo video; without it the video lesson has no video.
    import av
except ImportError:  # pragma: no cover - av is a development dependency
    av = None

RED, DARK_RED, GOLD, PAPER = (164, 22, 26), (122, 15, 18), (244, 197, 66), (251, 248, 243)
MATERIALS = "课程资料"
CATALOGUE_SLUG = "courses"
ACTIVIST_COURSE, CANDIDATE_COURSE = "activist-training", "candidate-training"
ACTIVIST_CLASS, CANDIDATE_CLASS = "第二十六期入党积极分子培训班", "2026年秋季发展对象培训班"


def _font(size: int):
    return ImageFont.load_default(size=size)


def _star(draw, cx, cy, radius, fill):
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.4
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=fill)


def draw_cover(seed: int) -> bytes:
    """A 1200×675 course cover: a red field, a gold star and rays."""
    image = PillowImage.new("RGB", (1200, 675), RED)
    draw = ImageDraw.Draw(image)
    for i in range(0, 1200, 6):
        shade = int(40 * i / 1200)
        draw.line([(i, 0), (i, 675)], fill=(RED[0] - shade, RED[1], RED[2]), width=6)
    cx, cy = 260 + seed * 80, 300
    for ray in range(24):
        angle = ray * math.pi / 12
        draw.line(
            [(cx, cy), (cx + 1400 * math.cos(angle), cy + 1400 * math.sin(angle))],
            fill=DARK_RED,
            width=18,
        )
    _star(draw, cx, cy, 150, GOLD)
    draw.rectangle([0, 600, 1200, 675], fill=DARK_RED)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def draw_timeline() -> bytes:
    """A timeline of milestone years, for the history lesson (figures only; the caption explains)."""
    years = ["1921", "1935", "1949", "1978", "2012", "2021"]
    image = PillowImage.new("RGB", (1200, 480), PAPER)
    draw = ImageDraw.Draw(image)
    draw.line([(80, 240), (1120, 240)], fill=RED, width=8)
    for i, year in enumerate(years):
        x = 100 + i * 200
        draw.ellipse([x - 34, 206, x + 34, 274], fill=RED, outline=GOLD, width=6)
        _star(draw, x, 240, 20, GOLD)
        y = 120 if i % 2 == 0 else 320
        draw.text((x, y), year, fill=DARK_RED, font=_font(48), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@functools.cache  # encoding takes most of a second; the tests seed many times
def encode_video(seconds: int = 12, fps: int = 10) -> bytes | None:
    """A short WebM (VP8) of a star rising over a red flag: stands in for a filmed lesson."""
    if av is None:
        return None
    buffer = io.BytesIO()
    container = av.open(buffer, mode="w", format="webm")
    stream = container.add_stream("libvpx", rate=fps)
    stream.width, stream.height, stream.pix_fmt = 640, 360, "yuv420p"
    frames = seconds * fps
    for n in range(frames):
        frame = PillowImage.new("RGB", (640, 360), RED)
        draw = ImageDraw.Draw(frame)
        rise = 300 - int(170 * n / frames)
        _star(draw, 320, rise, 60, GOLD)
        draw.rectangle([0, 330, int(640 * n / frames), 360], fill=GOLD)
        for packet in stream.encode(av.VideoFrame.from_image(frame)):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    return buffer.getvalue()


APPLICATION_GUIDE = """入党申请书写作要点（网上党校学习材料）

一、格式
1. 标题居中写“入党申请书”。
2. 称谓顶格写“敬爱的党组织：”。
3. 正文写明入党愿望、对党的认识、个人成长经历与思想转变、今后的努力方向。
4. 结尾写“此致 敬礼！”，署名并注明日期。

二、内容
1. 说清楚为什么要入党：结合学习和生活中的具体经历，谈对党的性质、宗旨的理解。
2. 实事求是地介绍自己：学习、工作、社会实践中的表现，以及存在的不足。
3. 表明态度：愿意接受党组织的培养和考察，以实际行动争取早日加入党组织。

三、注意事项
1. 必须本人亲笔书写，不得代写、抄袭。
2. 递交给所在党支部；党组织应在一个月内派人与申请人谈话。
3. 年满十八周岁方可申请入党。
"""


def _materials() -> Collection:
    return Collection.objects.get(name=MATERIALS, depth=2)


# The demo's pictures, documents and video are those with the demo's title in the materials
# collection that nobody uploaded (the demo makes them; a person's upload records its author).
def _own(model):
    return model.objects.filter(collection=_materials(), uploaded_by_user=None)


def _image(title: str, data: bytes, filename: str) -> Image:
    existing = _own(Image).filter(title=title).first()
    return existing or Image.objects.create(
        title=title, file=ImageFile(io.BytesIO(data), name=filename), collection=_materials()
    )


def _document(title: str, text: str, filename: str) -> Document:
    existing = _own(Document).filter(title=title).first()
    return existing or Document.objects.create(
        title=title, file=ContentFile(text.encode("utf-8"), name=filename), collection=_materials()
    )


def _video(title: str) -> Media | None:
    existing = _own(Media).filter(title=title).first()
    if existing:
        return existing
    data = encode_video()
    if data is None:
        return None
    return Media.objects.create(
        title=title,
        file=ContentFile(data, name="oath-demo.webm"),
        type="video",
        duration=12,
        width=640,
        height=360,
        collection=_materials(),
    )


def _text(html: str) -> tuple:
    return ("text", html)


ACTIVIST_LESSONS = [
    {
        "title": "中国共产党的性质和宗旨",
        "slug": "nature-and-purpose",
        "summary": "理解党是中国工人阶级的先锋队，同时是中国人民和中华民族的先锋队。",
        "minutes": 15,
        "body": lambda media: [
            _text(
                "<p>认识党的性质，是端正入党动机的起点。党章总纲开宗明义地阐明了党的性质：中国共产党是中国工人阶级的先锋队，"
                "同时是中国人民和中华民族的先锋队，是中国特色社会主义事业的领导核心。</p>"
                "<p>全心全意为人民服务是党的根本宗旨。党除了工人阶级和最广大人民群众的利益，没有自己特殊的利益。"
                "每一名入党积极分子都应当把这一宗旨落实到学习、生活的具体行动中。</p>"
            ),
            (
                "key_points",
                {
                    "title": "",
                    "points": [
                        "党的性质：“两个先锋队”。",
                        "党的根本宗旨：全心全意为人民服务。",
                        "党的最高理想和最终目标是实现共产主义。",
                    ],
                },
            ),
            ("quote", {"text": "人民对美好生活的向往，就是我们的奋斗目标。", "source": "学习摘录"}),
        ],
    },
    {
        "title": "党的光辉历程",
        "slug": "history",
        "summary": "从嘉兴南湖的一条红船到新时代，回顾党团结带领人民走过的百年奋斗路。",
        "minutes": 15,
        "body": lambda media: [
            _text(
                "<p>1921年，中国共产党第一次全国代表大会召开，宣告了中国共产党的成立。此后，党领导人民进行了新民主主义革命，"
                "在1949年建立了中华人民共和国；1978年开启改革开放历史新时期；2012年以来，中国特色社会主义进入新时代。</p>"
            ),
            (
                "image",
                {
                    "image": {
                        "image": media["timeline"],
                        "decorative": False,
                        "alt_text": "党的百年历程时间轴：1921、1935、1949、1978、2012、2021",
                    },
                    "caption": "时间轴：建党、遵义会议、新中国成立、改革开放、新时代、建党百年。",
                },
            ),
            _text(
                "<p>学习党史，要把握党在各个历史时期的主题主线，从中汲取信仰的力量，明白“从哪里来、到哪里去”。</p>"
            ),
        ],
    },
    {
        "title": "入党誓词的由来与意义",
        "slug": "the-oath",
        "summary": "观看教学视频，理解入党誓词每一句话的分量。",
        "minutes": 10,
        "video": True,
        "body": lambda media: [
            _text(
                "<p>入党宣誓是党员政治生命的起点。誓词凝练地表达了党员对党的庄严承诺：拥护党的纲领，遵守党的章程，履行党员义务，"
                "执行党的决定，严守党的纪律，保守党的秘密，对党忠诚，积极工作，为共产主义奋斗终身。</p>"
                "<p>请完整观看本课视频，再结合党章第六条理解宣誓的要求：预备党员必须面向党旗进行入党宣誓。</p>"
            ),
        ],
    },
    {
        "title": "端正入党动机",
        "slug": "motivation",
        "summary": "为什么入党、入党为什么、入党后做什么：动机决定方向。",
        "minutes": 12,
        "body": lambda media: [
            _text(
                "<p>入党动机是一个人要求入党的内在原因和真实目的。正确的入党动机，是为了实现共产主义远大理想、"
                "为了更好地为人民服务。个别同学把入党看作“加分项”“敲门砖”，这样的动机必须纠正。</p>"
            ),
            (
                "callout",
                {
                    "tone": "important",
                    "title": "自我检查",
                    "text": "<p>对照三个问题写一段反思：我为什么要入党？入党后我要做什么？我现在离党员标准还差什么？</p>",
                },
            ),
            _text("<p>端正入党动机不是一次完成的，而是贯穿入党前、入党后的长期过程。</p>"),
        ],
    },
    {
        "title": "发展党员的基本程序",
        "slug": "procedure",
        "summary": "从递交入党申请书到按期转正：发展党员工作的五个阶段和二十五个步骤。",
        "minutes": 15,
        "body": lambda media: [
            _text(
                "<p>发展党员工作要坚持标准、严格程序。按照《中国共产党发展党员工作细则》，发展党员分为五个阶段："
                "入党申请人、入党积极分子的确定和培养教育、发展对象的确定和考察、预备党员的接收、预备党员的教育考察和转正。</p>"
                "<ol><li>递交入党申请书后，党组织在一个月内派人谈话。</li>"
                "<li>经党员推荐或团组织推优，支部委员会研究确定入党积极分子，并指定一至两名培养联系人。</li>"
                "<li>经过一年以上培养教育和考察、参加党校培训结业，可列为发展对象。</li>"
                "<li>经政治审查、集中培训、上级党委预审和公示，支部大会讨论通过后报上级党委审批。</li>"
                "<li>预备期为一年，期满按期转正。</li></ol>"
            ),
            (
                "document",
                {
                    "document": media["guide"],
                    "title": "下载：入党申请书写作要点",
                    "description": "格式、内容与注意事项，可打印后对照写作。",
                },
            ),
        ],
    },
    {
        "title": "如何写好思想汇报",
        "slug": "thought-reports",
        "summary": "思想汇报是党组织了解积极分子的重要渠道，要写真实的思想、具体的收获。",
        "minutes": 10,
        "body": lambda media: [
            _text(
                "<p>入党积极分子应当定期向党组织汇报思想，一般每季度至少一次。思想汇报贵在真实，"
                "可以围绕近期的理论学习、参加的活动、对社会热点的认识以及自身的不足来写。</p>"
            ),
            (
                "key_points",
                {
                    "title": "写作提示",
                    "points": [
                        "一事一议，写清楚触动自己的具体事情。",
                        "联系实际，谈思想上的变化和行动上的打算。",
                        "不要空喊口号，也不要照抄网络范文。",
                    ],
                },
            ),
        ],
    },
]

CANDIDATE_LESSONS = [
    {
        "title": "学习党章，明确党员标准",
        "slug": "constitution",
        "summary": "逐章学习党章，对照党员的八项义务查找差距。",
        "minutes": 30,
        "body": lambda media: [
            _text(
                "<p>党章是党的根本大法，是全党必须遵循的总规矩。发展对象要系统学习党章，重点理解党员的条件、义务和权利，"
                "对照党员标准查找自身差距，明确努力方向。</p>"
            ),
        ],
    },
    {
        "title": "党的纪律与规矩",
        "slug": "discipline",
        "summary": "政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律。",
        "minutes": 30,
        "body": lambda media: [
            _text(
                "<p>纪律严明是党的光荣传统和独特优势。党的纪律主要包括政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律和生活纪律。</p>"
            ),
            (
                "callout",
                {
                    "tone": "tip",
                    "title": "学习建议",
                    "text": "<p>结合身边的典型案例，讨论“纪律面前人人平等”的含义。</p>",
                },
            ),
        ],
    },
    {
        "title": "入党志愿书的填写",
        "slug": "application-form",
        "summary": "入党志愿书由本人填写，内容要真实、完整、准确。",
        "minutes": 20,
        "body": lambda media: [
            _text(
                "<p>发展对象经支部委员会审查、上级党委预审合格后，领取并填写入党志愿书。志愿书须用黑色墨水笔本人填写，不得涂改。</p>"
            ),
            (
                "key_points",
                {
                    "title": "填写要点",
                    "points": [
                        "入党志愿要写明对党的认识、入党动机和决心。",
                        "本人经历从上小学时写起，时间前后衔接。",
                        "家庭主要成员和主要社会关系要如实填写。",
                    ],
                },
            ),
        ],
    },
]

COURSES = [
    {
        "title": "入党积极分子培训",
        "slug": ACTIVIST_COURSE,
        "summary": "党校初级培训：党的基本理论、基本知识和发展党员程序，结业考试合格颁发结业证书。",
        "hours": Decimal("32"),
        "audience": Audience.Code.ACTIVIST,
        "self_enrollment": True,
        "introduction": "<p>本课程面向全校入党积极分子，共六个课时，学员须完成全部课时并通过结业考试。"
        "结业证书是确定发展对象的必要条件。</p>",
        "lessons": ACTIVIST_LESSONS,
    },
    {
        "title": "发展对象培训",
        "slug": CANDIDATE_COURSE,
        "summary": "发展对象集中培训，不少于三天或二十四个学时，培训合格方可发展入党。",
        "hours": Decimal("24"),
        "audience": Audience.Code.CANDIDATE,
        "self_enrollment": False,
        "introduction": "<p>根据发展党员工作的有关规定，对发展对象进行短期集中培训，时间不少于三天（或不少于二十四个学时）。"
        "由组织员按培训班统一报名。</p>",
        "lessons": CANDIDATE_LESSONS,
    },
]


def demo_catalogue(home: HomePage) -> CourseIndexPage | None:
    """The demo's catalogue: the course index under the demo's home page."""
    page = home.get_children().type(CourseIndexPage).filter(slug=CATALOGUE_SLUG).first()
    return page.specific if page else None


def demo_course(home: HomePage, slug: str) -> CoursePage:
    """One of the demo's two courses (by its slug), in the demo's catalogue."""
    catalogue = demo_catalogue(home)
    assert catalogue is not None, "seed_catalogue first"
    return CoursePage.objects.child_of(catalogue).get(slug=slug)


def seed_catalogue(home: HomePage) -> CourseIndexPage:
    """The catalogue with both courses under the demo's home page, under review by the course
    workflow. Idempotent."""
    catalogue = demo_catalogue(home)
    if catalogue is None:
        catalogue = publish_child(
            home,
            CourseIndexPage(
                title="课程中心",
                slug=CATALOGUE_SLUG,
                show_in_menus=True,
                menu_title_en="Courses",
                intro="<p>网上党校开设入党积极分子、发展对象等培训课程。请登录后学习，系统按实际学习时长记录学时。</p>",
            ),
        )
    configure_catalogue(catalogue)
    media = {
        "timeline": _image("党的百年历程时间轴", draw_timeline(), "timeline.png"),
        "guide": _document("入党申请书写作要点", APPLICATION_GUIDE, "application-guide.txt"),
        "video": _video("入党誓词教学视频（演示）"),
    }
    for position, spec in enumerate(COURSES):
        if CoursePage.objects.child_of(catalogue).filter(slug=spec["slug"]).exists():
            continue
        course = CoursePage(
            title=spec["title"],
            slug=spec["slug"],
            summary=spec["summary"],
            study_hours=spec["hours"],
            self_enrollment=spec["self_enrollment"],
            introduction=spec["introduction"],
            cover_image=_image(
                f"{spec['title']}封面", draw_cover(position), f"cover-{spec['slug']}.png"
            ),
        )
        course.audiences = [Audience.objects.get(code=spec["audience"])]
        publish_child(catalogue, course)
        for lesson_spec in spec["lessons"]:
            lesson = LessonPage(
                title=lesson_spec["title"],
                slug=lesson_spec["slug"],
                summary=lesson_spec["summary"],
                min_study_minutes=lesson_spec["minutes"],
                body=lesson_spec["body"](media),
            )
            if lesson_spec.get("video") and media["video"]:
                lesson.video = media["video"]
                lesson.video_duration = 12
            publish_child(course, lesson)
    return catalogue


def seed_cohorts(
    home: HomePage, *, organizer, activists: list, candidates: list, activist_account, today
) -> None:
    """Two training classes of the demo's courses run by the demo organizer, with the demo
    people given (``activists``, ``candidates``), and the `activist` account's progress (two
    lessons done, the third begun) when there is one. Idempotent: existing classes are left
    as they are."""
    activist_course = demo_course(home, ACTIVIST_COURSE)
    candidate_course = demo_course(home, CANDIDATE_COURSE)
    classes = [
        (activist_course, ACTIVIST_CLASS, -12, 30, [activist_account, *activists]),
        (candidate_course, CANDIDATE_CLASS, -5, 10, candidates),
    ]
    for course, name, start, end, learners in classes:
        cohort, created = Cohort.objects.get_or_create(
            course=course,
            name=name,
            defaults={
                "starts_on": today + datetime.timedelta(days=start),
                "ends_on": today + datetime.timedelta(days=end),
            },
        )
        if created:
            cohort.managers.add(organizer)
            usernames = [user.username for user in learners if user is not None]
            enroll_many(cohort, usernames=usernames, actor=organizer)
    if activist_account is None:
        return
    lessons = list(activist_course.lessons())
    if not LessonProgress.objects.filter(user=activist_account).exists():
        now = timezone.now()
        for lesson, share in zip(lessons, [1, 1, 0.4], strict=False):
            studied_ms = int(lesson.min_study_minutes * 60_000 * share)
            LessonProgress.objects.create(
                user=activist_account,
                lesson=lesson,
                studied_ms=studied_ms,
                first_visited_at=now - datetime.timedelta(days=3),
                last_visited_at=now - datetime.timedelta(days=1),
                completed_at=now - datetime.timedelta(days=2) if share >= 1 else None,
            )


EXAM_BANK = "入党积极分子培训结业考试题库"
EXAM_BANK_DESCRIPTION = "网上党校入党积极分子培训结业考试题库（演示）"
EXAM_TITLE = "入党积极分子培训结业考试"
EXAM_FILE = Path(__file__).resolve().parent / "demo_data" / "activist_exam.gift"
# The paper: 100 points in all.
EXAM_RULES = [
    (q.SINGLE, 15, Decimal(2)),
    (q.MULTIPLE, 5, Decimal(4)),
    (q.TRUE_FALSE, 10, Decimal(2)),
    (q.FILL_IN, 5, Decimal(2)),
    (q.SHORT_ANSWER, 1, Decimal(20)),
]


def seed_exam(home: HomePage, *, instructor, today) -> Exam | None:
    """The demo activist course's final exam, drawing from the demo's bank (imported from the
    demo GIFT file). None when a bank of that name is somebody else's (names are unique): the
    demo does not draw its paper from a school's own bank."""
    bank = QuestionBank.objects.filter(name=EXAM_BANK).first()
    if bank is None:
        bank = QuestionBank.objects.create(
            name=EXAM_BANK, description=EXAM_BANK_DESCRIPTION, created_by=instructor
        )
        import_questions(bank, parse_file(EXAM_FILE.name, EXAM_FILE.read_bytes()), actor=instructor)
    elif bank.description != EXAM_BANK_DESCRIPTION:
        return None
    course = demo_course(home, ACTIVIST_COURSE)
    exam = Exam.objects.filter(course=course, title=EXAM_TITLE).first()
    if exam is None:
        opens = timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time(8))
        )
        exam = Exam.objects.create(
            course=course,
            title=EXAM_TITLE,
            instructions="本次考试共 36 题，满分 100 分，60 分及格，限时 60 分钟。答案随作答自动保存；"
            "计时以服务器时间为准，时间到后系统按已保存的答案自动交卷。",
            opens_at=opens,
            closes_at=opens + datetime.timedelta(days=30),
            time_limit_minutes=60,
            max_attempts=2,
            pass_score=Decimal(60),
            requires_lessons_complete=True,
            is_published=True,
        )
        for n, (kind, count, points) in enumerate(EXAM_RULES):
            ExamRule.objects.create(
                exam=exam, bank=bank, kind=kind, count=count, points_each=points, sort_order=n
            )
    return exam


def prepare_learners(home: HomePage, users: list) -> None:
    """Enroll load-test learners in the demo's activist course with every lesson done, so they
    can sit its exam at once. Idempotent, and made in bulk: a load test seeds thousands."""
    course = demo_course(home, ACTIVIST_COURSE)
    lessons = list(course.lessons())
    enrolled = set(
        Enrollment.objects.filter(course=course, user__in=users).values_list("user_id", flat=True)
    )
    Enrollment.objects.bulk_create(
        [Enrollment(user=user, course=course) for user in users if user.pk not in enrolled],
        batch_size=1000,
    )
    done = set(
        LessonProgress.objects.filter(user__in=users, lesson__in=lessons).values_list(
            "user_id", "lesson_id"
        )
    )
    now = timezone.now()
    LessonProgress.objects.bulk_create(
        [
            LessonProgress(
                user=user,
                lesson=lesson,
                studied_ms=lesson.min_study_minutes * 60_000,
                video_watched_ms=(lesson.video_duration or 0) * 1000,
                video_reached_end=bool(lesson.video_id),
                completed_at=now,
            )
            for user in users
            for lesson in lessons
            if (user.pk, lesson.pk) not in done
        ],
        batch_size=1000,
    )


def seed_completion(home: HomePage, *, organizer, learners: list) -> None:
    """Completion policies for the demo's two courses, and one certificate issued by hand to
    the first of ``learners`` (the demo's own) in the candidate class (a candidate who took the
    concentrated training offline). Idempotent."""
    activist_course = demo_course(home, ACTIVIST_COURSE)
    if not CompletionPolicy.objects.filter(course=activist_course, cohort__isnull=True).exists():
        CompletionPolicy.objects.create(
            course=activist_course,
            exam=Exam.objects.filter(course=activist_course, title=EXAM_TITLE).first(),
            weighted_grade=True,
            exam_weight=Decimal(70),
            attendance_weight=Decimal(10),
            essay_weight=Decimal(20),
            pass_mark=Decimal(60),
            require_essay=True,
            essay_prompt="结合本期培训的学习，谈谈你对党的性质和宗旨的认识（不少于800字）。",
            essay_min_characters=800,
        )
    cohort = Cohort.objects.filter(
        course=demo_course(home, CANDIDATE_COURSE), name=CANDIDATE_CLASS
    ).first()
    if cohort is None:
        return
    CompletionPolicy.objects.get_or_create(
        course=cohort.course,
        cohort=cohort,
        defaults={"require_lessons": True, "require_signoff": True},
    )
    first = (
        cohort.enrollments.filter(user__in=learners)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if first and not Certificate.objects.filter(enrollment=first).exists():
        sign_off(first, actor=organizer)
        issue_certificate(
            first, actor=organizer, reason="参加2026年秋季发展对象线下集中培训（3天），考核合格。"
        )
