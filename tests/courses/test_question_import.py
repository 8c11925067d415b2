"""Importing banks: dry run, all or nothing, duplicates, the command and the admin screens."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts import roles
from courses.models import Question, QuestionBank
from courses.questions import types as q
from courses.services.question_import import (
    ImportRefused,
    export_bank,
    import_questions,
    parse_file,
)
from tests.factories import UserFactory

GOOD = """// 演示
$CATEGORY: 党章

::单选::党的根本宗旨是（　　）。{=全心全意为人民服务 ~发展生产力 ~维护稳定}

::判断::中国共产党成立于1921年。{T}

::填空::预备党员的预备期为{=一年 =1年}。
"""
BAD = (
    GOOD
    + """
::坏题::没有正确答案的单选题{~甲 ~乙}

::数值::1加1等于几？{#2}
"""
)


@pytest.fixture
def bank(db):
    return QuestionBank.objects.create(name="题库一")


def test_a_good_file_is_imported_whole(bank):
    outcome = import_questions(bank, parse_file("bank.gift", GOOD.encode()), actor=None)
    assert len(outcome.created) == 3
    kinds = set(bank.questions.values_list("kind", flat=True))
    assert kinds == {q.SINGLE, q.TRUE_FALSE, q.FILL_IN}
    fill = bank.questions.get(kind=q.FILL_IN)
    assert fill.blanks.get().accepted() == ["一年", "1年"]


def test_a_file_with_any_problem_imports_nothing(bank):
    result = parse_file("bank.gift", BAD.encode())
    assert [p.line for p in result.problems] == [10]
    assert [s.kind for s in result.skipped] == ["numerical"]
    with pytest.raises(ImportRefused):
        import_questions(bank, result, actor=None)
    assert not Question.objects.exists()


def test_importing_the_same_file_twice_adds_nothing_the_second_time(bank):
    import_questions(bank, parse_file("bank.gift", GOOD.encode()), actor=None)
    outcome = import_questions(bank, parse_file("bank.gift", GOOD.encode()), actor=None)
    assert (len(outcome.created), len(outcome.duplicates)) == (0, 3)
    assert bank.questions.count() == 3


def test_gb18030_gift_files_are_read(bank):
    result = parse_file("bank.txt", GOOD.encode("gb18030"))
    assert result.ok and len(result.questions) == 3


def test_an_unknown_file_type_is_one_clear_problem(bank):
    result = parse_file("bank.docx", b"PK...")
    assert len(result.problems) == 1 and ".xlsx" in result.problems[0].message


def test_export_gives_back_the_same_questions(bank):
    import_questions(bank, parse_file("bank.gift", GOOD.encode()), actor=None)
    again = parse_file("export.xlsx", export_bank(bank))
    assert again.ok
    assert sorted((x.kind, x.text) for x in again.questions) == sorted(
        bank.questions.values_list("kind", "text")
    )


def test_the_command_imports_and_dry_runs(tmp_path, db):
    path = tmp_path / "bank.gift"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_questions", str(path), "--bank", "新题库", "--dry-run", verbosity=0)
    assert not QuestionBank.objects.exists()
    call_command("import_questions", str(path), "--bank", "新题库", verbosity=0)
    assert QuestionBank.objects.get(name="新题库").questions.count() == 3


def test_the_command_lists_problems_and_saves_nothing(tmp_path, db, capsys):
    path = tmp_path / "bad.gift"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_questions", str(path), "--bank", "新题库")
    assert "line 10" in capsys.readouterr().err
    assert not Question.objects.exists()


# --- Admin --------------------------------------------------------------------------------------


@pytest.fixture
def teacher(db):
    return UserFactory(username="T5001", full_name="教师甲", groups=[roles.INSTRUCTORS])


def test_preview_then_confirm_in_the_admin(client, teacher, bank):
    client.force_login(teacher)
    preview = client.post(
        reverse("question_banks:import"),
        {"file": SimpleUploadedFile("bank.gift", GOOD.encode()), "bank": bank.pk},
    )
    assert preview.status_code == 200
    assert not Question.objects.exists()  # a preview saves nothing
    token = preview.context["token"]
    response = client.post(reverse("question_banks:import"), {"token": token})
    assert response.status_code == 302
    assert bank.questions.count() == 3


def test_a_preview_lists_every_problem_and_offers_no_import(client, teacher, bank):
    client.force_login(teacher)
    preview = client.post(
        reverse("question_banks:import"),
        {"file": SimpleUploadedFile("bad.gift", BAD.encode()), "bank": bank.pk},
    )
    html = preview.content.decode()
    assert 'name="token"' not in html
    assert "numerical" in html


def test_the_template_downloads_as_excel(client, teacher):
    client.force_login(teacher)
    response = client.get(reverse("question_banks:template"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.worksheets[0]["A1"].value == "题型"


def test_learners_and_organizers_cannot_import(client, learner, branch_organizer):
    for user in (learner, branch_organizer):
        client.force_login(user)
        assert client.get(reverse("question_banks:import")).status_code in (302, 403)
