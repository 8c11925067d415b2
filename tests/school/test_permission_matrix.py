"""Every door checked: every URL pattern of the site × every role, the expected answer written
down, and every write tried by every role with the database compared before and after.

The rows come from the URL resolver, so a new endpoint with no row in ``TABLE`` fails
``test_every_url_pattern_has_a_row``: someone must decide who may open it. Object URLs point
at objects of "this college" (tests/matrix.py builds them). Columns, in ``ROLES`` order:

    anonymous · learner · other learner (another college) · instructor · reviewer ·
    organizer of this college · organizer of another college (the outsider) · school admin

Letters: O served or done, R redirected, L sign in first, D permission denied, N not found
(out of reach reads the same as missing), X method not allowed, B bad request, C conflict.

Each row gives the answer to a GET and to a write: a POST of the row's payload (``WRITES``;
an empty form for Wagtail's own pages), or its PUT/PATCH. In the write column ``+`` marks
the roles whose request must change the database — the payload is valid, so the test would
fail if it did not — and every other role's request must change nothing at all.
``MATRIX_PRINT=1`` prints what each URL answered, as rows, for review.
"""

import os

import pytest
from django.db import transaction

from tests.matrix import ROLES, World, build_world, fingerprint, outcome
from tests.matrix_urls import patterns, url_of
from tests.matrix_writes import WRITES, Write

# fmt: off
TABLE: dict[str, tuple[str, str]] = {
    # key: (GET, write), each a letter per role, in the order of ROLES:
    #      anonymous learner other-learner instructor reviewer organizer outsider admin
    # The admin: our overrides of Wagtail's pages
    "admin/account/": ("L L L O O O O O", "L L L O O O O O"),  # /admin/account/
    "admin/reports/site-history/": ("L L L O O O O O", "L L L X X X X X"),  # /admin/reports/site-history/
    "admin/reports/site-history/results/": ("L L L O O O O O", "L L L X X X X X"),  # /admin/reports/site-history/results/
    "admin/failwhale/": ("N N N N N N N N", "N N N N N N N N"),  # /admin/failwhale/
    "admin/redirects/import/process/": ("L L L D D D D X", "L L L D D D D B"),  # /admin/redirects/import/process/
    "admin/test404/": ("L L L O O O O O", "L L L X X X X X"),  # /admin/test404/
    "admin/^.*/$": ("L L L N N N N N", "L L L N N N N N"),  # /admin/no-such-page/
    # Log-in security (admin): one's own second factor; unlocking, for school admins only.
    "accounts_two_factor_verify": ("L L L R R R R R", "L L L R R R R R"),  # /admin/two-factor/verify/
    "accounts_two_factor_setup": ("L L L O O O O O", "L L L O O O O O"),  # /admin/two-factor/
    "accounts_lockouts": ("L L L D D D D O", "L L L D D D D R"),  # /admin/lockouts/
    "accounts_two_factor_reset": ("L L L D D D D X", "L L L D D D D R"),  # /admin/two-factor/reset/
    # Member development (admin)
    "people:index": ("L L L D D O O O", "L L L D D X X X"),  # /admin/people/
    "people:index_results": ("L L L D D O O O", "L L L D D X X X"),  # /admin/people/results/
    "people:add": ("L L L D D O O O", "L L L D D R+ O R+"),  # /admin/people/new/
    "people:edit": ("L L L D D O N O", "L L L D D R+ N R+"),  # /admin/people/edit/1/
    "people:delete": ("L L L N N D N O", "L L L N N D N R"),  # /admin/people/delete/1/
    "people:history": ("L L L N N O N O", "L L L N N X N X"),  # /admin/people/history/1/
    "people:history_results": ("L L L N N O N O", "L L L N N X N X"),  # /admin/people/history-results/1/
    "people:usage": ("L L L N N O N O", "L L L N N X N X"),  # /admin/people/usage/1/
    "people:inspect": ("L L L N N O N O", "L L L N N X N X"),  # /admin/people/inspect/1/
    "people:add_record": ("L L L D D O N O", "L L L D D R+ N R+"),  # /admin/people/1/records/new/
    "people:correct_record": ("L L L D D O N O", "L L L D D R+ N R+"),  # /admin/people/1/records/2/correct/
    "people:stage_change": ("L L L D D O N O", "L L L D D O N R+"),  # /admin/people/1/stage/
    "people:dossier": ("L L L N N O N O", "L L L N N O N O"),  # /admin/people/1/dossier.xlsx
    "people:roster": ("L L L D D O O O", "L L L D D O O O"),  # /admin/people/roster/
    "people:roster_template": ("L L L D D O O O", "L L L D D O O O"),  # /admin/people/roster/template/
    "people:screening": ("L L L D D O O O", "L L L D D X X X"),  # /admin/people/screening/
    "notices:index": ("L L L D D O O O", "L L L D D X X X"),  # /admin/notices/
    "notices:index_results": ("L L L D D O O O", "L L L D D X X X"),  # /admin/notices/results/
    "notices:add": ("L L L D D D D D", "L L L D D D D D"),  # /admin/notices/new/
    "notices:edit": ("L L L D D D D D", "L L L D D D D D"),  # /admin/notices/edit/1/
    "notices:delete": ("L L L N N D N D", "L L L N N D N D"),  # /admin/notices/delete/1/
    "notices:history": ("L L L N N D N D", "L L L N N D N D"),  # /admin/notices/history/1/
    "notices:history_results": ("L L L N N D N D", "L L L N N D N D"),  # /admin/notices/history-results/1/
    "notices:usage": ("L L L N N D N D", "L L L N N D N D"),  # /admin/notices/usage/1/
    "notices:inspect": ("L L L N N O N O", "L L L N N X N X"),  # /admin/notices/inspect/1/
    "notices:publish": ("L L L D D O O O", "L L L D D R+ O R+"),  # /admin/notices/publish/
    "notices:outcome": ("L L L D D O N O", "L L L D D R+ N R+"),  # /admin/notices/1/entries/1/
    "organizations:index": ("L L L D D O O O", "L L L D D X X X"),  # /admin/organizations/
    "organizations:index_results": ("L L L D D O O O", "L L L D D X X X"),  # /admin/organizations/results/
    "organizations:add": ("L L L D D D D O", "L L L D D D D R+"),  # /admin/organizations/new/
    "organizations:edit": ("L L L D D D D O", "L L L D D D D R+"),  # /admin/organizations/edit/3/
    "organizations:delete": ("L L L N N D N O", "L L L N N D N R"),  # /admin/organizations/delete/3/
    "organizations:history": ("L L L N N D N O", "L L L N N D N X"),  # /admin/organizations/history/3/
    "organizations:history_results": ("L L L N N D N O", "L L L N N D N X"),  # /admin/organizations/history-results/3/
    "organizations:usage": ("L L L N N D N O", "L L L N N D N X"),  # /admin/organizations/usage/3/
    # Training classes and certificates (admin)
    "cohort_marks": ("L L L D N O N O", "L L L D N R+ N R+"),  # /admin/cohorts/marks/1/
    "cohorts:index": ("L L L D D O O O", "L L L D D X X X"),  # /admin/cohorts/
    "cohorts:index_results": ("L L L D D O O O", "L L L D D X X X"),  # /admin/cohorts/results/
    "cohorts:add": ("L L L D D O O O", "L L L D D R+ O R+"),  # /admin/cohorts/new/
    "cohorts:edit": ("L L L D D O N O", "L L L D D R+ N R+"),  # /admin/cohorts/edit/1/
    "cohorts:delete": ("L L L D N D N O", "L L L D N D N R"),  # /admin/cohorts/delete/1/
    "cohorts:history": ("L L L D N O N O", "L L L D N X N X"),  # /admin/cohorts/history/1/
    "cohorts:history_results": ("L L L D N O N O", "L L L D N X N X"),  # /admin/cohorts/history-results/1/
    "cohorts:usage": ("L L L D N O N O", "L L L D N X N X"),  # /admin/cohorts/usage/1/
    "cohorts:inspect": ("L L L D N O N O", "L L L D N X N X"),  # /admin/cohorts/inspect/1/
    "cohorts:copy": ("L L L D D O N O", "L L L D D R+ N R+"),  # /admin/cohorts/copy/1/
    "cohorts:enroll": ("L L L D N O N O", "L L L D N O+ N O+"),  # /admin/cohorts/enroll/1/
    "enrollments:index": ("L L L D D O O O", "L L L D D X X X"),  # /admin/enrollments/
    "enrollments:index_results": ("L L L D D O O O", "L L L D D X X X"),  # /admin/enrollments/results/
    "enrollments:add": ("L L L D D D D D", "L L L D D D D D"),  # /admin/enrollments/new/
    "enrollments:edit": ("L L L D D D D D", "L L L D D D D D"),  # /admin/enrollments/edit/1/
    "enrollments:delete": ("L L L D N D N D", "L L L D N D N D"),  # /admin/enrollments/delete/1/
    "enrollments:history": ("L L L D N D N D", "L L L D N D N D"),  # /admin/enrollments/history/1/
    "enrollments:history_results": ("L L L D N D N D", "L L L D N D N D"),  # /admin/enrollments/history-results/1/
    "enrollments:usage": ("L L L D N D N D", "L L L D N D N D"),  # /admin/enrollments/usage/1/
    "enrollments:withdraw": ("L L L D N O N O", "L L L D N R+ N R+"),  # /admin/enrollments/withdraw/1/
    "certificates:index": ("L L L O D O O O", "L L L X D X X X"),  # /admin/certificates/
    "certificates:index_results": ("L L L O D O O O", "L L L X D X X X"),  # /admin/certificates/results/
    "certificates:add": ("L L L D D D D D", "L L L D D D D D"),  # /admin/certificates/new/
    "certificates:edit": ("L L L D D D D D", "L L L D D D D D"),  # /admin/certificates/edit/1/
    "certificates:delete": ("L L L D N D N D", "L L L D N D N D"),  # /admin/certificates/delete/1/
    "certificates:history": ("L L L D N D N D", "L L L D N D N D"),  # /admin/certificates/history/1/
    "certificates:history_results": ("L L L D N D N D", "L L L D N D N D"),  # /admin/certificates/history-results/1/
    "certificates:usage": ("L L L D N D N D", "L L L D N D N D"),  # /admin/certificates/usage/1/
    "certificates:inspect": ("L L L O N O N O", "L L L X N X N X"),  # /admin/certificates/inspect/1/
    "certificates:revoke": ("L L L D D D D O", "L L L D D D D R+"),  # /admin/certificates/revoke/1/
    "certificates:reissue": ("L L L D D D D O", "L L L D D D D R+"),  # /admin/certificates/reissue/1/
    "certificates:issue": ("L L L D N O N O", "L L L D N R+ N R+"),  # /admin/certificates/issue/2/
    "certificates:bulk_verify": ("L L L O D O O O", "L L L O+ D O+ O O+"),  # /admin/certificates/verify/
    "completion_policies:index": ("L L L O D O O O", "L L L X D X X X"),  # /admin/completion-policies/
    "completion_policies:index_results": ("L L L O D O O O", "L L L X D X X X"),  # /admin/completion-policies/results/
    "completion_policies:add": ("L L L O D D D O", "L L L R+ D D D R+"),  # /admin/completion-policies/new/
    "completion_policies:edit": ("L L L O D D D O", "L L L R+ D D D R+"),  # /admin/completion-policies/edit/1/
    "completion_policies:delete": ("L L L D D D D O", "L L L D D D D R+"),  # /admin/completion-policies/delete/1/
    "completion_policies:history": ("L L L O D D D O", "L L L X D D D X"),  # /admin/completion-policies/history/1/
    "completion_policies:history_results": ("L L L O D D D O", "L L L X D D D X"),  # /admin/completion-policies/history-results/1/
    "completion_policies:usage": ("L L L O D D D O", "L L L X D D D X"),  # /admin/completion-policies/usage/1/
    # The audit log (admin): school admins read it; nobody adds, edits or deletes a row
    "audit:index": ("L L L D D D D O", "L L L D D D D X"),  # /admin/audit/
    "audit:index_results": ("L L L D D D D O", "L L L D D D D X"),  # /admin/audit/results/
    "audit:add": ("L L L D D D D D", "L L L D D D D D"),  # /admin/audit/new/
    "audit:edit": ("L L L D D D D D", "L L L D D D D D"),  # /admin/audit/edit/5/
    "audit:delete": ("L L L N N N N D", "L L L N N N N D"),  # /admin/audit/delete/5/
    "audit:history": ("L L L N N N N D", "L L L N N N N D"),  # /admin/audit/history/5/
    "audit:history_results": ("L L L N N N N D", "L L L N N N N D"),  # /admin/audit/history-results/5/
    "audit:usage": ("L L L N N N N D", "L L L N N N N D"),  # /admin/audit/usage/5/
    "audit:inspect": ("L L L N N N N O", "L L L N N N N X"),  # /admin/audit/inspect/5/
    "completion_policies:copy": ("L L L O D D D O", "L L L R+ D D D R+"),  # /admin/completion-policies/copy/1/
    # Exams (admin)
    "grading_queue": ("L L L O D D D O", "L L L R+ D D D R+"),  # /admin/grading/
    "question_banks:index": ("L L L O D D D O", "L L L X D D D X"),  # /admin/question-banks/
    "question_banks:index_results": ("L L L O D D D O", "L L L X D D D X"),  # /admin/question-banks/results/
    "question_banks:add": ("L L L O D D D O", "L L L R+ D D D R+"),  # /admin/question-banks/new/
    "question_banks:edit": ("L L L O D D D O", "L L L R+ D D D R+"),  # /admin/question-banks/edit/1/
    "question_banks:delete": ("L L L D D D D O", "L L L D D D D R"),  # /admin/question-banks/delete/1/
    "question_banks:history": ("L L L O D D D O", "L L L X D D D X"),  # /admin/question-banks/history/1/
    "question_banks:history_results": ("L L L O D D D O", "L L L X D D D X"),  # /admin/question-banks/history-results/1/
    "question_banks:usage": ("L L L O D D D O", "L L L X D D D X"),  # /admin/question-banks/usage/1/
    "question_banks:copy": ("L L L O D D D O", "L L L R+ D D D R+"),  # /admin/question-banks/copy/1/
    "question_banks:import": ("L L L O D D D O", "L L L O D D D O"),  # /admin/question-banks/import/
    "question_banks:template": ("L L L O D D D O", "L L L O D D D O"),  # /admin/question-banks/template/
    "question_banks:export": ("L L L O D D D O", "L L L O D D D O"),  # /admin/question-banks/export/1/
    "questions:index": ("L L L O D D D O", "L L L X D D D X"),  # /admin/questions/
    "questions:index_results": ("L L L O D D D O", "L L L X D D D X"),  # /admin/questions/results/
    "questions:add": ("L L L O D D D O", "L L L R+ D D D R+"),  # /admin/questions/new/
    "questions:edit": ("L L L O D D D O", "L L L R+ D D D R+"),  # /admin/questions/edit/1/
    "questions:delete": ("L L L D D D D O", "L L L D D D D R"),  # /admin/questions/delete/1/
    "questions:history": ("L L L O D D D O", "L L L X D D D X"),  # /admin/questions/history/1/
    "questions:history_results": ("L L L O D D D O", "L L L X D D D X"),  # /admin/questions/history-results/1/
    "questions:usage": ("L L L O D D D O", "L L L X D D D X"),  # /admin/questions/usage/1/
    "questions:copy": ("L L L O D D D O", "L L L R+ D D D R+"),  # /admin/questions/copy/1/
    "exams:index": ("L L L O D O O O", "L L L X D X X X"),  # /admin/exams/
    "exams:index_results": ("L L L O D O O O", "L L L X D X X X"),  # /admin/exams/results/
    "exams:add": ("L L L O D D D O", "L L L R+ D D D R+"),  # /admin/exams/new/
    "exams:edit": ("L L L O D D D O", "L L L R+ D D D R+"),  # /admin/exams/edit/1/
    "exams:delete": ("L L L D D D D O", "L L L D D D D R"),  # /admin/exams/delete/1/
    "exams:history": ("L L L O D D D O", "L L L X D D D X"),  # /admin/exams/history/1/
    "exams:history_results": ("L L L O D D D O", "L L L X D D D X"),  # /admin/exams/history-results/1/
    "exams:usage": ("L L L O D D D O", "L L L X D D D X"),  # /admin/exams/usage/1/
    "exams:copy": ("L L L O D D D O", "L L L R+ D D D R+"),  # /admin/exams/copy/1/
    "attempts:index": ("L L L O D O O O", "L L L X D X X X"),  # /admin/attempts/
    "attempts:index_results": ("L L L O D O O O", "L L L X D X X X"),  # /admin/attempts/results/
    "attempts:add": ("L L L D D D D D", "L L L D D D D D"),  # /admin/attempts/new/
    "attempts:edit": ("L L L D D D D D", "L L L D D D D D"),  # /admin/attempts/edit/1/
    "attempts:delete": ("L L L D N D N D", "L L L D N D N D"),  # /admin/attempts/delete/1/
    "attempts:history": ("L L L D N D N D", "L L L D N D N D"),  # /admin/attempts/history/1/
    "attempts:history_results": ("L L L D N D N D", "L L L D N D N D"),  # /admin/attempts/history-results/1/
    "attempts:usage": ("L L L D N D N D", "L L L D N D N D"),  # /admin/attempts/usage/1/
    # The API
    "auth-token": ("X X X X X X X X", "O+ O+ O+ O+ O+ O+ O+ O+"),  # /api/v1/auth/token/
    "auth-logout": ("L X X X X X X X", "L O O O O O O O"),  # /api/v1/auth/logout/
    "me": ("L O O O O O O O", "L O+ O+ O+ O+ O+ O+ O+"),  # /api/v1/me/
    "api-course-list": ("L O O O O O O O", "L X X X X X X X"),  # /api/v1/courses/
    "api-course-detail": ("L O O O O O O O", "L X X X X X X X"),  # /api/v1/courses/5/
    "api-course-enroll": ("L X X X X X X X", "L O O O+ O+ O+ O+ O+"),  # /api/v1/courses/5/enroll/
    "api-enrollment-list": ("L O O O O O O O", "L X X X X X X X"),  # /api/v1/enrollments/
    "api-enrollment-detail": ("L O N N N N N N", "L X X X X X X X"),  # /api/v1/enrollments/1/
    "api-lesson-heartbeat": ("L X X X X X X X", "L O+ O+ D D D D D"),  # /api/v1/lessons/6/heartbeat/
    "api-lesson-visit": ("L X X X X X X X", "L O+ O+ D D D D D"),  # /api/v1/lessons/6/visit/
    "api-cohort-list": ("L O O O O O O O", "L X X X X X X X"),  # /api/v1/cohorts/
    "api-cohort-enrollments": ("L X X X X X X X", "L N N N N O+ N O+"),  # /api/v1/cohorts/1/enrollments/
    "api-exam-list": ("L O O O O O O O", "L X X X X X X X"),  # /api/v1/exams/
    "api-exam-detail": ("L O O N N N N N", "L X X X X X X X"),  # /api/v1/exams/1/
    "api-exam-attempts": ("L X X X X X X X", "L O O N N N N N"),  # /api/v1/exams/1/attempts/
    "api-attempt-detail": ("L O N N N N N N", "L X X X X X X X"),  # /api/v1/attempts/1/
    "api-attempt-answers": ("L X X X X X X X", "L O+ N N N N N N"),  # /api/v1/attempts/2/answers/5/
    "api-attempt-submit": ("L X X X X X X X", "L O+ N N N N N N"),  # /api/v1/attempts/2/submit/
    "api-certificate-list": ("L O O O O O O O", "L X X X X X X X"),  # /api/v1/certificates/
    "api-certificate-public-key": ("O O O O O O O O", "X X X X X X X X"),  # /api/v1/certificates/public-key/
    "api-certificate-verify": ("O O O O O O O O", "X X X X X X X X"),  # /api/v1/certificates/verify/2026-DX-8HS5W8/
    "api-person-list": ("L O O O O O O O", "L X X X X X X X"),  # /api/v1/people/
    "api-person-import-": ("L X X X X X X X", "L D D D D O B O"),  # /api/v1/people/import/
    "api-person-detail": ("L O N N N O N O", "L X X X X X X X"),  # /api/v1/people/1/
    "api-person-eligibility": ("L O N N N O N O", "L X X X X X X X"),  # /api/v1/people/1/eligibility/
    "api-notice-list": ("L O O O O O O O", "L D D D D O+ B O+"),  # /api/v1/notices/
    "api-notice-detail": ("L O N N N O N O", "L X X X X X X X"),  # /api/v1/notices/1/
    "api-notice-outcomes": ("L X X X X X X X", "L D N N N O+ N O+"),  # /api/v1/notices/1/outcomes/
    "api-root": ("O O O O O O O O", "X X X X X X X X"),  # /api/v1/
    # Any other address under /api/v1/: the API's own 404 body, for everyone
    "api/v1/^[\\s\\S]*/$": ("N N N N N N N N", "N N N N N N N N"),  # /api/v1/no-such-thing/
    "schema": ("O O O O O O O O", "X X X X X X X X"),  # /api/schema/
    "api-docs": ("O O O O O O O O", "X X X X X X X X"),  # /api/docs/
    # The site
    "accounts:login": ("O R R R R R R R", "R+ R R R R R R R"),  # /accounts/login/
    "accounts:logout": ("X X X X X X X X", "R R R R R R R R"),  # /accounts/logout/
    "accounts:password_change": ("L O O O O O O O", "L R+ R+ R+ R+ R+ R+ R+"),  # /accounts/password/
    "search": ("O O O O O O O O", "O O O O O O O O"),  # /search/
    "learning:mine": ("L O O O O O O O", "L O O O O O O O"),  # /learning/
    "my-development": ("L O O O O O O O", "L X X X X X X X"),  # /learning/development/
    "learning:enroll": ("L X X X X X X X", "L R R R+ R+ R+ R+ R+"),  # /learning/enroll/5/
    "learning:exam": ("L O O N N N N N", "L O O N N N N N"),  # /learning/exams/1/
    "learning:exam-start": ("L X X X X X X X", "L R R N N N N N"),  # /learning/exams/1/start/
    "learning:attempt": ("L O N N N N N N", "L O N N N N N N"),  # /learning/attempts/1/
    "learning:certificate-file": ("L O N O N O N O", "L O+ N O+ N O+ N O+"),  # /learning/certificates/2026-DX-8HS5W8.png
    "learning:essay": ("L X X X X X X X", "L R+ N N N N N N"),  # /learning/essays/1/
    "verify": ("O O O O O O O O", "O O O O O O O O"),  # /verify/
    "verify-public-key": ("O O O O O O O O", "O O O O O O O O"),  # /verify/public-key.pem
    "verify-serial": ("O O O O O O O O", "O+ O+ O+ O+ O+ O+ O+ O+"),  # /verify/2026-DX-8HS5W8/
    "set_language": ("R R R R R R R R", "R R R R R R R R"),  # /i18n/setlang/
    "health": ("O O O O O O O O", "O O O O O O O O"),  # /healthz/
    "favicon.ico": ("R R R R R R R R", "R R R R R R R R"),  # /favicon.ico
    # Wagtail's own admin, API and public views
    "wagtailadmin_home": ("L L L O O O O O", "L L L X X X X X"),  # /admin/
    "wagtailadmin_api:pages:listing": ("L L L O O O O O", "L L L X X X X X"),  # /admin/api/main/pages/
    "wagtailadmin_api:pages:detail": ("L L L O O N N O", "L L L X X X X X"),  # /admin/api/main/pages/6/
    "wagtailadmin_api:pages:find": ("L L L N N N N N", "L L L X X X X X"),  # /admin/api/main/pages/find/
    "wagtailadmin_api:pages:action": ("L L L X X X X X", "L L L N N N N N"),  # /admin/api/main/pages/6/action/approve/
    "wagtailadmin_api:documents:listing": ("L L L O O O O O", "L L L X X X X X"),  # /admin/api/main/documents/
    "wagtailadmin_api:documents:detail": ("L L L O O O O O", "L L L X X X X X"),  # /admin/api/main/documents/1/
    "wagtailadmin_api:documents:find": ("L L L N N N N N", "L L L X X X X X"),  # /admin/api/main/documents/find/
    "wagtailadmin_api:images:listing": ("L L L O O O O O", "L L L X X X X X"),  # /admin/api/main/images/
    "wagtailadmin_api:images:detail": ("L L L O O O O O", "L L L X X X X X"),  # /admin/api/main/images/1/
    "wagtailadmin_api:images:find": ("L L L N N N N N", "L L L X X X X X"),  # /admin/api/main/images/find/
    "wagtailadmin_error_test": ("N N N N N N N N", "N N N N N N N N"),  # /admin/failwhale/
    "wagtailadmin_explore_root": ("L L L R R D D O", "L L L X X D D X"),  # /admin/pages/
    "wagtailadmin_explore": ("L L L O O D D O", "L L L X X D D X"),  # /admin/pages/5/
    "wagtailadmin_explore_results": ("L L L O O D D O", "L L L X X D D X"),  # /admin/pages/5/results/
    "wagtail_bulk_action": ("L L L N N N N N", "L L L N N N N N"),  # /admin/bulk/wagtailimages/image/delete/
    "wagtailadmin_pages:add": ("L L L O D D D O", "L L L B D D D B"),  # /admin/pages/add/courses/lessonpage/5/
    "wagtailadmin_pages:preview_on_add": ("L L L O D D D O", "L L L O D D D O"),  # /admin/pages/add/courses/lessonpage/5/preview/
    "wagtailadmin_pages:type_use": ("L L L O O D D O", "L L L X X D D X"),  # /admin/pages/usage/courses/lessonpage/
    "wagtailadmin_pages:choose_parent": ("L L L R O O O R", "L L L O O O O O"),  # /admin/pages/create/courses/lessonpage
    "wagtailadmin_pages:type_use_results": ("L L L O O D D O", "L L L X X D D X"),  # /admin/pages/usage/courses/lessonpage/results/
    "wagtailadmin_pages:usage": ("L L L O O D D O", "L L L X X D D X"),  # /admin/pages/6/usage/
    "wagtailadmin_pages:edit": ("L L L O O D D O", "L L L B+ B+ D D B+"),  # /admin/pages/6/edit/
    "wagtailadmin_pages:preview_on_edit": ("L L L O O D D O", "L L L O O D D O"),  # /admin/pages/6/edit/preview/
    "wagtailadmin_pages:view_draft": ("L L L O O D D O", "L L L O O D D O"),  # /admin/pages/6/view_draft/
    "wagtailadmin_pages:add_subpage": ("L L L R D D D R", "L L L R D D D R"),  # /admin/pages/5/add_subpage/
    "wagtailadmin_pages:delete": ("L L L D O D D O", "L L L D R+ D D R+"),  # /admin/pages/6/delete/
    "wagtailadmin_pages:unpublish": ("L L L D O D D O", "L L L D R+ D D R+"),  # /admin/pages/6/unpublish/
    "wagtailadmin_pages:convert_alias": ("L L L N N N N N", "L L L N N N N N"),  # /admin/pages/6/convert_alias/
    "wagtailadmin_pages:search": ("L L L O O D D O", "L L L X X D D X"),  # /admin/pages/search/
    "wagtailadmin_pages:search_results": ("L L L O O D D O", "L L L X X D D X"),  # /admin/pages/search/results/
    "wagtailadmin_pages:move": ("L L L D O D D O", "L L L D O D D O"),  # /admin/pages/6/move/
    "wagtailadmin_pages:move_confirm": ("L L L O O O O O", "L L L D D D D R+"),  # /admin/pages/6/move/5/confirm/
    "wagtailadmin_pages:set_page_position": ("L L L D O D D O", "L L L D D D D O+"),  # /admin/pages/6/set_position/
    "wagtailadmin_pages:copy": ("L L L O O D D O", "L L L B B D D B"),  # /admin/pages/6/copy/
    "wagtailadmin_pages:workflow_action": ("L L L N N N N N", "L L L N N N N N"),  # /admin/pages/workflow/action/6/approve/1/
    "wagtailadmin_pages:collect_workflow_action_data": ("L L L N N N N N", "L L L N N N N N"),  # /admin/pages/workflow/collect_action_data/6/approve/1/
    "wagtailadmin_pages:confirm_workflow_cancellation": ("L L L O O O O O", "L L L O O O O O"),  # /admin/pages/workflow/confirm_cancellation/6/
    "wagtailadmin_pages:workflow_preview": ("L L L D D D D D", "L L L X X X X X"),  # /admin/pages/workflow/preview/6/1/
    "wagtailadmin_pages:set_privacy": ("L L L D O D D O", "L L L D O D D O"),  # /admin/pages/6/privacy/
    "wagtailadmin_pages:lock": ("L L L X X X X X", "L L L D D D D R+"),  # /admin/pages/6/lock/
    "wagtailadmin_pages:unlock": ("L L L X X X X X", "L L L D D D D R"),  # /admin/pages/6/unlock/
    "wagtailadmin_pages:revisions_index": ("L L L R R R R R", "L L L R R R R R"),  # /admin/pages/6/revisions/
    "wagtailadmin_pages:revisions_view": ("L L L O O D D O", "L L L X X D D X"),  # /admin/pages/6/revisions/3/view/
    "wagtailadmin_pages:revisions_revert": ("L L L O O D D O", "L L L B+ B+ D D B+"),  # /admin/pages/6/revisions/3/revert/
    "wagtailadmin_pages:revisions_unschedule": ("L L L D O D D O", "L L L D R+ D D R+"),  # /admin/pages/6/revisions/3/unschedule/
    "wagtailadmin_pages:revisions_compare": ("L L L O O D D O", "L L L X X D D X"),  # /admin/pages/6/revisions/compare/earliest...latest/
    "wagtailadmin_pages:workflow_history": ("L L L O O D D O", "L L L X X D D X"),  # /admin/pages/6/workflow_history/
    "wagtailadmin_pages:workflow_history_detail": ("L L L N N D D N", "L L L X X D D X"),  # /admin/pages/6/workflow_history/detail/1/
    "wagtailadmin_pages:history": ("L L L O O D D O", "L L L X X D D X"),  # /admin/pages/6/history/
    "wagtailadmin_pages:history_results": ("L L L O O D D O", "L L L X X D D X"),  # /admin/pages/6/history/results/
    "wagtailadmin_choose_page": ("L L L O O O O O", "L L L X X X X X"),  # /admin/choose-page/
    "wagtailadmin_choose_page_child": ("L L L O O O O O", "L L L X X X X X"),  # /admin/choose-page/5/
    "wagtailadmin_choose_page_search": ("L L L O O O O O", "L L L X X X X X"),  # /admin/choose-page/search/
    "wagtailadmin_choose_page_chosen_multiple": ("L L L O O O O O", "L L L X X X X X"),  # /admin/choose-page/chosen-multiple/
    "wagtailadmin_choose_page_external_link": ("L L L O O O O O", "L L L O O O O O"),  # /admin/choose-external-link/
    "wagtailadmin_choose_page_email_link": ("L L L O O O O O", "L L L O O O O O"),  # /admin/choose-email-link/
    "wagtailadmin_choose_page_phone_link": ("L L L O O O O O", "L L L O O O O O"),  # /admin/choose-phone-link/
    "wagtailadmin_choose_page_anchor_link": ("L L L O O O O O", "L L L O O O O O"),  # /admin/choose-anchor-link/
    "wagtailadmin_tag_autocomplete": ("L L L O O O O O", "L L L O O O O O"),  # /admin/tag-autocomplete/
    "wagtailadmin_tag_model_autocomplete": ("L L L N N N N N", "L L L N N N N N"),  # /admin/tag-autocomplete/wagtailimages/image/
    "wagtailadmin_collections:index": ("L L L D D D D O", "L L L D D D D X"),  # /admin/collections/
    "wagtailadmin_collections:add": ("L L L D D D D O", "L L L D D D D O"),  # /admin/collections/add/
    "wagtailadmin_collections:edit": ("L L L D D D D N", "L L L D D D D N"),  # /admin/collections/1/
    "wagtailadmin_collections:delete": ("L L L N N N N N", "L L L N N N N N"),  # /admin/collections/1/delete/
    "wagtailadmin_collections:set_privacy": ("L L L D D D D O", "L L L D D D D O"),  # /admin/collections/1/privacy/
    "wagtailadmin_workflows:index": ("L L L D D D D O", "L L L D D D D X"),  # /admin/workflows/list/
    "wagtailadmin_workflows:index_results": ("L L L D D D D O", "L L L D D D D X"),  # /admin/workflows/list/results/
    "wagtailadmin_workflows:add": ("L L L D D D D O", "L L L D D D D O"),  # /admin/workflows/add/
    "wagtailadmin_workflows:enable": ("L L L X X X X X", "L L L D D D D R"),  # /admin/workflows/enable/1/
    "wagtailadmin_workflows:disable": ("L L L D D D D O", "L L L D D D D R+"),  # /admin/workflows/disable/1/
    "wagtailadmin_workflows:edit": ("L L L D D D D O", "L L L D D D D O"),  # /admin/workflows/edit/1/
    "wagtailadmin_workflows:usage": ("L L L D D D D O", "L L L D D D D X"),  # /admin/workflows/usage/1/
    "wagtailadmin_workflows:usage_results": ("L L L D D D D O", "L L L D D D D X"),  # /admin/workflows/usage/1/results/
    "wagtailadmin_workflows:remove page_pk": ("L L L X X X X X", "L L L D D D D R"),  # /admin/workflows/remove/5/
    "wagtailadmin_workflows:remove page_pk/workflow_pk": ("L L L X X X X X", "L L L D D D D R"),  # /admin/workflows/remove/5/1/
    "wagtailadmin_workflows:add_task": ("L L L D D D D O", "L L L D D D D O"),  # /admin/workflows/tasks/add/wagtailcore/groupapprovaltask/
    "wagtailadmin_workflows:select_task_type": ("L L L D D D D R", "L L L D D D D R"),  # /admin/workflows/tasks/select_type/
    "wagtailadmin_workflows:task_index": ("L L L D D D D O", "L L L D D D D X"),  # /admin/workflows/tasks/index/
    "wagtailadmin_workflows:task_index_results": ("L L L D D D D O", "L L L D D D D X"),  # /admin/workflows/tasks/index/results/
    "wagtailadmin_workflows:edit_task": ("L L L D D D D O", "L L L D D D D O"),  # /admin/workflows/tasks/edit/1/
    "wagtailadmin_workflows:disable_task": ("L L L D D D D O", "L L L D D D D R+"),  # /admin/workflows/tasks/disable/1/
    "wagtailadmin_workflows:enable_task": ("L L L X X X X X", "L L L D D D D R"),  # /admin/workflows/tasks/enable/1/
    "wagtailadmin_workflows:task_chooser": ("L L L O O O O O", "L L L X X X X X"),  # /admin/workflows/task_chooser/
    "wagtailadmin_workflows:task_chooser_results": ("L L L O O O O O", "L L L X X X X X"),  # /admin/workflows/task_chooser/results/
    "wagtailadmin_workflows:task_chooser_create": ("L L L O O O O O", "L L L B B B B O"),  # /admin/workflows/task_chooser/create/
    "wagtailadmin_workflows:task_chosen": ("L L L O O O O O", "L L L O O O O O"),  # /admin/workflows/task_chooser/1/
    "wagtailadmin_reports:locked_pages": ("L L L D D D D O", "L L L D D D D X"),  # /admin/reports/locked/
    "wagtailadmin_reports:locked_pages_results": ("L L L D D D D O", "L L L D D D D X"),  # /admin/reports/locked/results/
    "wagtailadmin_reports:workflow": ("L L L O O D D O", "L L L X X D D X"),  # /admin/reports/workflow/
    "wagtailadmin_reports:workflow_results": ("L L L O O D D O", "L L L X X D D X"),  # /admin/reports/workflow/results/
    "wagtailadmin_reports:workflow_tasks": ("L L L O O D D O", "L L L X X D D X"),  # /admin/reports/workflow_tasks/
    "wagtailadmin_reports:workflow_tasks_results": ("L L L O O D D O", "L L L X X D D X"),  # /admin/reports/workflow_tasks/results/
    "wagtailadmin_reports:site_history": ("L L L O O O O O", "L L L X X X X X"),  # /admin/reports/site-history/
    "wagtailadmin_reports:site_history_results": ("L L L O O O O O", "L L L X X X X X"),  # /admin/reports/site-history/results/
    "wagtailadmin_reports:aging_pages": ("L L L O O D D O", "L L L X X D D X"),  # /admin/reports/aging-pages/
    "wagtailadmin_reports:aging_pages_results": ("L L L O O D D O", "L L L X X D D X"),  # /admin/reports/aging-pages/results/
    "wagtailadmin_reports:page_types_usage": ("L L L O O D D O", "L L L X X D D X"),  # /admin/reports/page-types-usage/
    "wagtailadmin_reports:page_types_usage_results": ("L L L O O D D O", "L L L X X D D X"),  # /admin/reports/page-types-usage/results/
    "wagtailadmin_account": ("L L L O O O O O", "L L L O O O O O"),  # /admin/account/
    "wagtailadmin_logout": ("L L L X X X X X", "L L L L L L L L"),  # /admin/logout/
    "wagtailadmin_dismissibles": ("L L L O O O O O", "L L L X X X X X"),  # /admin/dismissibles/
    "wagtailadmin_editing_sessions:ping": ("L L L X X X X X", "L L L N N N N N"),  # /admin/editing-sessions/ping/membership/person/1/1/
    "wagtailadmin_editing_sessions:release": ("L L L X X X X X", "L L L O O O O O"),  # /admin/editing-sessions/release/1/
    "wagtailadmin_block_preview": ("L L L N N N N N", "L L L X X X X X"),  # /admin/block-preview/
    "wagtailmedia:index": ("L L L O O D D O", "L L L O O D D O"),  # /admin/media/
    "wagtailmedia:add": ("L L L O D D D O", "L L L O D D D O"),  # /admin/media/video/add/
    "wagtailmedia:edit": ("L L L D D D D O", "L L L D D D D O"),  # /admin/media/edit/1/
    "wagtailmedia:delete": ("L L L D D D D O", "L L L D D D D R+"),  # /admin/media/delete/1/
    "wagtailmedia:chooser": ("L L L O O O O O", "L L L O O O O O"),  # /admin/media/chooser/
    "wagtailmedia:chooser_typed": ("L L L O O O O O", "L L L O O O O O"),  # /admin/media/chooser/video/
    "wagtailmedia:media_chosen": ("L L L D D D D O", "L L L D D D D O"),  # /admin/media/chooser/1/
    "wagtailmedia:chooser_upload": ("L L L O D D D O", "L L L O D D D O"),  # /admin/media/video/chooser/upload/
    "wagtailmedia:media_usage": ("L L L O O D D O", "L L L O O D D O"),  # /admin/media/usage/1/
    "wagtailforms:index": ("L L L O O D D O", "L L L X X D D X"),  # /admin/forms/
    "wagtailforms:index_results": ("L L L O O D D O", "L L L X X D D X"),  # /admin/forms/results/
    "wagtailforms:list_submissions": ("L L L N N N N N", "L L L N N N N N"),  # /admin/forms/submissions/6/
    "wagtailforms:list_submissions_results": ("L L L N N N N N", "L L L N N N N N"),  # /admin/forms/submissions/6/results/
    "wagtailforms:delete_submissions": ("L L L D D D D D", "L L L D D D D D"),  # /admin/forms/submissions/6/delete/
    "wagtailredirects:index": ("L L L D D D D O", "L L L D D D D X"),  # /admin/redirects/
    "wagtailredirects:index_results": ("L L L D D D D O", "L L L D D D D X"),  # /admin/redirects/results/
    "wagtailredirects:add": ("L L L D D D D O", "L L L D D D D O"),  # /admin/redirects/add/
    "wagtailredirects:edit": ("L L L D D D D O", "L L L D D D D O"),  # /admin/redirects/1/
    "wagtailredirects:delete": ("L L L D D D D O", "L L L D D D D R+"),  # /admin/redirects/1/delete/
    "wagtailredirects:start_import": ("L L L D D D D O", "L L L D D D D O"),  # /admin/redirects/import/
    "wagtailredirects:process_import": ("L L L D D D D X", "L L L D D D D B"),  # /admin/redirects/import/process/
    "wagtailsettings:edit app_name/model_name": ("L L L D D D D R", "L L L D D D D R"),  # /admin/settings/cms/schoolsettings/
    "wagtailsettings:edit app_name/model_name/pk": ("L L L D D D D O", "L L L D D D D O"),  # /admin/settings/cms/schoolsettings/2/
    "wagtailsettings:preview_on_edit": ("L L L D D D D N", "L L L D D D D N"),  # /admin/settings/cms/schoolsettings/2/preview/
    "wagtailembeds:chooser": ("L L L O O O O O", "L L L O O O O O"),  # /admin/embeds/chooser/
    "wagtailembeds:chooser_upload": ("L L L O O O O O", "L L L O O O O O"),  # /admin/embeds/chooser/upload/
    "wagtailsnippets:index": ("L L L D D D D D", "L L L D D D D D"),  # /admin/snippets/
    "wagtaildocs:index": ("L L L O D D D O", "L L L X D D D X"),  # /admin/documents/
    "wagtaildocs:index_results": ("L L L O D D D O", "L L L X D D D X"),  # /admin/documents/results/
    "wagtaildocs:add": ("L L L O D D D O", "L L L O D D D O"),  # /admin/documents/add/
    "wagtaildocs:edit": ("L L L D D D D O", "L L L D D D D O+"),  # /admin/documents/edit/1/
    "wagtaildocs:delete": ("L L L D D D D O", "L L L D D D D R+"),  # /admin/documents/delete/1/
    "wagtaildocs:add_multiple": ("L L L O D D D O", "L L L B D D D B"),  # /admin/documents/multiple/add/
    "wagtaildocs:edit_multiple": ("L L L X X X X X", "L L L D D D D O"),  # /admin/documents/multiple/1/
    "wagtaildocs:create_multiple_from_uploaded_document": ("L L L X X X X X", "L L L N N N N N"),  # /admin/documents/multiple/create_from_uploaded_document/1/
    "wagtaildocs:delete_multiple": ("L L L X X X X X", "L L L D D D D O+"),  # /admin/documents/multiple/1/delete/
    "wagtaildocs:delete_upload_multiple": ("L L L X X X X X", "L L L N N N N N"),  # /admin/documents/multiple/delete_upload/1/
    "wagtaildocs:document_usage": ("L L L D D D D O", "L L L D D D D X"),  # /admin/documents/usage/1/
    "wagtailimages:index": ("L L L O D D D O", "L L L X D D D X"),  # /admin/images/
    "wagtailimages:index_results": ("L L L O D D D O", "L L L X D D D X"),  # /admin/images/results/
    "wagtailimages:edit": ("L L L D D D D O", "L L L D D D D O+"),  # /admin/images/1/
    "wagtailimages:delete": ("L L L D D D D O", "L L L D D D D R+"),  # /admin/images/1/delete/
    "wagtailimages:url_generator": ("L L L N N N N N", "L L L X X X X X"),  # /admin/images/1/generate_url/
    "wagtailimages:url_generator_output": ("L L L N N N N N", "L L L X X X X X"),  # /admin/images/1/generate_url/output/
    "wagtailimages:preview": ("L L L D D D D O", "L L L D D D D O"),  # /admin/images/1/preview/fill-10x10/
    "wagtailimages:add": ("L L L O D D D O", "L L L O D D D O"),  # /admin/images/add/
    "wagtailimages:image_usage": ("L L L D D D D O", "L L L D D D D X"),  # /admin/images/usage/1/
    "wagtailimages:add_multiple": ("L L L O D D D O", "L L L B D D D B"),  # /admin/images/multiple/add/
    "wagtailimages:edit_multiple": ("L L L X X X X X", "L L L D D D D O"),  # /admin/images/multiple/1/
    "wagtailimages:create_multiple_from_uploaded_image": ("L L L X X X X X", "L L L N N N N N"),  # /admin/images/multiple/create_from_uploaded_image/1/
    "wagtailimages:delete_multiple": ("L L L X X X X X", "L L L D D D D O+"),  # /admin/images/multiple/1/delete/
    "wagtailimages:delete_upload_multiple": ("L L L X X X X X", "L L L N N N N N"),  # /admin/images/multiple/delete_upload/1/
    "wagtailusers_users:index": ("L L L D D D D O", "L L L D D D D X"),  # /admin/users/
    "wagtailusers_users:index_results": ("L L L D D D D O", "L L L D D D D X"),  # /admin/users/results/
    "wagtailusers_users:add": ("L L L D D D D O", "L L L D D D D O"),  # /admin/users/new/
    "wagtailusers_users:edit": ("L L L N N D N O", "L L L N N D N O"),  # /admin/users/edit/4/
    "wagtailusers_users:delete": ("L L L N N D N O", "L L L N N D N R"),  # /admin/users/delete/4/
    "wagtailusers_users:history": ("L L L N N D N O", "L L L N N D N X"),  # /admin/users/history/4/
    "wagtailusers_users:history_results": ("L L L N N D N O", "L L L N N D N X"),  # /admin/users/history-results/4/
    "wagtailusers_users:usage": ("L L L N N D N O", "L L L N N D N X"),  # /admin/users/usage/4/
    "wagtailusers_users:copy": ("L L L D D D D O", "L L L D D D D O"),  # /admin/users/copy/4/
    "wagtailusers_groups:index": ("L L L D D D D O", "L L L D D D D X"),  # /admin/groups/
    "wagtailusers_groups:index_results": ("L L L D D D D O", "L L L D D D D X"),  # /admin/groups/results/
    "wagtailusers_groups:add": ("L L L D D D D O", "L L L D D D D O"),  # /admin/groups/new/
    "wagtailusers_groups:edit": ("L L L D D D D O", "L L L D D D D O"),  # /admin/groups/edit/5/
    "wagtailusers_groups:delete": ("L L L D D D D O", "L L L D D D D R+"),  # /admin/groups/delete/5/
    "wagtailusers_groups:history": ("L L L D D D D O", "L L L D D D D X"),  # /admin/groups/history/5/
    "wagtailusers_groups:history_results": ("L L L D D D D O", "L L L D D D D X"),  # /admin/groups/history-results/5/
    "wagtailusers_groups:usage": ("L L L D D D D O", "L L L D D D D X"),  # /admin/groups/usage/5/
    "wagtailsites:index": ("L L L D D D D O", "L L L D D D D X"),  # /admin/sites/
    "wagtailsites:index_results": ("L L L D D D D O", "L L L D D D D X"),  # /admin/sites/results/
    "wagtailsites:add": ("L L L D D D D O", "L L L D D D D O"),  # /admin/sites/new/
    "wagtailsites:edit": ("L L L D D D D O", "L L L D D D D O"),  # /admin/sites/edit/2/
    "wagtailsites:delete": ("L L L D D D D O", "L L L D D D D R+"),  # /admin/sites/delete/2/
    "wagtailsites:history": ("L L L D D D D O", "L L L D D D D X"),  # /admin/sites/history/2/
    "wagtailsites:history_results": ("L L L D D D D O", "L L L D D D D X"),  # /admin/sites/history-results/2/
    "wagtailsites:usage": ("L L L D D D D O", "L L L D D D D X"),  # /admin/sites/usage/2/
    "wagtailsites:copy": ("L L L D D D D O", "L L L D D D D O"),  # /admin/sites/copy/2/
    "wagtaildocs_chooser:choose": ("L L L O O O O O", "L L L X X X X X"),  # /admin/documents/chooser/
    "wagtaildocs_chooser:choose_results": ("L L L O O O O O", "L L L X X X X X"),  # /admin/documents/chooser/results/
    "wagtaildocs_chooser:chosen": ("L L L O O O O O", "L L L X X X X X"),  # /admin/documents/chooser/chosen/1/
    "wagtaildocs_chooser:chosen_multiple": ("L L L O O O O O", "L L L X X X X X"),  # /admin/documents/chooser/chosen-multiple/
    "wagtaildocs_chooser:create": ("L L L O D D D O", "L L L O D D D O"),  # /admin/documents/chooser/create/
    "wagtailimages_chooser:choose": ("L L L O O O O O", "L L L X X X X X"),  # /admin/images/chooser/
    "wagtailimages_chooser:choose_results": ("L L L O O O O O", "L L L X X X X X"),  # /admin/images/chooser/results/
    "wagtailimages_chooser:chosen": ("L L L O O O O O", "L L L X X X X X"),  # /admin/images/chooser/chosen/1/
    "wagtailimages_chooser:chosen_multiple": ("L L L O O O O O", "L L L X X X X X"),  # /admin/images/chooser/chosen-multiple/
    "wagtailimages_chooser:create": ("L L L O D D D O", "L L L O D D D O"),  # /admin/images/chooser/create/
    "wagtailimages_chooser:select_format": ("L L L O O O O O", "L L L O O O O O"),  # /admin/images/chooser/1/select_format/
    "wagtailadmin_sprite": ("O O O O O O O O", "O O O O O O O O"),  # /admin/sprite/
    "wagtailadmin_login": ("O O O R R R R R", "O O O O O O O O"),  # /admin/login/
    "wagtailadmin_password_reset": ("O O O O O O O O", "O O O O O O O O"),  # /admin/password_reset/
    "wagtailadmin_password_reset_done": ("O O O O O O O O", "X X X X X X X X"),  # /admin/password_reset/done/
    "wagtailadmin_password_reset_confirm": ("O O O O O O O O", "O O O O O O O O"),  # /admin/password_reset/confirm/MQ/set-password/
    "wagtailadmin_password_reset_complete": ("O O O O O O O O", "X X X X X X X X"),  # /admin/password_reset/complete/
    "wagtailadmin_javascript_catalog": ("O O O O O O O O", "X X X X X X X X"),  # /admin/jsi18n/
    "wagtaildocs_serve": ("O O O O O O O O", "O O O O O O O O"),  # /documents/1/material.pdf
    "wagtaildocs_authenticate_with_password": ("N N N N N N N N", "N N N N N N N N"),  # /documents/authenticate_with_password/1/
    "wagtailcore_authenticate_with_password": ("N N N N N N N N", "N N N N N N N N"),  # /_util/authenticate_with_password/1/6/
    "wagtailcore_login": ("O O O O O O O O", "O O O O O O O O"),  # /_util/login/
    "wagtail_serve": ("O O O O O O O O", "O O O O O O O O"),  # /courses/activists/
}
# fmt: on


def _request(world: World, role: str, url: str, method: str, write: Write | None):
    client = world.client(role)
    if method == "get":
        return client.get(url)
    return (write or Write()).send(client, url, world)


def observe(world: World, pattern, *, write: bool, clean: str | None = None):
    """Each role's answer to a GET (or, with ``write``, to the row's write) of ``pattern``, and
    whether it changed the database. Every request is rolled back, so each role meets the
    same world; ``clean`` is that world's fingerprint."""
    url = url_of(pattern, world)
    spec = WRITES.get(pattern.key)
    method = (spec.method if spec else "post") if write else "get"
    answers, changed = {}, {}
    for role in ROLES:
        with transaction.atomic():
            response = _request(world, role, url, method, spec)
            answers[role] = outcome(response)
            changed[role] = write and fingerprint() != clean
            transaction.set_rollback(True)
    return url, answers, changed


def test_every_url_pattern_has_a_row():
    """A new URL (ours, Wagtail's after an upgrade) must be decided on before it ships."""
    keys = {pattern.key for pattern in patterns() if not pattern.format_twin}
    missing, stale = sorted(keys - TABLE.keys()), sorted(TABLE.keys() - keys)
    assert not missing, f"URL patterns with no row in TABLE: {missing}"
    assert not stale, f"rows in TABLE for URL patterns that no longer exist: {stale}"


def test_every_write_payload_belongs_to_a_row():
    assert not sorted(WRITES.keys() - TABLE.keys())


def _expect(letters: str, role: str) -> tuple[str, bool]:
    """The letter for ``role`` and whether the request must change the database."""
    letter = letters.split()[ROLES.index(role)]
    return letter.rstrip("+"), letter.endswith("+")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_meets_the_table(role):
    """Every URL of the site (DRF's ``.json`` twins with their base's row), as ``role``: the
    answer to a GET and to the row's write, and whether the write changed the database."""
    world = build_world()
    clean = fingerprint()
    problems = []
    for pattern in patterns():
        get, write = TABLE[pattern.key]
        url = url_of(pattern, world)
        spec = WRITES.get(pattern.key)
        for method, letters in (("get", get), ((spec.method if spec else "post"), write)):
            expected, must_change = _expect(letters, role)
            with transaction.atomic():
                response = _request(world, role, url, method, spec)
                got = outcome(response)
                changed = method != "get" and fingerprint() != clean
                transaction.set_rollback(True)
            if got != expected:
                problems.append(f"{method.upper()} {url} ({pattern.key}): {got}, not {expected}")
            elif method != "get" and changed != must_change:
                what = "changed the database" if changed else "changed nothing"
                problems.append(f"{method.upper()} {url} ({pattern.key}) {what}")
    assert not problems, f"as {role}:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_print_the_matrix():
    if not os.environ.get("MATRIX_PRINT"):
        pytest.skip("MATRIX_PRINT=1 prints the observed matrix")
    world = build_world()
    clean = fingerprint()
    lines = []
    for pattern in patterns():
        if pattern.format_twin:
            continue
        url, got, _ = observe(world, pattern, write=False)
        _, wrote, changed = observe(world, pattern, write=True, clean=clean)
        get = " ".join(got[role] for role in ROLES)
        post = " ".join(wrote[role] + ("+" if changed[role] else "") for role in ROLES)
        lines.append(f'    "{pattern.key}": ("{get}", "{post}"),  # {url}')
    print("\n".join(lines))
