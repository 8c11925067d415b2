import pytest

from cms.search import index_text, query_terms, query_words
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
