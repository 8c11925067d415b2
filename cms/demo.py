"""The demo school's home page and site settings, for `manage.py seed_demo`."""

import datetime

from django.conf import settings as django_settings
from wagtail.models import Page, Site

from cms.models import (
    HomePage,
    NewsIndexPage,
    NewsPage,
    NoticeIndexPage,
    SchoolSettings,
    StandardPage,
)
from cms.sites import site_address

HOME_BODY = [
    (
        "links",
        [
            {
                "title": "课程中心",
                "description": "入党积极分子、发展对象培训课程",
                "page": None,
                "url": "/courses/",
            },
            {
                "title": "党建动态",
                "description": "党校与各级党组织的工作动态",
                "page": None,
                "url": "/news/",
            },
            {
                "title": "公示公告",
                "description": "发展对象、预备党员人选公示",
                "page": None,
                "url": "/notices/",
            },
            {
                "title": "教师与组织员",
                "description": "课程编辑、培训班与发展党员管理",
                "page": None,
                "url": "/admin/",
            },
        ],
    ),
    (
        "callout",
        {
            "tone": "important",
            "title": "本学期培训安排",
            "text": "<p>第二十六期入党积极分子培训班已开班，学员须在结业考试前完成全部必修课时。"
            "请各党支部组织员及时核对学员名单。</p>",
        },
    ),
    (
        "text",
        "<h2>发展党员的五个阶段</h2>"
        "<ol><li><b>入党申请人</b>：年满十八岁，向党组织递交入党申请书，党组织在一个月内派人谈话。</li>"
        "<li><b>入党积极分子</b>：经党员推荐或团组织推优，支部委员会研究确定，指定培养联系人，每半年考察一次。</li>"
        "<li><b>发展对象</b>：培养考察一年以上，经党校积极分子培训结业，支部委员会讨论确定。</li>"
        "<li><b>预备党员</b>：政治审查合格、参加集中培训、经上级党委预审和公示后，由支部大会讨论通过、上级党委审批。</li>"
        "<li><b>正式党员</b>：预备期一年，期满经支部大会讨论、上级党委审批后按期转正。</li></ol>",
    ),
    (
        "quote",
        {
            "text": "把学习作为一种责任、一种追求，在学懂弄通做实上下功夫，以理论上的清醒保证行动上的坚定。",
            "source": "网上党校寄语",
        },
    ),
]


HOME_TITLE = "江城大学网上党校"
HOME_SLUG = "home"


def demo_home() -> HomePage | None:
    """The demo school's home page: a home page at the top of the tree under the demo's title."""
    return HomePage.objects.filter(depth=2, slug=HOME_SLUG, title=HOME_TITLE).first()


def seed_home() -> HomePage:
    """The demo's home page as the default site's root, and the school's names in the site
    settings, on a database that has no site of its own yet.

    Idempotent: an existing demo home page is kept as editors left it, and a site that is not
    the demo's (another root page) is left alone.
    """
    home = demo_home()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's installation leaves a placeholder "Welcome" page (a bare Page, with the
        # slug ours needs) as the default site's root; deleting it deletes that site too.
        for placeholder in root.get_children().exact_type(Page).filter(slug=HOME_SLUG):
            if not placeholder.get_children().exists():
                placeholder.delete()
        home = root.add_child(
            instance=HomePage(
                title=HOME_TITLE,
                slug=HOME_SLUG,
                tagline="学习党的理论 · 端正入党动机 · 争做合格党员",
                intro="<p>网上党校面向全校入党积极分子、发展对象和党员，提供课程学习、在线考试、"
                "结业证书查验与发展党员全程纪实，让培训与发展环环相扣、有据可查。</p>",
                body=HOME_BODY,
            )
        )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        # The address certificates' QR codes point to, so that the links Wagtail makes agree
        # with them (the deploy check school.W005 compares the two).
        hostname, port = site_address(django_settings.SITE_URL)
        site = Site.objects.create(
            hostname=hostname,
            port=port or 80,
            root_page=home,
            is_default_site=True,
            site_name=home.title,
        )
    if site.root_page_id != home.pk:
        return home  # somebody else's site: its settings are not the demo's to fill in
    settings = SchoolSettings.for_site(site)
    if not settings.committee_name:
        settings.school_name = HOME_TITLE
        settings.committee_name = "中共江城大学委员会党校"
        settings.school_name_en = "Jiangcheng University Online Party School"
        settings.committee_name_en = "Party School of the CPC Jiangcheng University Committee"
        settings.address = "江城市学府路 1 号行政楼三楼 党委组织部"
        settings.phone = "027-8765 4321"
        settings.email = "dangxiao@jcu.example"
        settings.icp_number = "鄂ICP备00000000号（演示）"
        settings.save()
    return home


NEWS = [
    (
        "第二十六期入党积极分子培训班开班",
        "opening-26th-class",
        12,
        "本期培训班共有来自三个学院的一百二十余名入党积极分子参加，采用线上学习与集中研讨相结合的方式。",
        "<p>11月上旬，第二十六期入党积极分子培训班在网上党校开班。培训分为线上自学、专题辅导和分组研讨三个环节，"
        "学员须完成六个课时的线上学习并参加结业考试。校党委组织部负责同志在开班讲话中勉励学员端正入党动机，"
        "把学习成效体现在日常学习生活中。</p>",
    ),
    (
        "计算机学院开展“党员先锋岗”实践活动",
        "vanguard-posts",
        25,
        "学生党员在实验室、图书馆和宿舍区设立先锋岗，带动入党积极分子参与志愿服务。",
        "<p>计算机科学与技术学院党委组织学生党员在实验室、图书馆和宿舍区设立“党员先锋岗”，"
        "每个先锋岗由一名党员和两名入党积极分子组成，开展学业帮扶和志愿服务。</p>",
    ),
    (
        "医学院研究生第一党支部召开组织生活会",
        "medical-branch-meeting",
        40,
        "支部党员围绕“学医为民”主题开展批评与自我批评。",
        "<p>医学院研究生第一党支部召开年度组织生活会。会上，支部书记通报了支部工作情况，"
        "党员们结合临床学习实际，逐一开展批评与自我批评。</p>",
    ),
]

ABOUT = (
    "<p>江城大学网上党校是校党委依托信息化手段建设的党员教育培训平台，承担入党积极分子、发展对象培训和党员教育任务。</p>"
    "<p>学员登录后可在手机上学习课程、参加结业考试、下载结业证书；组织员可在后台管理培训班、核验结业情况。"
    "培训结业情况同步进入发展党员纪实档案，作为确定发展对象、接收预备党员的依据之一。</p>"
)


def seed_sections(home: HomePage, *, today: datetime.date) -> None:
    """The about page, the news with three items and the public notices section (membership
    publishes the notices in it), under the demo's home page.

    Idempotent: a section that exists is left as editors made it.
    """
    sections = home.get_children()
    if not sections.filter(slug="about").exists():
        publish_child(
            home,
            StandardPage(
                title="党校简介",
                slug="about",
                show_in_menus=True,
                menu_title_en="About",
                body=[("text", ABOUT)],
            ),
        )
    if not sections.filter(slug="news").exists():
        news_index = publish_child(
            home,
            NewsIndexPage(title="党建动态", slug="news", show_in_menus=True, menu_title_en="News"),
        )
        for title, slug, days_ago, summary, html in NEWS:
            publish_child(
                news_index,
                NewsPage(
                    title=title,
                    slug=slug,
                    date=today - datetime.timedelta(days=days_ago),
                    summary=summary,
                    body=[("text", html)],
                ),
            )
    if not sections.filter(slug="notices").exists():
        publish_child(
            home,
            NoticeIndexPage(
                title="公示公告",
                slug="notices",
                show_in_menus=True,
                menu_title_en="Public notices",
                intro="<p>发展党员各环节的公示。公示期内，任何人均可向党组织反映公示对象的情况。</p>",
            ),
        )


def publish_child(parent: Page, page: Page) -> Page:
    """Add ``page`` under ``parent`` and publish it with a first revision, as an editor would."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page
