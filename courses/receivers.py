"""Side effects of changes to the question banks and exams (plain signals: only caches)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cms.transactions import clear_now_and_on_commit
from courses.models import Exam, ExamRule, FillBlank, Question, QuestionBank, QuestionOption
from courses.services.exams import forget_paper_pools

PAPER_SOURCES = (Exam, ExamRule, Question, QuestionOption, FillBlank, QuestionBank)


@receiver(post_save, dispatch_uid="courses.paper_pools.saved")
@receiver(post_delete, dispatch_uid="courses.paper_pools.deleted")
def forget_paper_pools_on_change(sender, **kwargs) -> None:
    """Papers are drawn from prepared pools (``paper_pool``): a change to what they are drawn
    from retires every pool, at once (for this transaction's own reads) and again once the
    change commits, since a pool prepared in between by another process read the questions as
    they were before it."""
    if sender in PAPER_SOURCES:
        clear_now_and_on_commit(forget_paper_pools)
