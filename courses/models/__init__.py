from courses.models.certificates import (
    Certificate,
    CertificateEvent,
    CompletionPolicy,
    ReflectionEssay,
    VerificationLog,
)
from courses.models.curriculum import Audience, CourseIndexPage, CoursePage, LessonPage
from courses.models.exams import (
    Answer,
    Attempt,
    AttemptQuestion,
    Exam,
    ExamRule,
    FillBlank,
    Question,
    QuestionBank,
    QuestionOption,
)
from courses.models.learning import Cohort, Enrollment, LessonProgress, StudyClock

__all__ = [
    "Answer",
    "Attempt",
    "AttemptQuestion",
    "Audience",
    "Certificate",
    "CertificateEvent",
    "Cohort",
    "CompletionPolicy",
    "CourseIndexPage",
    "CoursePage",
    "Enrollment",
    "Exam",
    "ExamRule",
    "FillBlank",
    "LessonPage",
    "LessonProgress",
    "Question",
    "QuestionBank",
    "QuestionOption",
    "ReflectionEssay",
    "StudyClock",
    "VerificationLog",
]
