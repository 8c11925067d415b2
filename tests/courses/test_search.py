import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction

from cms.search import index_text, is_indexed, query_terms, query_words, substring_patterns
from courses import selectors
from courses.models import LessonPage
from courses.selectors import search_curriculum
from tests.pages import lesson, publish


def titles(hits) -> set[str]:
    return {hit.page.title for hit in hits}


def test_index_text_separates_chinese_words_with_spaces():
    assert index_text("积极发展党员工作") == "积极 发展 党员 发展党员 工作"


def test_query_words_drop_punctuation_and_repeats():
    assert query_words("发展党员，发展党员！") == ["发展党员"]
    assert query_words("   ") == []


def test_long_query_words_become_the_dictionary_words_inside_them():
    assert query_terms("发展党员") == ["发展", "党员"]
    assert query_terms("入党积极分子") == ["入党", "积极", "分子"]
    assert query_terms("Wagtail 培训") == ["wagtail", "培训"]


def test_one_character_and_unknown_strings_are_not_left_to_the_index():
    assert is_indexed("发展党员") and is_indexed("党章") and is_indexed("入党")
    assert not is_indexed("党")  # indexed only inside words: 入党, 党员, 党校
    assert not is_indexed("正入")  # not a word: 端正 入党
    assert not is_indexed("wagtail")


@pytest.mark.parametrize(
    "text",
    [
        "积极发展党员工作",
        "端正入党动机",
        "为什么入党、入党为什么。",  # search mode puts 什么 before 为什么
        "中国共产党的性质和宗旨",
        "Wagtail 7.4 培训，c++ 课程",
    ],
)
def test_every_substring_of_a_text_is_found_in_its_indexed_text(text):
    indexed = index_text(text)
    for start in range(len(text)):
        for end in range(start + 1, min(start + 6, len(text)) + 1):
            for word in query_words(text[start:end]):
                assert any(
                    all(fragment in indexed for fragment in fragments)
                    for fragments in substring_patterns(word)
                ), (word, indexed)


def test_a_word_cut_in_two_is_looked_for_on_both_sides_of_the_cut():
    assert index_text("端正入党动机") == "端正 入党 动机"
    assert substring_patterns("正入") == [("正入",), ("正 ", " 入")]


def test_a_search_finds_lessons_however_the_phrase_was_cut_in_context(site_pages):
    found = titles(search_curriculum("发展党员"))
    # "发展党员的程序" and "积极发展党员工作" both contain the phrase.
    assert {"发展党员的程序", "基层组织"} <= found


def test_a_lesson_with_the_words_apart_is_not_found(site_pages):
    # "党员的义务" speaks of 党员 and of 发展对象, never of 发展党员.
    assert "党员的义务" not in titles(search_curriculum("发展党员"))
    assert "党员的义务" in titles(search_curriculum("党员"))


def test_lessons_are_shown_with_their_course(site_pages):
    [hit] = [h for h in search_curriculum("基本程序") if h.page.title == "发展党员的程序"]
    assert hit.course.title == "入党积极分子培训"


def test_draft_lessons_are_never_found(site_pages):
    assert "未发布的课时" not in titles(search_curriculum("新规定"))
    assert search_curriculum("新规定") == []


def test_unpublished_changes_to_a_live_lesson_are_not_found(site_pages):
    live = site_pages.lessons[1]
    live.body = [("text", "<p>草稿里才有的秘密词语：星火燎原。</p>")]
    live.save_revision()  # a draft, not published
    assert search_curriculum("星火燎原") == []


def test_a_newly_published_lesson_is_found_at_once(site_pages):
    publish(site_pages.course, lesson("入党誓词", "<p>面向党旗宣誓。</p>", slug="oath"))
    assert titles(search_curriculum("入党誓词")) == {"入党誓词"}


@pytest.mark.parametrize("query", ["", "，。", "   "])
def test_empty_queries_find_nothing(site_pages, query):
    assert search_curriculum(query) == []


def test_search_page_shows_results_and_escapes_the_query(client, site_pages):
    response = client.get("/search/", {"q": "发展党员<script>"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>" not in html
    assert "&lt;script&gt;" in html

    html = client.get("/search/", {"q": "发展党员"}).content.decode()
    assert "发展党员的程序" in html and "党员的义务" not in html


def test_a_one_character_query_finds_every_lesson_that_contains_it(site_pages):
    publish(site_pages.course, lesson("端正入党动机", "<p>为什么入党？</p>", slug="motive"))
    # 党 stands alone in none of these texts: it is inside 入党, 党员 and 党校.
    assert titles(search_curriculum("党")) == {
        "入党积极分子培训",
        "发展党员的程序",
        "党员的义务",
        "基层组织",
        "端正入党动机",
    }
    assert titles(search_curriculum("机")) == {"端正入党动机"}


def test_a_string_that_is_no_word_is_found_as_written(site_pages):
    publish(
        site_pages.course,
        lesson("端正入党动机", "<p>课件用 Wagtail 制作。</p>", slug="motive"),
    )
    assert titles(search_curriculum("正入")) == {"端正入党动机"}
    assert titles(search_curriculum("AGT")) == {"端正入党动机"}
    # Every word of the query, wherever it must be looked for.
    assert titles(search_curriculum("党 程序")) == {"发展党员的程序"}


def test_a_string_found_only_across_words_of_the_index_is_not_found(site_pages):
    # "积极发展党员工作" is indexed as "积极 发展 党员 发展党员 工作": "员 " and " 发" are in it,
    # 员发 is not in the text.
    assert search_curriculum("员发") == []
    assert "基层组织" in titles(search_curriculum("展党"))


def test_one_character_queries_show_courses_first_then_lessons_titled_with_it(site_pages):
    found = [hit.page.title for hit in search_curriculum("党")]
    assert found[0] == "入党积极分子培训"
    assert found[-1] == "基层组织"  # 党 only in its body


def test_one_character_queries_are_bounded(site_pages, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_SEARCH_RESULTS", 2)
    hits = search_curriculum("党")
    assert [hit.page.title for hit in hits] == ["入党积极分子培训", "发展党员的程序"]


def test_one_character_queries_never_find_drafts(site_pages):
    # 稿 is only in the draft lesson (草稿).
    assert search_curriculum("稿") == []
    live = site_pages.lessons[1]
    live.body = [("text", "<p>草稿里才有的字：燎。</p>")]
    live.save_revision()  # a draft, not published
    assert search_curriculum("燎") == []


def test_one_character_queries_never_find_private_lessons(site_pages):
    private = publish(
        site_pages.course, lesson("内部学习", "<p>仅限支委：保密。</p>", slug="inner")
    )
    assert titles(search_curriculum("密")) == {"内部学习"}
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    assert search_curriculum("密") == []


@pytest.mark.parametrize("query", ["鑫", "qzx", "燎原", "党鑫"])
def test_a_query_found_nowhere_finds_nothing(site_pages, query):
    assert search_curriculum(query) == []


def test_pages_with_the_words_in_one_indexed_token_are_not_read_again(
    site_pages, django_assert_max_num_queries
):
    # Reading a body with a document in it costs a query for the document.
    document = Document.objects.create(
        title="学习材料", file=ContentFile(b"%PDF-1.4 test", name="material.pdf")
    )
    for number in range(3):
        body = [
            ("text", "<p>入党积极分子的学习材料。</p>"),
            ("document", {"document": document, "title": "", "description": ""}),
        ]
        publish(
            site_pages.course,
            LessonPage(title=f"学习材料 {number}", slug=f"material-{number}", body=body),
        )
    # Restrictions, pages found, pages whose indexed text has the words: for courses and for
    # lessons; then the lessons' courses.
    with django_assert_max_num_queries(7):
        assert len(search_curriculum("党")) == 7
    with django_assert_max_num_queries(7):
        assert len(search_curriculum("积极分子")) == 4


def test_search_page_finds_lessons_by_one_character(client, site_pages):
    html = client.get("/search/", {"q": "党"}).content.decode()
    assert "基层组织" in html and "未发布的课时" not in html
