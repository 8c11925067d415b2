"""How each write of the permission matrix is sent: a valid request from the role that may
make it, so that a refusal of anyone else means something."""

import json
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.matrix import World

TODAY = timezone.localdate().isoformat()


@dataclass(frozen=True)
class Write:
    """How a row's write is sent: the method and the data, built from the world."""

    method: str = "post"
    data: object = None  # a function of the world giving the form (or JSON) data
    json: bool = False

    def send(self, client, url, world: World):
        data = self.data(world) if self.data else {}
        if self.json:
            return getattr(client, self.method)(
                url, data=json.dumps(data), content_type="application/json"
            )
        if self.method == "post":
            return client.post(url, data=data)
        return getattr(client, self.method)(url, data=data)


def _csv(text: str, name: str = "roster.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


ROSTER = "学号,姓名,性别,所在党支部,申请入党日期\n2023019999,新同学,女,测试学院本科生2023级党支部,2025-09-01\n"


def _question_form(world, **extra):
    rows = {
        "bank": world.bank.pk,
        "kind": "true_false",
        "text": "新判断题：支部大会须有半数以上有表决权的党员到会。",
        "points": "1",
        "category": "党章",
        "difficulty": "medium",
        "multiple_scoring": "all_or_nothing",
        "correct_answer": "True",
        "is_active": "on",
    }
    for formset in ("options", "blanks"):
        rows.update(
            {
                f"{formset}-TOTAL_FORMS": "0",
                f"{formset}-INITIAL_FORMS": "0",
                f"{formset}-MIN_NUM_FORMS": "0",
                f"{formset}-MAX_NUM_FORMS": "1000",
            }
        )
    return {**rows, **extra}


def _exam_form(world, **extra):
    now = timezone.localtime()
    rows = {
        "course": world.course.pk,
        "title": "新考试",
        "opens_at": now.strftime("%Y-%m-%d %H:%M"),
        "closes_at": (now + timezone.timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
        "time_limit_minutes": "30",
        "grace_seconds": "60",
        "max_attempts": "1",
        "pass_score": "60",
        "review": "after_last_attempt",
        "rules-TOTAL_FORMS": "1",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "1",
        "rules-MAX_NUM_FORMS": "1000",
        "rules-0-bank": world.bank.pk,
        "rules-0-kind": "true_false",
        "rules-0-count": "1",
        "rules-0-ORDER": "1",
    }
    return {**rows, **extra}


def _cohort_form(world, **extra):
    return {
        "course": world.course.pk,
        "name": "第二期培训班",
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-31",
        "managers": [world.users["organizer"].pk],
        **extra,
    }


def _policy_form(world, **extra):
    return {
        "course": world.course.pk,
        "exam": world.exam.pk,
        "require_lessons": "on",
        "require_exam_pass": "on",
        "exam_weight": "70",
        "attendance_weight": "10",
        "essay_weight": "20",
        "pass_mark": "60",
        "essay_pass_mark": "60",
        "essay_min_characters": "0",
        **extra,
    }


def _person_form(world, **extra):
    return {
        "full_name": world.person.user.full_name,
        "organization": world.branch.pk,
        "gender": "female",
        "ethnicity": "回族",
        "birth_date": "2004-05-01",
        "college": "测试学院",
        "grade": "2023",
        "class_name": "计科2301",
        **extra,
    }


def _answer(world):
    """An answer to the open attempt's first question, with an option as the API sends it."""
    row = world.open_attempt.questions.order_by("position").first()
    snapshot = row.snapshot
    if snapshot["kind"] == "single":
        return {"response": snapshot["options"][0]["key"]}
    if snapshot["kind"] == "multiple":
        return {"response": [snapshot["options"][0]["key"]]}
    if snapshot["kind"] == "true_false":
        return {"response": True}
    if snapshot["kind"] == "fill_in":
        return {"response": ["1"] * len(snapshot["blanks"])}
    return {"response": "答案"}


WRITES: dict[str, Write] = {
    # People and their files.
    "people:add": Write(data=lambda w: _person_form(w, number="2023019998", full_name="新同学")),
    "people:edit": Write(data=lambda w: _person_form(w)),
    "people:add_record": Write(
        data=lambda w: {"kind": "thought_report", "occurred_on": "2026-10-01", "note": "思想汇报"}
    ),
    "people:correct_record": Write(
        data=lambda w: {"occurred_on": "2025-03-02", "reason": "日期笔误"}
    ),
    "people:stage_change": Write(
        data=lambda w: {
            "effective_on": TODAY,
            "basis": "支部委员会会议",
            "override_reason": "经党委组织部研究同意",
        }
    ),
    "people:roster": Write(data=lambda w: {"file": _csv(ROSTER)}),
    "notices:publish": Write(
        data=lambda w: {
            "kind": "candidate_notice",
            "organization": w.college.pk,
            "numbers": w.person.user.username,
            "starts_on": TODAY,
            "feedback": "测试学院组织员办公室",
            "on_site": "on",
        }
    ),
    "notices:outcome": Write(data=lambda w: {"outcome": "no_objection", "note": ""}),
    "organizations:add": Write(
        data=lambda w: {"parent": w.college.pk, "name": "测试学院教工党支部", "kind": "branch"}
    ),
    "organizations:edit": Write(
        data=lambda w: {"name": "测试学院本科生2023级第一党支部", "grade": "2023"}
    ),
    # Classes, enrollments, certificates.
    "cohorts:add": Write(data=_cohort_form),
    "cohorts:edit": Write(data=lambda w: _cohort_form(w, name="第一期培训班（改）")),
    "cohorts:copy": Write(data=_cohort_form),
    "cohorts:enroll": Write(data=lambda w: {"numbers": w.fresh.user.username}),
    "cohort_marks": Write(data=lambda w: {"enrollment": w.enrollment.pk, "attendance": "90"}),
    "enrollments:withdraw": Write(data=lambda w: {"reason": "转学"}),
    "certificates:revoke": Write(data=lambda w: {"reason": "信息有误"}),
    "certificates:reissue": Write(data=lambda w: {"reason": "更正姓名"}),
    "certificates:issue": Write(data=lambda w: {"reason": "线下培训结业"}),
    "certificates:bulk_verify": Write(data=lambda w: {"numbers": w.person.user.username}),
    # Banks, questions, exams, policies, grading.
    "question_banks:add": Write(data=lambda w: {"name": "党史题库"}),
    "question_banks:edit": Write(data=lambda w: {"name": "结业考试题库（改）"}),
    "question_banks:copy": Write(data=lambda w: {"name": "结业考试题库副本"}),
    "question_banks:import": Write(
        data=lambda w: {
            "file": SimpleUploadedFile("bank.gift", "中国共产党成立于1921年。{T}\n".encode()),
            "bank": w.bank.pk,
        }
    ),
    "questions:add": Write(data=_question_form),
    "questions:edit": Write(data=lambda w: _question_form(w, text="改过的判断题")),
    "questions:copy": Write(data=_question_form),
    "exams:add": Write(data=_exam_form),
    "exams:edit": Write(data=lambda w: _exam_form(w, title="改过的考试")),
    "exams:copy": Write(data=_exam_form),
    "completion_policies:add": Write(data=lambda w: _policy_form(w, cohort=w.cohort.pk)),
    "completion_policies:edit": Write(data=lambda w: _policy_form(w, require_signoff="on")),
    "completion_policies:copy": Write(data=lambda w: _policy_form(w, cohort=w.cohort.pk)),
    "grading_queue": Write(
        data=lambda w: {"essay_id": w.essay.pk, f"essay{w.essay.pk}-score": "85"}
    ),
    # The API.
    "auth-token": Write(
        data=lambda w: {"username": w.person.user.username, "password": "correct horse battery"},
        json=True,
    ),
    "me": Write(method="patch", data=lambda w: {"phone": "13800138000"}, json=True),
    "api-lesson-heartbeat": Write(data=lambda w: {"state": "visible"}, json=True),
    "api-cohort-enrollments": Write(
        data=lambda w: {"usernames": [w.fresh.user.username]}, json=True
    ),
    "api-attempt-answers": Write(method="put", data=_answer, json=True),
    "api-person-import-": Write(data=lambda w: {"file": _csv(ROSTER), "dry_run": "true"}),
    "api-notice-list": Write(
        data=lambda w: {
            "kind": "candidate_notice",
            "organization": w.college.pk,
            "student_numbers": [w.person.user.username],
            "starts_on": TODAY,
            "feedback": "测试学院组织员办公室",
        },
        json=True,
    ),
    "api-notice-outcomes": Write(
        data=lambda w: {"student_number": w.person.user.username, "outcome": "no_objection"},
        json=True,
    ),
    # The site.
    "accounts:login": Write(
        data=lambda w: {"username": w.person.user.username, "password": "correct horse battery"}
    ),
    "accounts:password_change": Write(
        data=lambda w: {
            "old_password": "correct horse battery",
            "new_password1": "Kq8!party-school",
            "new_password2": "Kq8!party-school",
        }
    ),
    "learning:essay": Write(data=lambda w: {"text": "参加培训的心得体会。" * 10}),
    "set_language": Write(data=lambda w: {"language": "en", "next": "/"}),
    "wagtailadmin_choose_page_external_link": Write(
        data=lambda w: {
            "external-link-chooser-url": "https://www.example.edu.cn/",
            "external-link-chooser-link_text": "学校主页",
        }
    ),
}

# Wagtail's redirect import reads the file uploaded by its first step; a second step posted on
# its own is a hand-made request. Sent like the form would be, with a file name that is not
# there, it is refused.
WRITES["wagtailredirects:process_import"] = Write(
    data=lambda w: {
        "import_file_name": "missing.csv",
        "input_format": "csv",
        "from_index": "0",
        "to_index": "1",
    }
)
